// The metadata database for npm start and npm run demo: DATABASE_URL when set, otherwise the
// embedded PostgreSQL under <DTS_DATA_DIR>/pg (started here, or found already running), with
// the migrations applied. Sets process.env.DATABASE_URL for the Prisma client.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { config } from '../server/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** runs `fn` on a connection to `url`, closed afterwards */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** creates the database on a local server unless it exists (`name` is a plain identifier) */
export async function ensureDatabase(server: { url(db?: string): string }, name: string): Promise<void> {
  await withClient(server.url('postgres'), async (c) => {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (r.rowCount === 0) await c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  });
}

async function startEmbeddedPostgres(): Promise<{ url: string; stop?: () => Promise<void> }> {
  const { embeddedBinDir, portOpen, startLocalPostgres } = await import('../server/pg-server');
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
  await ensureDatabase(pgServer, 'dts');
  console.log(`metadata database: embedded PostgreSQL on 127.0.0.1:${config.embeddedPort}, data in ${path.join(config.dataDir, 'pg')}`);
  // another process (npm run web next to npm run replicator) started it: leave it to that one
  return { url: pgServer.url('dts'), stop: alreadyUp ? undefined : () => pgServer.stop('fast') };
}

/** opens (starting it if embedded) and migrates the metadata database; `stop` when this process started it */
export async function openMetadataDatabase(): Promise<{ stop?: () => Promise<void> }> {
  let stop: (() => Promise<void>) | undefined;
  if (!process.env.DATABASE_URL) {
    const embedded = await startEmbeddedPostgres();
    process.env.DATABASE_URL = embedded.url;
    stop = embedded.stop;
  }
  const { migrate } = await import('../server/migrate');
  const applied = await migrate(path.join(root, 'prisma', 'migrations'));
  if (applied.length) console.log(`applied migrations: ${applied.join(', ')}`);
  return { stop };
}
