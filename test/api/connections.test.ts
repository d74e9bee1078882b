// Saved connections ("Select Existing Connection"), the WHERE filter check the wizard runs
// before it goes on, and the actions the task list offers, through the API on a real server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SUPER_PASSWORD } from '../helpers/pg';
import { definition, rejection, startApi, type ApiHarness } from './harness';

let api: ApiHarness;
before(async () => {
  api = await startApi();
  await api.meta.createDatabase('shop');
  await api.meta.query('shop', 'CREATE TABLE public.orders (id int PRIMARY KEY, status text, total numeric)');
});
after(async () => {
  await api?.stop();
});

describe('saved connections', () => {
  test('a registered connection is listed without its password and stored encrypted', async () => {
    const c = api.client({ token: api.token });
    const conn = await c.endpoints.registerConnection.mutate({ name: 'shop source', engine: 'postgres', host: '127.0.0.1', port: api.meta.port, database: 'shop', user: 'postgres', password: SUPER_PASSWORD });
    const listed = await c.endpoints.connections.query();
    assert.deepEqual(listed.map((x) => x.name), ['shop source']);
    assert.ok(!JSON.stringify(listed).includes(SUPER_PASSWORD), 'the password is not returned');
    const [row] = await api.meta.query<{ passwordEnc: string }>('dts_meta', 'SELECT "passwordEnc" FROM "Connection" WHERE id = $1', [conn.id]);
    assert.ok(row.passwordEnc.length > 0 && !row.passwordEnc.includes(SUPER_PASSWORD), 'stored encrypted');
  });

  test('an empty password with connectionId uses the saved one, only for the connection address', async () => {
    const c = api.client({ token: api.token });
    const [conn] = await c.endpoints.connections.query();
    const endpoint = { engine: 'postgres' as const, host: '127.0.0.1', port: api.meta.port, database: 'shop', user: 'postgres', password: '', connectionId: conn.id };
    const ok = await c.endpoints.testConnectivity.mutate({ endpoint, side: 'source' });
    assert.equal(ok.ok, true, ok.message);
    const elsewhere = await rejection(c.endpoints.testConnectivity.mutate({ endpoint: { ...endpoint, host: 'localhost' }, side: 'destination' }));
    assert.equal(elsewhere.code, 'BAD_REQUEST');
    assert.equal(elsewhere.field, 'destination.password');
    assert.match(elsewhere.message, /differs from the saved connection "shop source" \(host\)/);
    const otherUser = await rejection(c.tasks.create.mutate(definition({ source: { ...endpoint, user: 'someone' } })));
    assert.equal(otherUser.field, 'source.password');
    const missing = await rejection(c.endpoints.testConnectivity.mutate({ endpoint: { ...endpoint, connectionId: 999 }, side: 'source' }));
    assert.equal(missing.field, 'source.connectionId');
  });

  test('a task created from saved connections keeps a copy of the password', async () => {
    const c = api.client({ token: api.token });
    const [conn] = await c.endpoints.connections.query();
    const endpoint = { engine: 'postgres' as const, host: '127.0.0.1', port: api.meta.port, database: 'shop', user: 'postgres', password: '', connectionId: conn.id };
    const t = await c.tasks.create.mutate(definition({ source: endpoint, destination: { ...endpoint, database: 'postgres' } }));
    await c.endpoints.removeConnection.mutate({ id: conn.id });
    const src = await c.endpoints.testConnectivity.mutate({ taskId: t.id, side: 'source' });
    const dst = await c.endpoints.testConnectivity.mutate({ taskId: t.id, side: 'destination' });
    assert.equal(src.ok, true, src.message);
    assert.equal(dst.ok, true, dst.message);
    assert.equal((await c.endpoints.connections.query()).length, 0);
  });
});

describe('WHERE filter check', () => {
  const ref = () => ({ endpoint: { engine: 'postgres' as const, host: '127.0.0.1', port: api.meta.port, database: 'shop', user: 'postgres', password: SUPER_PASSWORD }, side: 'source' as const });
  const table = { schema: 'public', name: 'orders' };

  test('a valid condition passes; SQL and unknown columns are refused with the field and the fix', async () => {
    const c = api.client({ token: api.token });
    assert.deepEqual(await c.endpoints.validateFilter.mutate({ ref: ref(), table, where: "status = 'paid' AND total > 10" }), { ok: true });
    const injected = await rejection(c.endpoints.validateFilter.mutate({ ref: ref(), table, where: 'id > 1; DROP TABLE orders' }));
    assert.equal(injected.code, 'BAD_REQUEST');
    assert.equal(injected.field, 'objects.where');
    const unknown = await rejection(c.endpoints.validateFilter.mutate({ ref: ref(), table, where: 'nope > 1' }));
    assert.equal(unknown.field, 'objects.where');
    assert.match(unknown.message, /not valid: column "nope" does not exist/);
    assert.equal((await api.meta.query('shop', 'SELECT count(*)::int AS n FROM orders'))[0].n, 0, 'the table is still there');
  });
});

describe('list actions', () => {
  test('a new task offers Configure Task and Release; Start appears once its precheck passed', async () => {
    const c = api.client({ token: api.token });
    const t = await c.tasks.create.mutate(definition({ name: 'actions' }));
    const row = async () => (await c.tasks.list.query({ search: 'actions' })).items.find((x) => x.id === t.id);
    assert.deepEqual((await row())?.actions, ['configure', 'precheck', 'release']);
    assert.equal((await row())?.paired, null);
    const [run] = await api.meta.query<{ id: number }>('dts_meta', `INSERT INTO "PrecheckRun"("taskId", state, "finishedAt") VALUES ($1, 'passed', now()) RETURNING id`, [t.id]);
    await api.meta.query('dts_meta', `INSERT INTO "PrecheckItem"("runId", key, name, result) VALUES ($1, 'k', 'k', 'pass')`, [run.id]);
    assert.deepEqual((await row())?.actions, ['configure', 'precheck', 'start', 'release']);
    await api.meta.query('dts_meta', `INSERT INTO "TableProgress"("taskId", "sourceSchema", "sourceTable", "targetSchema", "targetTable", phase, "rowsDone", "rowsEstimated") VALUES ($1, 'public', 'a', 'public', 'a', 'done', 10, 8), ($1, 'public', 'b', 'public', 'b', 'copying', 5, 20)`, [t.id]);
    assert.deepEqual((await row())?.progress, { rowsDone: 15, rowsEstimated: 30, tables: 2, tablesDone: 1 });
  });
});
