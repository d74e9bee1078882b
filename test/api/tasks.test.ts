// Tasks through the API: validation names the field, passwords never leave the server, the
// lifecycle rules, desired state + NOTIFY, and reading back what the replicator writes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { definition, rejection, startApi, type ApiHarness } from './harness';

let api: ApiHarness;
let listener: pg.Client;
const notes: string[] = [];

before(async () => {
  api = await startApi();
  listener = new pg.Client({ connectionString: api.meta.url('dts_meta') });
  await listener.connect();
  listener.on('notification', (n) => notes.push(`${n.channel}:${n.payload}`));
  await listener.query('LISTEN dts_tasks');
});
after(async () => {
  await listener?.end();
  await api?.stop();
});

async function notified(taskId: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!notes.includes(`dts_tasks:${taskId}`)) {
    if (Date.now() > deadline) throw new Error(`no NOTIFY dts_tasks ${taskId}; got ${JSON.stringify(notes)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  notes.length = 0;
}

const setStatus = (id: string, status: string, extra = '') => api.meta.query('dts_meta', `UPDATE "Task" SET status = $2 ${extra} WHERE id = $1`, [id, status]);

async function passPrecheck(id: string, items: Array<[string, string]> = [['a', 'pass']]): Promise<number> {
  const [run] = await api.meta.query('dts_meta', `INSERT INTO "PrecheckRun"("taskId", state, "finishedAt") VALUES ($1, 'passed', now()) RETURNING id`, [id]);
  for (const [key, result] of items) {
    await api.meta.query('dts_meta', `INSERT INTO "PrecheckItem"("runId", key, name, result) VALUES ($1, $2, $2, $3)`, [run.id, key, result]);
  }
  return run.id;
}

describe('tasks', () => {
  test('create validates the definition and names the field at fault', async () => {
    const c = api.client({ token: api.token });
    const retry = await rejection(c.tasks.create.mutate(definition({ settings: { retryConnectionMinutes: 30, retryOtherMinutes: 30 } })));
    assert.equal(retry.code, 'BAD_REQUEST');
    assert.equal(retry.field, 'settings.retryOtherMinutes');
    assert.match(retry.message, /must be smaller than Retry Time for Failed Connections/);
    const port = await rejection(c.tasks.create.mutate({ ...definition(), source: { ...definition().source, port: 70000 } }));
    assert.equal(port.field, 'source.port');
    const noSchemas = await rejection(c.tasks.create.mutate(definition({ objects: { schemas: [] } })));
    assert.equal(noSchemas.field, 'objects.schemas');
    assert.equal((await c.tasks.list.query()).items.length, 0, 'nothing was created');
  });

  test('a created task is Not Started, has a DTS id, and no password is returned or stored in clear', async () => {
    const c = api.client({ token: api.token });
    const t = await c.tasks.create.mutate(definition());
    assert.match(t.id, /^dts[0-9a-z]{12}$/);
    assert.equal(t.status, 'Not Started');
    assert.equal(t.desiredState, 'Stopped');
    assert.equal(t.settings.retryConnectionMinutes, 720);
    assert.equal(t.source.hasPassword, true);
    const everything = JSON.stringify([t, await c.tasks.get.query({ id: t.id }), await c.tasks.list.query()]);
    for (const secret of ['S3cret-source-pw', 'S3cret-dest-pw']) assert.ok(!everything.includes(secret), `${secret} leaked in a response`);
    assert.ok(!everything.includes('passwordEnc'));
    const dump = JSON.stringify(await api.meta.query('dts_meta', 'SELECT * FROM "Endpoint"'));
    assert.ok(!dump.includes('S3cret'), 'passwords are encrypted at rest');
    assert.match(dump, /v1:/);
  });

  test('start is refused without a passed precheck at 100%, then sets Running and notifies', async () => {
    const c = api.client({ token: api.token });
    const t = await c.tasks.create.mutate(definition());
    const none = await rejection(c.tasks.start.mutate({ id: t.id }));
    assert.equal(none.code, 'PRECONDITION_FAILED');
    assert.match(none.message, /must pass a precheck/);

    await passPrecheck(t.id, [['a', 'pass'], ['b', 'warn']]);
    const rate = await rejection(c.tasks.start.mutate({ id: t.id }));
    assert.match(rate.message, /success rate of task .* is 50%/);
    const failIgnore = await rejection(c.tasks.ignorePrecheckWarnings.mutate({ id: t.id, keys: ['a'] }));
    assert.equal(failIgnore.code, 'PRECONDITION_FAILED');
    const run = await c.tasks.ignorePrecheckWarnings.mutate({ id: t.id });
    assert.equal(run.successRate, 100);
    assert.equal(run.ignored, 1);

    notes.length = 0;
    const started = await c.tasks.start.mutate({ id: t.id });
    assert.equal(started.desiredState, 'Running');
    await notified(t.id);
    assert.equal((await rejection(c.tasks.start.mutate({ id: t.id }))).code, 'CONFLICT');
  });

  test('configure: allowed before start, invalidates the precheck, and keeps the stored password', async () => {
    const c = api.client({ token: api.token });
    const t = await c.tasks.create.mutate(definition());
    await passPrecheck(t.id);
    const bad = await rejection(c.tasks.configure.mutate({ id: t.id, settings: { retryOtherMinutes: 900, retryConnectionMinutes: 800 } }));
    assert.equal(bad.field, 'settings.retryOtherMinutes');
    const weaker = await rejection(c.tasks.configure.mutate({ id: t.id, source: { ...definition().source, password: undefined, ssl: 'disable' } }));
    assert.equal(weaker.field, 'source.password', 'a changed SSL mode needs the password again');
    const u = await c.tasks.configure.mutate({ id: t.id, source: { ...definition().source, password: undefined }, settings: { fullRps: 500 } });
    assert.equal(u.source.host, '127.0.0.1');
    assert.equal(u.settings.fullRps, 500);
    assert.equal(u.settings.retryConnectionMinutes, 720, 'other settings kept');
    assert.equal(u.precheck?.state, 'outdated');
    assert.match((await rejection(c.tasks.start.mutate({ id: t.id }))).message, /must pass a precheck/);
    const [row] = await api.meta.query('dts_meta', 'SELECT "passwordEnc" FROM "Endpoint" WHERE id = $1', [u.source.id]);
    const { decryptSecret } = await import('../../server/crypto');
    assert.equal(decryptSecret(row.passwordEnc), 'S3cret-source-pw');

    await setStatus(t.id, 'Running', `, "desiredState" = 'Running', "startedAt" = now()`);
    const running = await rejection(c.tasks.configure.mutate({ id: t.id, objects: { schemas: [{ name: 'sales' }] } }));
    assert.equal(running.code, 'PRECONDITION_FAILED');
    assert.equal((await rejection(c.tasks.configure.mutate({ id: t.id, settings: { fullRps: 1 } }))).code, 'PRECONDITION_FAILED');
    await setStatus(t.id, 'Paused', `, "desiredState" = 'Paused'`);
    const paused = await c.tasks.configure.mutate({ id: t.id, settings: { incrementalRps: 100 } });
    assert.equal(paused.settings.incrementalRps, 100, 'settings can change while Paused');
  });

  test('configure: a changed address or account needs the password again, so the stored one cannot be redirected', async () => {
    const c = api.client({ token: api.token });
    const t = await c.tasks.create.mutate(definition());
    const { decryptSecret } = await import('../../server/crypto');
    const stored = async (id: number) => decryptSecret((await api.meta.query('dts_meta', 'SELECT "passwordEnc" FROM "Endpoint" WHERE id = $1', [id]))[0].passwordEnc);

    for (const change of [{ host: '203.0.113.7' }, { port: 6543 }, { database: 'other' }, { user: 'someone' }]) {
      const e = await rejection(c.tasks.configure.mutate({ id: t.id, source: { ...definition().source, password: undefined, ...change } }));
      assert.equal(e.code, 'BAD_REQUEST');
      assert.equal(e.field, 'source.password');
      assert.match(e.message, new RegExp(`password must be entered again when the source address or account changes \\(${Object.keys(change)[0]} changed\\)`));
    }
    const dest = await rejection(c.tasks.configure.mutate({ id: t.id, destination: { ...definition().destination, password: undefined, host: '203.0.113.7' } }));
    assert.equal(dest.field, 'destination.password');
    const unchanged = await c.tasks.get.query({ id: t.id });
    assert.equal(unchanged.source.host, '127.0.0.1', 'nothing was changed');
    assert.equal(unchanged.destination.host, '127.0.0.1');
    assert.equal(await stored(unchanged.source.id), 'S3cret-source-pw');

    const moved = await c.tasks.configure.mutate({ id: t.id, source: { ...definition().source, host: '10.0.0.9', password: 'New-source-pw' } });
    assert.equal(moved.source.host, '10.0.0.9');
    assert.equal(await stored(moved.source.id), 'New-source-pw');

    const renamed = await c.tasks.configure.mutate({ id: t.id, name: 'renamed sync', settings: { fullRps: 300 } });
    assert.equal(renamed.name, 'renamed sync');
    assert.equal(renamed.settings.fullRps, 300);
    const same = await c.tasks.configure.mutate({ id: t.id, source: { ...definition().source, host: '10.0.0.9', password: undefined } });
    assert.equal(same.source.host, '10.0.0.9');
    assert.equal(await stored(same.source.id), 'New-source-pw', 'the stored password is kept while the address is unchanged');
    assert.equal(await stored(same.destination.id), 'S3cret-dest-pw');
  });

  test('pause, end and release set the desired state and NOTIFY the replicator', async () => {
    const c = api.client({ token: api.token });
    const t = await c.tasks.create.mutate(definition());
    const notStarted = await rejection(c.tasks.pause.mutate({ id: t.id }));
    assert.match(notStarted.message, /is Not Started; only a running task can be paused/);
    assert.match((await rejection(c.tasks.end.mutate({ id: t.id }))).message, /never been started; release it instead/);

    await setStatus(t.id, 'Running', `, "desiredState" = 'Running', "startedAt" = now()`);
    notes.length = 0;
    assert.equal((await c.tasks.pause.mutate({ id: t.id })).desiredState, 'Paused');
    await notified(t.id);
    await setStatus(t.id, 'Paused');
    // resuming a paused task needs no new precheck
    assert.equal((await c.tasks.start.mutate({ id: t.id })).desiredState, 'Running');
    await notified(t.id);
    assert.equal((await c.tasks.end.mutate({ id: t.id })).desiredState, 'Ended');
    await notified(t.id);
    await setStatus(t.id, 'Finished');
    const finished = await rejection(c.tasks.start.mutate({ id: t.id }));
    assert.match(finished.message, /is Finished; a finished task cannot be started/);
    assert.equal((await c.tasks.release.mutate({ id: t.id })).desiredState, 'Released');
    await notified(t.id);
    assert.equal((await rejection(c.tasks.release.mutate({ id: t.id }))).code, 'CONFLICT');
    assert.equal((await rejection(c.tasks.get.query({ id: 'dtsnosuchtask00' }))).code, 'NOT_FOUND');
  });

  test('a second precheck is refused while one runs, unless the running one is stale', async () => {
    const c = api.client({ token: api.token });
    const t = await c.tasks.create.mutate(definition());
    await setStatus(t.id, 'Prechecking');
    const [run] = await api.meta.query('dts_meta', `INSERT INTO "PrecheckRun"("taskId", state) VALUES ($1, 'running') RETURNING id`, [t.id]);
    assert.equal((await rejection(c.tasks.precheck.mutate({ id: t.id }))).code, 'CONFLICT');
    assert.equal((await rejection(c.tasks.release.mutate({ id: t.id }))).code, 'PRECONDITION_FAILED');
    await api.meta.query('dts_meta', `UPDATE "PrecheckRun" SET "startedAt" = now() - interval '20 minutes' WHERE id = $1`, [run.id]);
    const { runId } = await c.tasks.precheck.mutate({ id: t.id });
    assert.ok(runId > run.id);
    const old = await c.tasks.precheckRun.query({ id: t.id, runId: run.id });
    assert.equal(old.state, 'failed');
    assert.match(old.items[0].cause ?? '', /interrupted/);
  });

  test('get, list, events and metrics read what the replicator writes', async () => {
    const c = api.client({ token: api.token });
    const t = await c.tasks.create.mutate(definition({ name: 'with progress' }));
    // the audit's event comes first: who created the task
    const [created] = await api.meta.query<{ id: string; message: string }>('dts_meta', `SELECT id::text, message FROM "TaskEvent" WHERE "taskId" = $1`, [t.id]);
    assert.equal(created.message, 'Task created by admin (token "tests") from 127.0.0.1');
    await setStatus(t.id, 'Running', `, "desiredState" = 'Running', "startedAt" = now()`);
    await api.meta.query('dts_meta', `INSERT INTO "TableProgress"("taskId","sourceSchema","sourceTable","targetSchema","targetTable",phase,"rowsDone","rowsEstimated") VALUES ($1,'public','orders','public','orders','done',1000,1000)`, [t.id]);
    for (let i = 0; i < 5; i++) await api.meta.query('dts_meta', `INSERT INTO "TaskEvent"("taskId", level, message) VALUES ($1, 'info', $2)`, [t.id, `event ${i}`]);
    await api.meta.query('dts_meta', `INSERT INTO "MetricSample"("taskId", at, "latencyMs", rps, bps, "rowsApplied", "bytesApplied") VALUES ($1, now() - interval '2 minutes', 900, 10, 100, 50, 5000), ($1, now() - interval '1 minute', 1500, 20, 200, 70, 7000)`, [t.id]);

    // as a replicator running the task would: its session holds the task's advisory lock
    const replicator = new pg.Client({ connectionString: api.meta.url('dts_meta') });
    await replicator.connect();
    await replicator.query('SELECT pg_advisory_lock(7465, hashtext($1))', [t.id]);
    const got = await c.tasks.get.query({ id: t.id }).finally(() => replicator.end());
    assert.equal(got.tables[0].rowsDone, 1000);
    assert.equal(got.latest?.latencyMs, 1500);
    assert.equal(got.events.length, 6);
    assert.equal(got.events[0].message, 'event 4', 'newest first');
    const listed = (await c.tasks.list.query({ search: 'progress' })).items;
    assert.deepEqual(listed.map((x) => x.id), [t.id]);
    assert.equal(listed[0].latest?.rowsApplied, 70);

    const page1 = await c.events.list.query({ taskId: t.id, afterId: Number(created.id), limit: 3 });
    assert.deepEqual(page1.items.map((e) => e.message), ['event 0', 'event 1', 'event 2']);
    const page2 = await c.events.list.query({ taskId: t.id, afterId: page1.lastId ?? 0, limit: 3 });
    assert.deepEqual(page2.items.map((e) => e.message), ['event 3', 'event 4']);

    const series = await c.metrics.series.query({ taskId: t.id, from: new Date(Date.now() - 90_000) });
    assert.deepEqual(series.samples.map((s) => s.latencyMs), [1500]);
    const all = await c.metrics.series.query({ taskId: t.id });
    assert.deepEqual(all.samples.map((s) => s.rowsApplied), [50, 70]);

    const text = await (await fetch(`${api.url}/api/metrics`, { headers: { authorization: `Bearer ${api.token}` } })).text();
    assert.match(text, new RegExp(`dts_task_status\\{task_id="${t.id}",task_name="with progress",status="Running"\\} 1`));
    assert.match(text, new RegExp(`dts_task_latency_seconds\\{task_id="${t.id}",task_name="with progress"\\} 1\\.5\\n`));
    assert.match(text, new RegExp(`dts_task_rows_applied_total\\{task_id="${t.id}",task_name="with progress"\\} 70\\n`));
    assert.match(text, new RegExp(`dts_task_bytes_applied_total\\{task_id="${t.id}",task_name="with progress"\\} 7000\\n`));
    assert.match(text, /# TYPE dts_task_rows_applied_total counter/);
  });

  test('a task no replicator holds says so, and the latency grows while nothing is applied', async () => {
    const c = api.client({ token: api.token });
    const t = await c.tasks.create.mutate(definition({ name: 'orphan' }));
    await api.meta.query('dts_meta', `UPDATE "Task" SET status = 'Running', "desiredState" = 'Running' WHERE id = $1`, [t.id]);
    await api.meta.query('dts_meta', `INSERT INTO "MetricSample" ("taskId", at, "latencyMs", rps, bps, "rowsApplied", "bytesApplied") VALUES ($1, now() - interval '60 seconds', 37, 0, 0, 0, 0)`, [t.id]);
    const orphan = await c.tasks.get.query({ id: t.id });
    assert.equal(orphan.unowned, true);
    assert.match(orphan.statusReason ?? '', /No replicator is running this task/);
    assert.ok((orphan.latest?.latencyMs ?? 0) >= 60_000, `the latency grows from the last sample: ${orphan.latest?.latencyMs}`);
    const listed = (await c.tasks.list.query({ search: 'orphan' })).items.find((x) => x.id === t.id);
    assert.equal(listed?.unowned, true);
    // a replicator's session lock on the task (as server/replicator takes it) makes it owned again
    const holder = new pg.Client({ connectionString: api.meta.url('dts_meta') });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(7465, hashtext($1))', [t.id]);
      const owned = await c.tasks.get.query({ id: t.id });
      assert.equal(owned.unowned, false);
      assert.equal(owned.latest?.latencyMs, 37, 'a running task held by a replicator shows the sampled latency');
      await api.meta.query('dts_meta', `UPDATE "Task" SET status = 'Paused', "desiredState" = 'Paused' WHERE id = $1`, [t.id]);
      assert.ok(((await c.tasks.get.query({ id: t.id })).latest?.latencyMs ?? 0) >= 60_000, 'a paused task: the latency grows, as the Pause note says');
    } finally {
      await holder.end();
    }
  });

  test('createReverse refuses a task that is not Running, an unknown task and a reverse task', async () => {
    const c = api.client({ token: api.token });
    const t = await c.tasks.create.mutate(definition());
    const notRunning = await rejection(c.tasks.createReverse.mutate({ id: t.id }));
    assert.equal(notRunning.code, 'PRECONDITION_FAILED');
    assert.match(notRunning.message, /Create the reverse task when task .* is Running/);
    assert.equal((await rejection(c.tasks.createReverse.mutate({ id: 'dtsnosuchtask000' }))).code, 'NOT_FOUND');
    await api.meta.query('dts_meta', `UPDATE "Task" SET topology = 'Reverse' WHERE id = $1`, [t.id]);
    assert.match((await rejection(c.tasks.createReverse.mutate({ id: t.id }))).message, /only for a one-way synchronization task/);
    assert.equal((await rejection(api.client({}).tasks.createReverse.mutate({ id: t.id }))).code, 'UNAUTHORIZED');
  });
});
