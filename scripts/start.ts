// npm start: the console (Next.js: pages + /api/trpc + /api/metrics) and the replicator in one
// process. Without DATABASE_URL, an embedded PostgreSQL under <DTS_DATA_DIR>/pg holds the
// metadata. `--only web` and `--only replicator` run one half (npm run web / npm run replicator).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

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

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

async function startEmbeddedPostgres(): Promise<string> {
  const { embeddedBinDir, startLocalPostgres } = await import('../server/pg-server');
  mkdirSync(config.dataDir, { recursive: true, mode: 0o711 });
  // as root the server runs as the postgres user, which must be able to reach <dataDir>/pg
  chmodSync(config.dataDir, (statSync(config.dataDir).mode & 0o777) | 0o011);
  const pwFile = path.join(config.dataDir, 'pg-password');
  if (!existsSync(pwFile)) writeFileSync(pwFile, randomBytes(18).toString('base64url'), { mode: 0o600, flag: 'wx' });
  const password = readFileSync(pwFile, 'utf8').trim();
  const alreadyUp = await portOpen(config.embeddedPort);
  const pgServer = await startLocalPostgres({
    binDir: await embeddedBinDir(),
    dataDir: path.join(config.dataDir, 'pg'),
    port: config.embeddedPort,
    password,
  });
  // another process (npm run web next to npm run replicator) started it: leave it to that one
  if (!alreadyUp) running.push({ name: 'embedded PostgreSQL', stop: () => pgServer.stop('fast') });
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: pgServer.url('postgres') });
  await c.connect();
  try {
    const r = await c.query(`SELECT 1 FROM pg_database WHERE datname = 'dts'`);
    if (r.rowCount === 0) await c.query('CREATE DATABASE dts');
  } finally {
    await c.end();
  }
  console.log(`metadata database: embedded PostgreSQL on 127.0.0.1:${config.embeddedPort}, data in ${path.join(config.dataDir, 'pg')}`);
  return pgServer.url('dts');
}

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
  ensureBuild();
  const next = (await import('next')).default;
  const host = process.env.HOST ?? '0.0.0.0';
  const app = next({ dev: false, dir: root, hostname: host, port: config.port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = http.createServer((req, res) => {
    void handle(req, res);
  });
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
async function shutdown(signal: string): Promise<void> {
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
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

try {
  if (!process.env.DATABASE_URL) process.env.DATABASE_URL = await startEmbeddedPostgres();
  const { migrate } = await import('../server/migrate');
  const applied = await migrate(path.join(root, 'prisma', 'migrations'));
  if (applied.length) console.log(`applied migrations: ${applied.join(', ')}`);
  const { ensureAdmin } = await import('../server/services/bootstrap-admin');
  await ensureAdmin();
  if (runWeb) await startWeb();
  if (runReplicator) await startReplicatorHere();
} catch (e) {
  console.error(`start failed: ${e instanceof Error ? e.message : String(e)}`);
  await shutdown('error');
  process.exit(1);
}
