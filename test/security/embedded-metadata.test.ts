// The embedded metadata PostgreSQL of `npm start` (issue 13): a password for every connection
// and no Unix socket; the console and the replicator connect as dts_app, which owns the database
// and is not a superuser; a data directory of the previous version (trusted local connections,
// tables owned by the superuser) is brought to that; and after a kill -9 of npm start the next
// start adopts the server still running and stops it at shutdown.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { embeddedBinDir, portOpen } from '../../server/pg-server';
import { freePort, waitFor } from '../helpers/pg';

const root = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'dts-embedded-'));
chmodSync(tmp, 0o755);
const dataDir = path.join(tmp, 'data');
const children: ChildProcess[] = [];
let port = 0;

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  // a server this test left running
  if (existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))) {
    const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const as = process.getuid?.() === 0 ? { uid: id('-u'), gid: id('-g') } : {};
    spawnSync(path.join(await embeddedBinDir(), 'pg_ctl'), ['-D', path.join(dataDir, 'pg'), 'stop', '-m', 'immediate'], as);
  }
  rmSync(tmp, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  output: () => string;
}

/** `npm run replicator`'s entry: opens (or starts) the embedded metadata database, runs a replicator */
async function startReplicatorProcess(): Promise<Started> {
  let out = '';
  const env: NodeJS.ProcessEnv = { ...process.env, DTS_DATA_DIR: dataDir, DTS_EMBEDDED_PG_PORT: String(port), DTS_ADMIN_PASSWORD: 'embedded-admin-pw' };
  delete env.DATABASE_URL;
  delete env.DTS_SECRET_KEY;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--only', 'replicator'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  await waitFor('the replicator to start', async () => {
    if (child.exitCode !== null) throw new Error(`start.ts exited ${child.exitCode}: ${out}`);
    return out.includes('replicator started');
  }, 120_000, 200);
  return { child, output: () => out };
}

const superuserPassword = () => readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();

async function asSuperuser<T>(database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: superuserPassword(), database });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('the embedded metadata database', () => {
  test('a data directory of the previous version is brought to password-only access and a non-superuser owner', async () => {
    port = await freePort();
    // the previous version: initdb with trusted local connections, tables created by the superuser
    const { startLocalPostgres } = await import('../../server/pg-server');
    mkdirSync(dataDir, { recursive: true, mode: 0o711 });
    writeFileSync(path.join(dataDir, 'pg-password'), 'old-superuser-pw', { mode: 0o600 });
    const old = await startLocalPostgres({ binDir: await embeddedBinDir(), dataDir: path.join(dataDir, 'pg'), port, password: 'old-superuser-pw' });
    await asSuperuser('postgres', (c) => c.query('CREATE DATABASE dts'));
    await asSuperuser('dts', async (c) => {
      for (const name of readdirSync(path.join(root, 'prisma/migrations')).filter((d) => /^000[123]_/.test(d)).sort()) {
        await c.query(readFileSync(path.join(root, 'prisma/migrations', name, 'migration.sql'), 'utf8'));
      }
      await c.query('CREATE TABLE "_dts_migrations" (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      await c.query(`INSERT INTO "_dts_migrations"(name) VALUES ('0001_init'), ('0002_two_way_conflicts'), ('0003_connections')`);
      await c.query(`INSERT INTO "User"(username, "passwordHash", role) VALUES ('Old.Admin', 'scrypt:x:y', 'admin')`);
    });
    assert.match(readFileSync(path.join(dataDir, 'pg', 'pg_hba.conf'), 'utf8'), /^local\s+all\s+all\s+trust/m, 'the old server trusted local connections');
    await old.stop('fast');

    const first = await startReplicatorProcess();
    assert.match(first.output(), /metadata database: embedded PostgreSQL on 127\.0\.0\.1:\d+ \(started\)/);
    assert.match(first.output(), /applied migrations: 0004_security/);
    const hba = readFileSync(path.join(dataDir, 'pg', 'pg_hba.conf'), 'utf8');
    assert.doesNotMatch(hba, /trust/);
    assert.match(hba, /^local\s+all\s+all\s+scram-sha-256$/m);
    assert.deepEqual(readdirSync(path.join(dataDir, 'pg')).filter((f) => f.startsWith('.s.PGSQL')), [], 'no Unix socket');
    for (const f of ['pg-password', 'pg-app-password']) assert.equal(statSync(path.join(dataDir, f)).mode & 0o777, 0o600, f);

    // a wrong password is refused, even from this machine
    await assert.rejects(new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: 'guess', database: 'dts' }).connect(), /password authentication failed/);
    const facts = await asSuperuser('dts', async (c) => ({
      role: (await c.query(`SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication FROM pg_roles WHERE rolname = 'dts_app'`)).rows[0],
      dbOwner: (await c.query(`SELECT pg_get_userbyid(datdba) AS o FROM pg_database WHERE datname = 'dts'`)).rows[0].o,
      notOwned: (await c.query(`SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r','S','v') AND pg_get_userbyid(relowner) <> 'dts_app'`)).rows,
      types: (await c.query(`SELECT typname FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype = 'e' AND pg_get_userbyid(typowner) <> 'dts_app'`)).rows,
      sessions: (await c.query(`SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = 'dts' AND usename IS NOT NULL AND pid <> pg_backend_pid()`)).rows.map((r) => r.usename),
      users: (await c.query(`SELECT username FROM "User" ORDER BY id`)).rows.map((r) => r.username),
    }));
    assert.deepEqual(facts.role, { rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false });
    assert.equal(facts.dbOwner, 'dts_app');
    assert.deepEqual(facts.notOwned, [], 'every table and sequence is owned by dts_app');
    assert.deepEqual(facts.types, []);
    assert.deepEqual(facts.sessions, ['dts_app'], 'the replicator connects as dts_app only');
    assert.deepEqual(facts.users, ['old.admin', 'admin'], 'user names normalised by the migration; the admin created');
    first.child.kill('SIGTERM');
    await new Promise((r) => first.child.once('exit', r));
    assert.equal(await portOpen(port), false, 'a clean stop stops the server it started');
  });

  test('after kill -9 of npm start the next start adopts the running server and stops it at shutdown', async () => {
    const first = await startReplicatorProcess();
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    assert.equal(await portOpen(port), true, 'the server outlives the killed process');

    const second = await startReplicatorProcess();
    assert.match(second.output(), /\(adopted \(left running by a process that is gone\)\)/);
    // a start beside a live owner shares the server and leaves it running when it stops
    const third = await startReplicatorProcess();
    assert.match(third.output(), /\(shared with the process that started it\)/);
    third.child.kill('SIGTERM');
    await new Promise((r) => third.child.once('exit', r));
    assert.equal(await portOpen(port), true, 'the owner still has its server');

    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    assert.equal(await portOpen(port), false, 'the adopting process stopped the server at shutdown');
  });
});
