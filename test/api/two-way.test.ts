// Two-way synchronization (seed 003) through the API and the CLI, against a real PostgreSQL
// server: the topology, configuring the reverse direction, the precheck items for pairs, the
// failover refusal, and the conflicts listing. The forward direction's Running status is set in
// the metadata database: starting real replication is covered by the engine suites.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPgServer, SUPER_PASSWORD, waitFor, type PgServer } from '../helpers/pg';
import { jsonFile, rejection, runCli, startApi, type ApiHarness } from './harness';

let api: ApiHarness;
let server: PgServer;
let dir: string;

const TABLES = `CREATE TABLE public.orders (id int PRIMARY KEY, note text);
  CREATE TABLE public.audited (id int PRIMARY KEY, note text); ALTER TABLE public.audited REPLICA IDENTITY FULL;
  CREATE TABLE public.keyless (v text); ALTER TABLE public.keyless REPLICA IDENTITY FULL;`;

before(async () => {
  api = await startApi();
  server = await startPgServer(18);
  await server.createDatabase('east');
  await server.createDatabase('west');
  await server.query('east', TABLES);
  await server.query('west', TABLES);
  dir = mkdtempSync(path.join(os.tmpdir(), 'dts-two-way-'));
});
after(async () => {
  await server?.stop();
  await api?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const client = () => api.client({ token: api.token });

function def(overrides: Record<string, unknown> = {}, tables: string[] = ['orders']) {
  return {
    name: 'east-west',
    topology: 'TwoWay' as const,
    source: { engine: 'postgres' as const, host: '127.0.0.1', port: server.port, database: 'east', user: 'postgres', password: SUPER_PASSWORD },
    destination: { engine: 'postgres' as const, host: '127.0.0.1', port: server.port, database: 'west', user: 'postgres', password: SUPER_PASSWORD },
    objects: { schemas: [{ name: 'public', tables: tables.map((name) => ({ name })) }] },
    ...overrides,
  };
}

const setRunning = (id: string) => api.meta.query('dts_meta', `UPDATE "Task" SET status = 'Running', "desiredState" = 'Running', "startedAt" = now() WHERE id = $1`, [id]);

async function precheck(id: string) {
  const c = client();
  const { runId } = await c.tasks.precheck.mutate({ id });
  return waitFor(`precheck ${runId}`, async () => {
    const run = await c.tasks.precheckRun.query({ id, runId });
    return run.state === 'running' ? null : run;
  }, 60_000, 100);
}

const dts = (args: string[]) => runCli(api, args, { cwd: dir });
const file = (name: string, value: unknown) => jsonFile(dir, name, value);

describe('two-way synchronization', () => {
  test('a task is one-way by default; a two-way task is the forward direction, without a reverse direction yet', async () => {
    const c = client();
    const oneWay = await c.tasks.create.mutate({ ...def(), topology: undefined });
    assert.equal(oneWay.topology, 'OneWay');
    const t = await c.tasks.create.mutate(def());
    assert.equal(t.topology, 'TwoWay');
    assert.equal(t.direction, 'Forward');
    assert.equal(t.reverseDirection, null);
    assert.equal(t.conflictCount, 0);
    const bad = await rejection(c.tasks.create.mutate({ ...def(), topology: 'Star' as never }));
    assert.equal(bad.field, 'topology');
  });

  test('configureReverse is refused before the forward direction is Running, for a one-way task, and with excludeDdl', async () => {
    const c = client();
    const t = await c.tasks.create.mutate(def());
    const early = await rejection(c.tasks.configureReverse.mutate({ id: t.id }));
    assert.equal(early.code, 'PRECONDITION_FAILED');
    assert.match(early.message, /The reverse direction can be configured once the forward one is Running: task \w+ is Not Started/);

    const oneWay = await c.tasks.create.mutate({ ...def(), topology: 'OneWay' });
    await setRunning(oneWay.id);
    const notTwoWay = await rejection(c.tasks.configureReverse.mutate({ id: oneWay.id }));
    assert.equal(notTwoWay.code, 'PRECONDITION_FAILED');
    assert.match(notTwoWay.message, /one-way task; the reverse direction is configured only for a task whose Synchronization Topology is Two-way Synchronization/);

    await setRunning(t.id);
    const ddl = await rejection(c.tasks.configureReverse.mutate({ id: t.id, settings: { excludeDdl: false } }));
    assert.equal(ddl.code, 'BAD_REQUEST');
    assert.equal(ddl.field, 'settings.excludeDdl');
    assert.match(ddl.message, /Exclude DDL Operations is set only for the forward direction: DDL is synchronized only from the source to the destination/);
    const bad = await rejection(c.tasks.configureReverse.mutate({ id: t.id, settings: { retryConnectionMinutes: 10, retryOtherMinutes: 20 } }));
    assert.equal(bad.field, 'settings.retryOtherMinutes');
    assert.equal((await c.tasks.get.query({ id: t.id })).reverseDirection, null, 'nothing was created');
  });

  test('configureReverse creates the reverse direction: endpoints swapped with the same accounts, incremental only, no DDL; both directions start', async () => {
    const c = client();
    const t = await c.tasks.create.mutate(def({ settings: { fullRps: 123, conflictPolicy: 'Ignore', excludeDdl: false } }, ['orders', 'audited']));
    await setRunning(t.id);
    const rev = await c.tasks.configureReverse.mutate({ id: t.id, settings: { conflictPolicy: 'Overwrite' } });
    assert.equal(rev.name, 'east-west (reverse direction)');
    assert.equal(rev.topology, 'TwoWay');
    assert.equal(rev.direction, 'Reverse');
    assert.equal(rev.status, 'Not Started');
    assert.equal(rev.desiredState, 'Stopped');
    assert.equal(rev.precheck, null, 'the operator runs the precheck');
    assert.deepEqual(rev.syncTypes, { schema: false, full: false, incremental: true });
    assert.equal(rev.source.database, 'west');
    assert.equal(rev.destination.database, 'east');
    assert.equal(rev.peerTaskId, t.id);
    assert.equal(rev.settings.excludeDdl, true);
    assert.equal(rev.settings.conflictPolicy, 'Overwrite');
    assert.equal(rev.settings.fullRps, 123, "other settings are the forward's");
    assert.deepEqual(rev.objects.schemas.map((s) => [s.name, s.targetName, s.tables?.map((x) => `${x.name}->${x.targetName}`).sort()]), [['public', 'public', ['audited->audited', 'orders->orders']]]);
    const { decryptSecret } = await import('../../server/crypto');
    const endpoints = await api.meta.query('dts_meta', 'SELECT id, "user", "passwordEnc" FROM "Endpoint" WHERE id = ANY($1)', [[rev.source.id, rev.destination.id, t.source.id, t.destination.id]]);
    for (const e of endpoints) assert.equal(decryptSecret(e.passwordEnc), SUPER_PASSWORD);
    assert.ok(![t.source.id, t.destination.id].includes(rev.source.id), 'the reverse direction has copies of the endpoints');

    const fwd = await c.tasks.get.query({ id: t.id });
    assert.deepEqual(fwd.reverseDirection, { id: rev.id, status: 'Not Started' });
    assert.equal(fwd.peerTaskId, rev.id);
    const fwdEvents = fwd.events.map((e) => e.message);
    assert.ok(fwdEvents.some((m) => new RegExp(`^Reverse direction ${rev.id} configured`).test(m)), fwdEvents.join(' | '));
    // and who did it, from the audit
    assert.ok(fwdEvents.some((m) => m.startsWith(`Reverse direction configured: ${rev.id} by admin (token "tests")`)), fwdEvents.join(' | '));
    assert.match(rev.events[0].message, /Reverse direction of the two-way synchronization/);
    assert.equal(rev.reverseDirection, null);

    const again = await rejection(c.tasks.configureReverse.mutate({ id: t.id }));
    assert.equal(again.code, 'CONFLICT');
    assert.match(again.message, new RegExp(`already configured: task ${rev.id}`));
    assert.match((await rejection(c.tasks.configureReverse.mutate({ id: rev.id }))).message, /is the reverse direction of a two-way synchronization/);

    // the reverse direction stays incremental only and without DDL when configured later
    const ddl = await rejection(c.tasks.configure.mutate({ id: rev.id, settings: { excludeDdl: false } }));
    assert.equal(ddl.field, 'settings.excludeDdl');
    assert.equal((await rejection(c.tasks.configure.mutate({ id: rev.id, syncTypes: { schema: false, full: true, incremental: true } }))).field, 'syncTypes');

    // both directions run at once: the reverse starts beside its Running forward direction
    const [run] = await api.meta.query('dts_meta', `INSERT INTO "PrecheckRun"("taskId", state, "finishedAt") VALUES ($1, 'passed', now()) RETURNING id`, [rev.id]);
    await api.meta.query('dts_meta', `INSERT INTO "PrecheckItem"("runId", key, name, result) VALUES ($1, 'a', 'a', 'pass')`, [run.id]);
    assert.equal((await c.tasks.start.mutate({ id: rev.id })).desiredState, 'Running');

    // failover and switchover are for a task and its reverse task, not a two-way pair
    for (const id of [t.id, rev.id]) {
      const fo = await rejection(c.tasks.failover.mutate({ id }));
      assert.equal(fo.code, 'PRECONDITION_FAILED');
      assert.match(fo.message, /both directions of a two-way synchronization run at once; failover and switchover apply to a task and its reverse task \(Create Reverse Task\)/);
    }
    assert.match((await rejection(c.tasks.readiness.query({ id: t.id, action: 'switchover' }))).message, /two-way synchronization/);
  });

  test('configureReverse takes an explicit selection; the CLI configures and names the field at fault', async () => {
    const c = client();
    const t = await c.tasks.create.mutate(def({}, ['orders', 'audited']));
    await setRunning(t.id);
    const objects = { schemas: [{ name: 'public', tables: [{ name: 'orders', targetName: 'orders' }] }] };
    const refused = await dts(['task', 'configure-reverse', t.id, '--file', file('ddl.json', { settings: { excludeDdl: true } })]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Exclude DDL Operations is set only for the forward direction/);
    assert.match(refused.stderr, /"field":"settings.excludeDdl"/);
    const done = await dts(['task', 'configure-reverse', t.id, '--file', file('rev.json', { objects })]);
    assert.equal(done.code, 0, done.stderr);
    const rev = JSON.parse(done.stdout) as { id: string; direction: string; objects: typeof objects };
    assert.equal(rev.direction, 'Reverse');
    assert.deepEqual(rev.objects.schemas.map((s) => s.tables.map((x) => x.name)), [['orders']]);
    // the reverse direction is prechecked like any task, on its own source (the forward's destination)
    const run = await precheck(rev.id);
    assert.equal(run.items.find((i) => i.key === 'precheck.error'), undefined, JSON.stringify(run.items));
    assert.equal(run.items.find((i) => i.key === 'source.conflict_detection')?.result, 'warn');
    assert.equal(run.items.find((i) => i.key === 'source.reverse_wal_retention'), undefined, 'its slot is created when it starts, like any task');
  });

  test('precheck of a two-way task: conflict detection warns without REPLICA IDENTITY FULL, and a table without a key fails', async () => {
    const c = client();
    const notFull = await precheck((await c.tasks.create.mutate(def({}, ['orders', 'audited']))).id);
    const warn = notFull.items.find((i) => i.key === 'source.conflict_detection');
    assert.equal(warn?.result, 'warn', JSON.stringify(notFull.items));
    assert.equal(warn?.name, 'Check that conflicts can be detected on the source tables');
    assert.match(warn?.cause ?? '', /"public"\."orders"|public\.orders/);
    assert.doesNotMatch(warn?.cause ?? '', /audited/);
    assert.match(warn?.cause ?? '', /cannot be detected as a conflict, because the old row image carries only the key/);
    assert.match(warn?.fix ?? '', /ALTER TABLE (public|"public")\.(orders|"orders") REPLICA IDENTITY FULL;/);
    assert.equal(notFull.items.find((i) => i.key === 'source.primary_key')?.result, 'pass');

    const full = await precheck((await c.tasks.create.mutate(def({}, ['audited']))).id);
    assert.equal(full.items.find((i) => i.key === 'source.conflict_detection')?.result, 'pass');

    const keyless = await precheck((await c.tasks.create.mutate(def({}, ['keyless']))).id);
    const pk = keyless.items.find((i) => i.key === 'source.primary_key');
    assert.equal(pk?.result, 'fail');
    assert.match(pk?.cause ?? '', /keyless.* has neither a primary key nor a NOT NULL unique key \(REPLICA IDENTITY FULL is set\)/);
    assert.match(pk?.cause ?? '', /conflicts are detected and rows are matched on both sides by their primary or unique keys/);
    assert.equal(keyless.state, 'failed');

    // one-way: the same table only warns, and there is no conflict detection item
    const oneWay = await precheck((await c.tasks.create.mutate({ ...def({}, ['keyless']), topology: 'OneWay' })).id);
    assert.equal(oneWay.items.find((i) => i.key === 'source.primary_key')?.result, 'warn');
    assert.equal(oneWay.items.find((i) => i.key === 'source.conflict_detection'), undefined);
  });

  test('a reverse task warns about WAL retention, and readiness blocks until that warning is ignored and counts recent conflicts', async () => {
    const c = client();
    const fwd = await c.tasks.create.mutate({ ...def({}, ['orders']), topology: 'OneWay', name: 'dr' });
    await setRunning(fwd.id);
    const rev = await c.tasks.createReverse.mutate({ id: fwd.id });
    assert.equal(rev.direction, 'Reverse');
    const task = await waitFor('the reverse task to collect', async () => {
      const r = await c.tasks.get.query({ id: rev.id });
      return r.status === 'Prechecking' ? null : r;
    }, 60_000, 200);
    assert.equal(task.status, 'Performing Initial Synchronization', JSON.stringify(task.precheck?.items.filter((i) => i.result !== 'pass')));
    const wal = task.precheck?.items.find((i) => i.key === 'source.reverse_wal_retention');
    assert.equal(wal?.result, 'warn');
    assert.equal(wal?.name, "Check the WAL retention of the reverse task's source database");
    assert.match(wal?.cause ?? '', new RegExp(`slot dts_sync_${rev.id} is created on this database when the precheck passes`));
    assert.match(wal?.cause ?? '', /max_slot_wal_keep_size is -1: the WAL grows without limit/);
    assert.match(wal?.fix ?? '', /pg_replication_slots/);

    await api.meta.query('dts_meta', `UPDATE "Task" SET status = 'Paused', "desiredState" = 'Paused' WHERE id = $1`, [fwd.id]);
    const blocked = await c.tasks.readiness.query({ id: fwd.id, action: 'failover' });
    assert.equal(blocked.blockers.length, 1, JSON.stringify(blocked.blockers));
    assert.match(blocked.blockers[0], /precheck success rate .* is \d+%.*precheck warnings not ignored/);
    assert.deepEqual(blocked.conflictsLastHour, { forward: 0, reverse: 0 });

    await c.tasks.ignorePrecheckWarnings.mutate({ id: rev.id });
    const { db } = await import('../../server/db');
    const at = new Date();
    const base = { tableName: 'public.orders', op: 'update', policy: 'Overwrite', action: 'overwritten', position: '0/1', sourceTime: at };
    await db().conflict.createMany({
      data: [
        { ...base, taskId: rev.id, keyText: '{"id":1}', kind: 'update_differs' },
        { ...base, taskId: rev.id, keyText: '{"id":2}', kind: 'update_differs', createdAt: new Date(Date.now() - 2 * 3_600_000) },
      ],
    });
    const ready = await c.tasks.readiness.query({ id: rev.id, action: 'failover' });
    assert.deepEqual(ready.blockers, []);
    assert.deepEqual(ready.conflictsLastHour, { forward: 0, reverse: 1 });
    assert.ok(ready.warnings.some((w) => new RegExp(`reverse task ${rev.id} recorded 1 conflict in the last hour`).test(w)), JSON.stringify(ready.warnings));
  });

  test('createReverse takes the Conflict Resolution Policy (Overwrite by default), through the API and the CLI', async () => {
    const c = client();
    const running = async (name: string) => {
      const t = await c.tasks.create.mutate({ ...def({}, ['orders']), topology: 'OneWay', name });
      await setRunning(t.id);
      return t.id;
    };
    const byDefault = await c.tasks.createReverse.mutate({ id: await running('policy default') });
    assert.equal(byDefault.settings.conflictPolicy, 'Overwrite');
    const chosen = await c.tasks.createReverse.mutate({ id: await running('policy chosen'), conflictPolicy: 'TaskFailed' });
    assert.equal(chosen.settings.conflictPolicy, 'TaskFailed');
    const events = await api.meta.query<{ message: string }>('dts_meta', `SELECT message FROM "TaskEvent" WHERE "taskId" = $1`, [chosen.id]);
    assert.ok(events.some((e) => /Conflict Resolution Policy: TaskFailed/.test(e.message)), 'the reverse task says its policy when it is created');
    const cliTask = await running('policy cli');
    const bad = await rejection(c.tasks.createReverse.mutate({ id: cliTask, conflictPolicy: 'Newest' as never }));
    assert.equal(bad.code, 'BAD_REQUEST');
    assert.equal(bad.field, 'conflictPolicy');
    const wrong = await dts(['task', 'create-reverse', cliTask, '--conflict-policy', 'newest']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--conflict-policy is TaskFailed, Ignore or Overwrite/);
    const ok = await dts(['task', 'create-reverse', cliTask, '--conflict-policy', 'Ignore']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((ok.json() as { settings: { conflictPolicy: string } }).settings.conflictPolicy, 'Ignore');
  });

  test('a precheck lists every item from its start, so its success rate counts the unfinished ones', async () => {
    const c = client();
    const t = await c.tasks.create.mutate({ ...def({}, ['orders']), topology: 'OneWay', name: 'listed at once' });
    const { runId } = await c.tasks.precheck.mutate({ id: t.id });
    const first = await c.tasks.precheckRun.query({ id: t.id, runId });
    const done = await waitFor(`precheck ${runId}`, async () => {
      const run = await c.tasks.precheckRun.query({ id: t.id, runId });
      return run.state === 'running' ? null : run;
    }, 60_000, 100);
    assert.equal(done.pending, 0, 'nothing is pending once the run ended');
    assert.deepEqual(first.items.map((i) => i.key), done.items.map((i) => i.key), 'the first answer lists every item the run ends with, in order');
    assert.equal(first.total, done.total);
    const finished = first.items.filter((i) => i.result !== 'pending');
    assert.equal(first.pending, first.total - finished.length);
    assert.equal(first.successRate, Math.floor(((first.passed + first.ignored) * 100) / first.total), 'pending items count against the rate');
    if (first.pending) assert.ok(first.successRate < 100, `${first.successRate}% with ${first.pending} of ${first.total} items still pending`);
  });

  test('conflicts are listed newest first, paged, filtered by kind, with the key parsed; the CLI prints a table', async () => {
    const c = client();
    const t = await c.tasks.create.mutate(def());
    const { db } = await import('../../server/db');
    const rows = [
      { kind: 'unique_conflict', op: 'insert', keyText: '{"id":1}', action: 'overwritten', targetImage: { id: 1, note: 'west' } },
      { kind: 'update_missing', op: 'update', keyText: '{"id":2}', action: 'inserted', targetImage: undefined },
      { kind: 'unique_conflict', op: 'insert', keyText: '{"id":3,"region":"eu"}', action: 'overwritten', targetImage: { id: 3, note: 'old' } },
    ];
    for (const [i, r] of rows.entries()) {
      await db().conflict.create({
        data: { taskId: t.id, tableName: 'public.orders', policy: 'Overwrite', position: `0/${i + 1}`, sourceTime: new Date(), sourceImage: { id: i + 1, note: 'east' }, ...r },
      });
    }
    const all = await c.tasks.conflicts.query({ id: t.id });
    assert.deepEqual(all.items.map((x) => x.key), [{ id: 3, region: 'eu' }, { id: 2 }, { id: 1 }], 'newest first');
    assert.equal(all.nextCursor, null);
    assert.deepEqual(all.items[0].targetImage, { id: 3, note: 'old' });
    assert.deepEqual(all.items[0].sourceImage, { id: 3, note: 'east' });
    assert.equal(all.items[1].targetImage, null);
    assert.equal(all.items[0].table, 'public.orders');
    assert.equal(all.items[0].position, '0/3');

    const page1 = await c.tasks.conflicts.query({ id: t.id, limit: 2 });
    assert.equal(page1.items.length, 2);
    assert.ok(page1.nextCursor);
    const page2 = await c.tasks.conflicts.query({ id: t.id, limit: 2, cursor: page1.nextCursor ?? undefined });
    assert.deepEqual(page2.items.map((x) => x.key), [{ id: 1 }]);
    assert.equal(page2.nextCursor, null);
    const unique = await c.tasks.conflicts.query({ id: t.id, kind: 'unique_conflict' });
    assert.deepEqual(unique.items.map((x) => x.key.id), [3, 1]);
    assert.equal((await c.tasks.get.query({ id: t.id })).conflictCount, 3);
    assert.equal((await rejection(c.tasks.conflicts.query({ id: t.id, limit: 501 }))).field, 'limit');
    assert.equal((await rejection(c.tasks.conflicts.query({ id: 'dtsnosuchtask00' }))).code, 'NOT_FOUND');

    const table = await dts(['task', 'conflicts', t.id, '--limit', '2']);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^TIME\s+TABLE\s+KEY\s+KIND\s+OP\s+POLICY\s+ACTION$/);
    assert.match(lines[1], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+public\.orders\s+id=3, region=eu\s+unique_conflict\s+insert\s+Overwrite\s+overwritten$/);
    assert.match(lines[2], /id=2\s+update_missing\s+update\s+Overwrite\s+inserted$/);
    assert.equal(lines[3], `more: --cursor ${page1.nextCursor}`);
    const json = await dts(['task', 'conflicts', t.id, '--kind', 'update_missing', '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual((JSON.parse(json.stdout) as { items: Array<{ key: unknown }> }).items.map((x) => x.key), [{ id: 2 }]);
    const badKind = await dts(['task', 'conflicts', t.id, '--kind', 'nope']);
    assert.equal(badKind.code, 1);
    assert.match(badKind.stderr, /"field":"kind"/);
  });
});
