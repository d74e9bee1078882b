// npm start: the console (Next.js: pages + /api/trpc + /api/metrics) and the replicator in one
// process. Without DATABASE_URL, an embedded PostgreSQL under <DTS_DATA_DIR>/pg holds the
// metadata. `--only web` and `--only replicator` run one half (npm run web / npm run replicator).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const onlyIdx = process.argv.indexOf('--only');
const only = onlyIdx >= 0 ? process.argv[onlyIdx + 1] : undefined;
if (only !== undefined && only !== 'web' && only !== 'replicator') {
  console.error('usage: tsx scripts/start.ts [--only web|replicator]');
  process.exit(2);
}
const runWeb = only !== 'replicator';
const runReplicator = only !== 'web';

const { config } = await import('../server/config');

interface Stoppable {
  name: string;
  stop(): Promise<void>;
}
const running: Stoppable[] = [];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(p)) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, e)));
  }
  return newest;
}

/** Builds the Next app when .next is missing or older than its sources. */
function ensureBuild(): void {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  const sources = ['app', 'components', 'server', 'public', 'next.config.js', 'postcss.config.mjs', 'package.json'];
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const newest = Math.max(...sources.map((s) => newestMtime(path.join(root, s))));
  if (built >= newest) return;
  console.log(built ? 'sources changed since the last build: running next build' : 'no build yet: running next build');
  const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const r = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
}

async function startWeb(): Promise<void> {
  // DTS_DEV=1: Next.js in development mode (recompiles on change), for working on the console
  const dev = process.env.DTS_DEV === '1';
  if (!dev) ensureBuild();
  // security headers (a CSP whose nonce Next puts on its scripts), body size limit, client address
  const { createRequestPipeline } = await import('../server/api/request-pipeline');
  const next = (await import('next')).default;
  const host = process.env.HOST ?? '0.0.0.0';
  const app = next({ dev, dir: root, hostname: host, port: config.port });
  const handle = app.getRequestHandler();
  const pipeline = createRequestPipeline((req, res) => handle(req, res), { dev });
  await app.prepare();
  const server = http.createServer(pipeline);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, host, () => resolve());
  });
  running.push({
    name: 'web server',
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  console.log(`console and API on http://${host === '0.0.0.0' ? 'localhost' : host}:${config.port} (API: /api/trpc, metrics: /api/metrics)`);
}

async function startReplicatorHere(): Promise<void> {
  const { startReplicator } = await import('../server/replicator/main');
  const r = await startReplicator();
  running.push({ name: 'replicator', stop: () => r.stop() });
  console.log('replicator started');
}

let stopping = false;
async function shutdown(signal: string, exitCode = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  // replicator first (it finishes its batches), then the web server, then the database
  for (const order of ['replicator', 'web server', 'embedded PostgreSQL']) {
    for (const s of running.filter((x) => x.name === order)) {
      await s.stop().catch((e: unknown) => console.error(`stopping the ${s.name}: ${e instanceof Error ? e.message : String(e)}`));
    }
  }
  const { disconnectDb } = await import('../server/db');
  await disconnectDb().catch(() => undefined);
  process.exit(exitCode);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

try {
  const { openMetadataDatabase } = await import('./metadata-db');
  const meta = await openMetadataDatabase();
  if (meta.stop) running.push({ name: 'embedded PostgreSQL', stop: meta.stop });
  const { ensureAdmin } = await import('../server/services/bootstrap-admin');
  await ensureAdmin();
  // a DTS_SECRET_KEY (or secret.key) that is not the stored passwords' key stops us here
  const { checkSecretKey } = await import('./secret-key');
  await checkSecretKey();
  if (runWeb) await startWeb();
  if (runReplicator) await startReplicatorHere();
} catch (e) {
  console.error(`start failed: ${e instanceof Error ? e.message : String(e)}`);
  // a start that failed exits non-zero (for systemd, scripts and tests)
  await shutdown('error', 1);
}
