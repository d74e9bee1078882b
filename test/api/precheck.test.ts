// Precheck through the API, end to end, against real source and destination PostgreSQL servers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startPgServer, SUPER_PASSWORD, waitFor, type PgServer } from '../helpers/pg';
import { rejection, startApi, type ApiHarness } from './harness';

let api: ApiHarness;
let source: PgServer;
let target: PgServer;

before(async () => {
  api = await startApi();
  [source, target] = await Promise.all([startPgServer(18), startPgServer(18)]);
  await source.createDatabase('shop');
  await target.createDatabase('shop_copy');
  await source.query('shop', 'CREATE TABLE public.orders (id int PRIMARY KEY, note text); INSERT INTO public.orders SELECT g, md5(g::text) FROM generate_series(1, 100) g');
});
after(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  await api?.stop();
});

function def(objects: unknown, destPort = target.port) {
  return {
    name: 'precheck e2e',
    source: { engine: 'postgres' as const, host: '127.0.0.1', port: source.port, database: 'shop', user: 'postgres', password: SUPER_PASSWORD },
    destination: { engine: 'postgres' as const, host: '127.0.0.1', port: destPort, database: 'shop_copy', user: 'postgres', password: SUPER_PASSWORD },
    objects: objects as { schemas: Array<{ name: string }> },
  };
}

async function finished(id: string, runId: number) {
  const c = api.client({ token: api.token });
  return waitFor(`precheck ${runId}`, async () => {
    const run = await c.tasks.precheckRun.query({ id, runId });
    return run.state === 'running' ? null : run;
  }, 60_000, 100);
}

describe('precheck (real PostgreSQL)', () => {
  test('passes for a good task, writes items, and lets the task start', async () => {
    const c = api.client({ token: api.token });
    const t = await c.tasks.create.mutate(def({ schemas: [{ name: 'public', tables: [{ name: 'orders' }] }] }));
    const { runId } = await c.tasks.precheck.mutate({ id: t.id });
    // the run exists as soon as the call returns; the checks continue in the background
    assert.equal((await c.tasks.precheckRun.query({ id: t.id })).id, runId);
    const run = await finished(t.id, runId);
    assert.equal(run.state, 'passed', JSON.stringify(run.items.filter((i) => i.result !== 'pass')));
    assert.ok(run.total >= 5, `only ${run.total} items`);
    assert.ok(run.items.some((i) => i.key === 'source.connectivity' && i.result === 'pass'));
    const task = await c.tasks.get.query({ id: t.id });
    assert.equal(task.status, 'Not Started');
    assert.equal(task.precheck?.id, runId);
    if (run.successRate < 100) await c.tasks.ignorePrecheckWarnings.mutate({ id: t.id });
    assert.equal((await c.tasks.start.mutate({ id: t.id })).desiredState, 'Running');
  });

  test('a selection naming a missing table fails as "Check the selected objects"', async () => {
    const c = api.client({ token: api.token });
    const t = await c.tasks.create.mutate(def({ schemas: [{ name: 'public', tables: [{ name: 'no_such_table' }] }] }));
    const run = await finished(t.id, (await c.tasks.precheck.mutate({ id: t.id })).runId);
    assert.equal(run.state, 'failed');
    const item = run.items.find((i) => i.name === 'Check the selected objects');
    assert.ok(item, JSON.stringify(run.items));
    assert.match(item.cause ?? '', /no_such_table/);
    assert.equal((await c.tasks.get.query({ id: t.id })).status, 'Precheck Failed');
    assert.match((await rejection(c.tasks.start.mutate({ id: t.id }))).message, /did not pass the precheck/);
  });

  test('an unreachable destination fails its connectivity item and says which side and why', async () => {
    const c = api.client({ token: api.token });
    const closed = await freePort();
    const t = await c.tasks.create.mutate(def({ schemas: [{ name: 'public' }] }, closed));
    const run = await finished(t.id, (await c.tasks.precheck.mutate({ id: t.id, ignoreWarnings: true })).runId);
    assert.equal(run.state, 'failed');
    const dest = run.items.find((i) => i.key === 'target.connectivity');
    assert.equal(dest?.result, 'fail');
    assert.match(dest?.cause ?? '', new RegExp(`Destination database 127\\.0\\.0\\.1:${closed}/shop_copy: .*(ECONNREFUSED|reach)`));
    assert.equal(run.items.find((i) => i.key === 'source.connectivity')?.result, 'pass');

    const conn = await c.endpoints.testConnectivity.mutate({ taskId: t.id, side: 'destination' });
    assert.equal(conn.ok, false);
    assert.match(conn.message, /^Destination database/);
    const src = await c.endpoints.testConnectivity.mutate({ taskId: t.id, side: 'source' });
    assert.equal(src.ok, true, src.message);
    const bad = await c.endpoints.testConnectivity.mutate({ endpoint: { ...def({}).source, password: 'wrong' }, side: 'source' });
    assert.equal(bad.kind, 'auth');
    assert.ok(!JSON.stringify(bad).includes(SUPER_PASSWORD));

    const catalog = await c.endpoints.introspect.mutate({ ref: { taskId: t.id, side: 'source' }, schemas: ['public'] });
    const orders = catalog.tables.find((x) => x.name === 'orders');
    assert.deepEqual(orders?.primaryKey, ['id']);
    assert.deepEqual(orders?.columns.map((col) => col.name), ['id', 'note']);
  });
});
