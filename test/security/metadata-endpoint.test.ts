// The attack of issue 13, replayed: an operator points a task's endpoint at the console's own
// metadata database, through its Unix socket directory or under another TCP address, to read the
// user hashes or write a new admin. Every attempt is refused, at create, configure, connectivity
// test, introspection, precheck and in the replicator, and nothing reaches the metadata database.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { definition, rejection, startApi, type ApiHarness } from '../api/harness';
import { startPgServer, waitFor, type PgServer } from '../helpers/pg';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

let api: ApiHarness;
let shop: PgServer;
let proxy: TcpProxy;
let replicator: { stop(): Promise<void> };
let before0: string;

/** what an attack would change in the metadata database: its users, roles, tables and replication objects */
async function metadataState(): Promise<string> {
  const q = (sql: string) => api.meta.query('dts', sql);
  return JSON.stringify({
    users: await q('SELECT id, username, "passwordHash", role FROM "User" ORDER BY id'),
    roles: await q('SELECT rolname, rolsuper FROM pg_roles ORDER BY rolname'),
    tables: await q(`SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p') AND n.nspname NOT IN ('pg_catalog','information_schema','pg_toast') ORDER BY 1, 2`),
    slots: await q('SELECT slot_name FROM pg_replication_slots'),
    publications: await q('SELECT pubname FROM pg_publication'),
    origins: await q('SELECT roname FROM pg_replication_origin'),
  });
}

before(async () => {
  api = await startApi({ embedded: true });
  // the operator's own database, the source of the attack
  shop = await startPgServer(18);
  await shop.createDatabase('shop');
  await shop.query('shop', `CREATE TABLE "User" (id int PRIMARY KEY, username text NOT NULL, "passwordHash" text NOT NULL, role text NOT NULL); INSERT INTO "User" VALUES (99, 'intruder', 'scrypt:AAAA:BBBB', 'admin')`);
  proxy = await startTcpProxy(api.meta.port);
  const { startReplicator } = await import('../../server/replicator/main');
  replicator = await startReplicator({ pollMs: 300, log: () => undefined });
  before0 = await metadataState();
});
after(async () => {
  await replicator?.stop();
  await proxy?.close();
  await shop?.stop();
  await api?.stop();
});

const admin = () => api.client({ token: api.token });

/** runs the task's precheck and returns the finished run */
async function precheckRun(taskId: string) {
  const { runId } = await admin().tasks.precheck.mutate({ id: taskId });
  return waitFor('the precheck', async () => {
    const r = await admin().tasks.precheckRun.query({ id: taskId, runId });
    return r.state !== 'running' && r;
  }, 60_000);
}

/** starts the task behind the precheck gate's back, as a hand-edited metadata row would, and waits for it to fail */
async function forcedStartFails(taskId: string) {
  await api.meta.query('dts', `UPDATE "Task" SET "desiredState" = 'Running', status = 'Not Started' WHERE id = $1`, [taskId]);
  await api.meta.query('dts', `SELECT pg_notify('dts_tasks', $1)`, [taskId]);
  return waitFor('the replicator to refuse', async () => {
    const t = await admin().tasks.get.query({ id: taskId });
    return t.status === 'Failed' && t;
  }, 60_000);
}
const socketDir = () => path.join(api.dataDir, 'pg');
const superPassword = () => readFileSync(path.join(api.dataDir, 'pg-password'), 'utf8').trim();
const appPassword = () => readFileSync(path.join(api.dataDir, 'pg-app-password'), 'utf8').trim();
const source = () => ({ ...shop.config('shop'), engine: 'postgres' as const, password: 'test-super-pw' });
const attack = (destination: Record<string, unknown>) => ({
  ...definition(),
  name: 'copy users',
  source: source(),
  destination: { engine: 'postgres', port: api.meta.port, database: 'dts', user: 'postgres', password: 'anything', ...destination },
  syncTypes: { schema: false, full: true, incremental: false },
  objects: { schemas: [{ name: 'public', tables: [{ name: 'User' }] }] },
});

describe('the metadata database is never reachable through a task', () => {
  test('the embedded server has no Unix socket and trusts no connection', () => {
    assert.deepEqual(readdirSync(socketDir()).filter((f) => f.startsWith('.s.PGSQL')), []);
    assert.doesNotMatch(readFileSync(path.join(socketDir(), 'pg_hba.conf'), 'utf8'), /trust/);
  });

  test('a socket path, an abstract socket or a MySQL socket is refused as a host, naming the field', async () => {
    const hosts = [socketDir(), `${socketDir()}/`, '/tmp', '@dts-metadata', '/var/run/mysqld/mysqld.sock', 'localhost,/tmp'];
    const existing = await admin().tasks.create.mutate(definition({}, shop.port));
    for (const host of hosts) {
      for (const engine of ['postgres', 'mysql'] as const) {
        const create = await rejection(admin().tasks.create.mutate(attack({ host, engine, ...(engine === 'mysql' ? { port: 3306 } : {}) }) as never));
        assert.equal(create.code, 'BAD_REQUEST', `${engine} ${host}`);
        assert.equal(create.field, 'destination.host', `${engine} ${host}: ${create.message}`);
        assert.match(create.message, /TCP only|list of hosts/);
      }
      const asSource = await rejection(admin().tasks.create.mutate({ ...attack({ host: '127.0.0.1' }), source: { ...source(), host } } as never));
      assert.equal(asSource.field, 'source.host', host);
      const conn = await rejection(admin().endpoints.testConnectivity.mutate({ endpoint: { ...attack({ host }).destination, engine: 'postgres' } as never, side: 'destination' }));
      assert.equal(conn.field, 'destination.host', host);
      const intro = await rejection(admin().endpoints.introspect.mutate({ ref: { endpoint: { ...attack({ host }).destination, engine: 'postgres' } as never, side: 'source' } }));
      assert.equal(intro.field, 'source.host', host);
      const configure = await rejection(admin().tasks.configure.mutate({ id: existing.id, destination: { ...attack({ host }).destination, engine: 'postgres' } as never }));
      assert.equal(configure.field, 'destination.host', host);
      const saved = await rejection(admin().endpoints.registerConnection.mutate({ ...attack({ host }).destination, engine: 'postgres', name: 'meta' } as never));
      assert.equal(saved.field, 'host', host);
    }
  });

  test('under any TCP address, with the right password even, the metadata database is refused everywhere', async () => {
    const aliases = [
      { host: '127.0.0.1', port: api.meta.port },
      { host: 'localhost', port: api.meta.port },
      { host: '127.0.0.1', port: proxy.port }, // a port forward
    ];
    for (const account of [{ user: 'postgres', password: superPassword() }, { user: 'dts_app', password: appPassword() }]) {
      for (const a of aliases) {
        const destination = { ...attack({}).destination, ...a, ...account };
        const where = `${account.user}@${a.host}:${a.port}`;
        const conn = await rejection(admin().endpoints.testConnectivity.mutate({ endpoint: destination as never, side: 'destination' }));
        assert.equal(conn.code, 'FORBIDDEN', where);
        assert.equal(conn.field, 'destination.host');
        assert.match(conn.message, /is the DTS metadata database itself .*A task can never read or write the metadata database/);
        const intro = await rejection(admin().endpoints.introspect.mutate({ ref: { endpoint: destination as never, side: 'source' } }));
        assert.equal(intro.code, 'FORBIDDEN', where);
        const filter = await rejection(admin().endpoints.validateFilter.mutate({ ref: { endpoint: destination as never, side: 'source' }, table: { schema: 'public', name: 'User' }, where: 'true' } as never));
        assert.equal(filter.code, 'FORBIDDEN', where);
      }
    }
    // a task saved with it fails its precheck on the connectivity item, and a forced start fails
    const task = await admin().tasks.create.mutate(attack({ host: 'localhost', password: superPassword() }) as never);
    const run = await precheckRun(task.id);
    assert.equal(run.state, 'failed');
    const item = run.items.find((i) => i.key === 'target.connectivity');
    assert.equal(item?.result, 'fail');
    assert.match(item?.cause ?? '', /is the DTS metadata database itself/);
    const failed = await forcedStartFails(task.id);
    assert.match(failed.statusReason ?? '', /destination\.host: refused: .* is the DTS metadata database itself/);
    assert.equal(await metadataState(), before0, 'nothing was written to the metadata database');
  });

  test('an endpoint stored with a socket path before the check is refused by the precheck and the replicator', async () => {
    const task = await admin().tasks.create.mutate(attack({ host: '127.0.0.1', port: shop.port, database: 'shop', user: 'postgres', password: 'test-super-pw' }) as never);
    await api.meta.query('dts', `UPDATE "Endpoint" SET host = $1, port = $2 WHERE id = (SELECT "destId" FROM "Task" WHERE id = $3)`, [socketDir(), api.meta.port, task.id]);
    const run = await precheckRun(task.id);
    assert.equal(run.state, 'failed');
    assert.ok(run.items.some((i) => i.result === 'fail' && /destination\.host: .* is a file system path \(a Unix socket\)/.test(i.cause ?? '')), JSON.stringify(run.items));
    const failed = await forcedStartFails(task.id);
    assert.match(failed.statusReason ?? '', /destination\.host: .* Unix socket/);
    assert.equal(await metadataState(), before0, 'nothing was written to the metadata database');
    assert.ok(!existsSync(path.join(socketDir(), `.s.PGSQL.${api.meta.port}`)));
  });
});
