// The CLI binary against the API over real HTTP, run from another directory (and through a
// symlink, as node_modules/.bin/dts is).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN_PASSWORD, CLI_BIN, definition, jsonFile, runCli, startApi, type ApiHarness } from './harness';

let api: ApiHarness;
let dir: string;
let linked: string;

before(async () => {
  api = await startApi();
  dir = mkdtempSync(path.join(os.tmpdir(), 'dts-cli-'));
  linked = path.join(dir, 'dts');
  symlinkSync(CLI_BIN, linked);
});
after(async () => {
  await api?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const dts = (args: string[], env: Record<string, string> = {}, bin?: string) => runCli(api, args, { cwd: dir, env, bin });
const file = (name: string, value: unknown) => jsonFile(dir, name, value);

describe('dts CLI', () => {
  test('login prints a token that works; without a token the API refuses', async () => {
    const login = await dts(['login', '--user', 'admin', '--password', ADMIN_PASSWORD, '--name', 'cli-test'], { DTS_TOKEN: '' }, linked);
    assert.equal(login.code, 0, login.stderr);
    const token = String(login.json().token);
    assert.match(token, /^dts_/);
    const me = await dts(['whoami'], { DTS_TOKEN: token });
    assert.equal((me.json().user as { username: string }).username, 'admin');
    const anon = await dts(['task', 'list'], { DTS_TOKEN: '' });
    assert.equal(anon.code, 1);
    assert.match(anon.stderr, /UNAUTHORIZED/);
    const bad = await dts(['login', '--user', 'admin', '--password', 'wrong-password'], { DTS_TOKEN: '' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Incorrect username or password/);
  });

  test('task create, list, get, configure; a bad definition names the field', async () => {
    const bad = await dts(['task', 'create', file('bad.json', definition({ settings: { retryConnectionMinutes: 10, retryOtherMinutes: 15 } }))]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /"field":"settings.retryOtherMinutes"/);

    const created = await dts(['task', 'create', file('task.json', definition({ name: 'cli task' }))]);
    assert.equal(created.code, 0, created.stderr);
    const id = String(created.json().id);
    assert.match(id, /^dts[0-9a-z]{12}$/);
    assert.ok(!created.stdout.includes('S3cret'), 'no password in the output');

    const list = await dts(['task', 'list', '--search', 'cli task']);
    assert.deepEqual((list.json().items as Array<{ id: string }>).map((t) => t.id), [id]);
    const got = await dts(['task', 'get', id]);
    assert.equal(got.json().status, 'Not Started');
    const conf = await dts(['task', 'configure', id, file('patch.json', { name: 'renamed', settings: { fullParallelism: 4 } })]);
    assert.equal(conf.code, 0, conf.stderr);
    assert.equal(conf.json().name, 'renamed');
    assert.equal((conf.json().settings as { fullParallelism: number }).fullParallelism, 4);

    const start = await dts(['task', 'start', id]);
    assert.equal(start.code, 1);
    assert.match(start.stderr, /must pass a precheck/);
  });

  test('task wait: returns when the status is reached, exits 1 on Failed and 3 on timeout', async () => {
    const id = String((await dts(['task', 'create', file('w.json', definition({ name: 'wait' }))])).json().id);
    const timeout = await dts(['task', 'wait', id, '--status', 'Running', '--timeout', '1', '--interval', '0.2']);
    assert.equal(timeout.code, 3);
    assert.match(timeout.stderr, /timed out after 1s waiting for task .* to be Running \(last status: Not Started\)/);

    const waiting = dts(['task', 'wait', id, '--status', 'Running', '--timeout', '30', '--interval', '0.2']);
    await new Promise((r) => setTimeout(r, 1500));
    await api.meta.query('dts_meta', `UPDATE "Task" SET status = 'Running', "desiredState" = 'Running', "startedAt" = now() WHERE id = $1`, [id]);
    const ok = await waiting;
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.json().status, 'Running');

    const pause = await dts(['task', 'pause', id]);
    assert.equal(pause.json().desiredState, 'Paused');
    await api.meta.query('dts_meta', `UPDATE "Task" SET status = 'Failed', "statusReason" = 'connection to the target was lost' WHERE id = $1`, [id]);
    const failed = await dts(['task', 'wait', id, '--status', 'Running', '--timeout', '30']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /is Failed: connection to the target was lost/);
  });

  test('precheck ignore, events, metrics series and Prometheus text', async () => {
    const id = String((await dts(['task', 'create', file('p.json', definition({ name: 'prom' }))])).json().id);
    const [run] = await api.meta.query('dts_meta', `INSERT INTO "PrecheckRun"("taskId", state, "finishedAt") VALUES ($1, 'passed', now()) RETURNING id`, [id]);
    await api.meta.query('dts_meta', `INSERT INTO "PrecheckItem"("runId", key, name, result) VALUES ($1, 'k.pass', 'ok', 'pass'), ($1, 'k.warn', 'a warning', 'warn')`, [run.id]);
    const ignored = await dts(['precheck', 'ignore', id, '--key', 'k.warn']);
    assert.equal(ignored.code, 0, ignored.stderr);
    assert.equal(ignored.json().successRate, 100);
    const start = await dts(['task', 'start', id]);
    assert.equal(start.json().desiredState, 'Running');

    await api.meta.query('dts_meta', `INSERT INTO "TaskEvent"("taskId", level, message) VALUES ($1, 'info', 'Full data synchronization started')`, [id]);
    await api.meta.query('dts_meta', `INSERT INTO "MetricSample"("taskId", "latencyMs", rps, bps, "rowsApplied", "bytesApplied") VALUES ($1, 250, 5, 50, 12, 1200)`, [id]);
    const events = await dts(['task', 'events', id, '--after', '0']);
    // the server writes who asked for each change into the task's events, then the replicator's own
    assert.deepEqual((events.json().items as Array<{ message: string }>).map((e) => e.message), [
      'Task created by admin (token "tests") from 127.0.0.1',
      'Precheck warnings ignored by admin (token "tests") from 127.0.0.1',
      'Start requested by admin (token "tests") from 127.0.0.1',
      'Full data synchronization started',
    ]);
    const series = await dts(['task', 'metrics', id, '--since', '10m']);
    assert.deepEqual((series.json().samples as Array<{ latencyMs: number }>).map((s) => s.latencyMs), [250]);
    const prom = await dts(['metrics']);
    assert.equal(prom.code, 0, prom.stderr);
    assert.match(prom.stdout, new RegExp(`dts_task_latency_seconds\\{task_id="${id}",task_name="prom"\\} 0\\.25`));
  });

  test('endpoint test: exits 0 when it connects, 1 with the same JSON when it does not', async () => {
    const ep = (password: string) => ({ engine: 'postgres', host: '127.0.0.1', port: api.meta.port, database: 'postgres', user: 'postgres', password });
    const good = await dts(['endpoint', 'test', '--file', file('good.json', ep('test-super-pw'))]);
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.json().ok, true);
    const bad = await dts(['endpoint', 'test', '--file', file('bad-ep.json', ep('wrong-password'))]);
    assert.equal(bad.code, 1, 'a failed test exits 1');
    assert.equal(bad.json().ok, false, 'and prints the result');
    assert.equal(bad.json().kind, 'auth');
    assert.match(bad.stderr, /connectivity test of the source failed/);
    assert.ok(!bad.stdout.includes('wrong-password') && !bad.stderr.includes('wrong-password'), 'the password is not printed');
  });

  test('usage errors exit 2', async () => {
    assert.equal((await dts(['task', 'frobnicate'])).code, 2);
    assert.equal((await dts(['task', 'wait', 'dtsx'])).code, 2, '--status is required');
  });
});
