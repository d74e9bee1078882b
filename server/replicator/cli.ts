// `npm run replicator` without the console, and the process the tests kill: runs a replicator
// against DATABASE_URL until SIGTERM or SIGINT, then stops gracefully (flush, checkpoint,
// release locks).
import { disconnectDb } from '../db';
import { migrate } from '../migrate';
import { startReplicator } from './main';

await migrate();
const r = await startReplicator();
let stopping = false;
const stop = async (sig: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`[replicator ${r.id}] ${sig}: stopping`);
  await r.stop();
  await disconnectDb();
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
