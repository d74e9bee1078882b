// The metadata database for npm start and npm run demo: DATABASE_URL when set, otherwise the
// embedded PostgreSQL under <DTS_DATA_DIR>/pg (started here, or found already running), with
// the migrations applied. Sets process.env.DATABASE_URL for the Prisma client.
//
// The embedded server asks every connection for a password (scram-sha-256) and has no Unix
// socket. Its superuser's password (<DTS_DATA_DIR>/pg-password, mode 0600) is used here only, at
// start-up, to set up the role the console and the replicators connect as: `dts_app`, the owner of
// the database `dts` and of every object in it, and not a superuser (its password is in
// <DTS_DATA_DIR>/pg-app-password, mode 0600). The migrations run as `dts_app`.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { config } from '../server/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** the role the console and the replicators use on the embedded metadata server */
export const APP_ROLE = 'dts_app';
const DATABASE = 'dts';

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
export async function ensureDatabase(server: { url(db?: string): string }, name: string, owner?: string): Promise<void> {
  await withClient(server.url('postgres'), async (c) => {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (r.rowCount === 0) await c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}${owner ? ` OWNER ${pg.escapeIdentifier(owner)}` : ''}`);
  });
}

/** a secret in a file of the data directory, mode 0600, made on first use */
function secretFile(name: string, bytes: number): string {
  const file = path.join(config.dataDir, name);
  if (!existsSync(file)) writeFileSync(file, randomBytes(bytes).toString('base64url'), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

/**
 * As the superuser: the app role with its password, the database it owns, and every object in the
 * database owned by it (a data directory of an older version has them owned by the superuser).
 */
async function setUpAppRole(server: { url(db?: string): string }, appPassword: string): Promise<void> {
  const role = pg.escapeIdentifier(APP_ROLE);
  await withClient(server.url('postgres'), async (c) => {
    const exists = (await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_ROLE])).rowCount === 1;
    const attrs = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
    await c.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${role} ${attrs} PASSWORD ${pg.escapeLiteral(appPassword)}`);
  });
  await ensureDatabase(server, DATABASE, APP_ROLE);
  await withClient(server.url(DATABASE), async (c) => {
    await c.query(`ALTER DATABASE ${pg.escapeIdentifier(DATABASE)} OWNER TO ${role}`);
    await c.query(`REVOKE ALL ON DATABASE ${pg.escapeIdentifier(DATABASE)} FROM PUBLIC`);
    await c.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${pg.escapeIdentifier(DATABASE)} TO ${role}`);
    await c.query(`ALTER SCHEMA public OWNER TO ${role}`);
    // tables (with their sequences and indexes), views, sequences and types of older versions
    await c.query(`DO $$
      DECLARE r record;
      BEGIN
        FOR r IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c
                  WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                    AND c.relowner <> ${pg.escapeLiteral(APP_ROLE)}::regrole
                    AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
        LOOP
          EXECUTE format('ALTER %s %s OWNER TO ${APP_ROLE}', CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.name);
        END LOOP;
        FOR r IN SELECT t.oid::regtype AS name FROM pg_type t
                  WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0
                    AND t.typowner <> ${pg.escapeLiteral(APP_ROLE)}::regrole
        LOOP
          EXECUTE format('ALTER TYPE %s OWNER TO ${APP_ROLE}', r.name);
        END LOOP;
      END $$`);
  });
}

// ---- who stops the embedded server: the process that started it, or that adopted it

const ownerFile = () => path.join(config.dataDir, 'pg-owner');

/** the start time of a process (field 22 of /proc/<pid>/stat), to tell a reused pid apart */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** true when the process recorded as the server's owner is alive (and not a newer one under its pid) */
function ownerAlive(): boolean {
  try {
    const [pid, started] = readFileSync(ownerFile(), 'utf8').trim().split(' ');
    const n = Number(pid);
    if (!Number.isInteger(n) || n <= 0 || n === process.pid) return false;
    return processStart(n) !== null && processStart(n) === started;
  } catch {
    return false;
  }
}

function recordOwner(): void {
  const tmp = `${ownerFile()}.${process.pid}`;
  writeFileSync(tmp, `${process.pid} ${processStart(process.pid) ?? ''}\n`, { mode: 0o600 });
  renameSync(tmp, ownerFile());
}

async function startEmbeddedPostgres(): Promise<{ url: string; stop?: () => Promise<void> }> {
  const { embeddedBinDir, portOpen, startLocalPostgres } = await import('../server/pg-server');
  mkdirSync(config.dataDir, { recursive: true, mode: 0o711 });
  // as root the server runs as the postgres user, which must be able to reach <dataDir>/pg
  chmodSync(config.dataDir, (statSync(config.dataDir).mode & 0o777) | 0o011);
  const password = secretFile('pg-password', 18);
  const appPassword = secretFile('pg-app-password', 24);
  const alreadyUp = await portOpen(config.embeddedPort);
  // Left running by a process that is gone (npm start killed with -9): this one adopts it and
  // stops it at shutdown. Started by a process still running (npm run web beside npm run
  // replicator): that one stops it.
  const owned = !alreadyUp || !ownerAlive();
  const pgServer = await startLocalPostgres({
    binDir: await embeddedBinDir(),
    dataDir: path.join(config.dataDir, 'pg'),
    port: config.embeddedPort,
    password,
    auth: 'password',
  });
  if (owned) recordOwner();
  await setUpAppRole(pgServer, appPassword);
  const how = !alreadyUp ? 'started' : owned ? 'adopted (left running by a process that is gone)' : 'shared with the process that started it';
  console.log(`metadata database: embedded PostgreSQL on 127.0.0.1:${config.embeddedPort} (${how}), data in ${path.join(config.dataDir, 'pg')}`);
  return { url: pgServer.url(DATABASE, APP_ROLE, appPassword), stop: owned ? () => pgServer.stop('fast') : undefined };
}

/** a role of DATABASE_URL that is a superuser: said once, as the README asks for a least-privileged one */
async function warnIfSuperuser(url: string): Promise<void> {
  const su = await withClient(url, async (c) => (await c.query<{ su: boolean }>('SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user')).rows[0]?.su).catch(() => false);
  if (su) console.warn('warning: DATABASE_URL signs in as a superuser; use a role that owns the metadata database and nothing more (see README, Security)');
}

/** opens (starting it if embedded) and migrates the metadata database; `stop` when this process started it */
export async function openMetadataDatabase(): Promise<{ stop?: () => Promise<void> }> {
  let stop: (() => Promise<void>) | undefined;
  if (!process.env.DATABASE_URL) {
    const embedded = await startEmbeddedPostgres();
    process.env.DATABASE_URL = embedded.url;
    stop = embedded.stop;
  } else {
    await warnIfSuperuser(process.env.DATABASE_URL);
  }
  const { migrate } = await import('../server/migrate');
  const applied = await migrate(path.join(root, 'prisma', 'migrations'));
  if (applied.length) console.log(`applied migrations: ${applied.join(', ')}`);
  return { stop };
}
