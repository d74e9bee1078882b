// The audit log: every mutation records who did it (user, or user and token name), with the
// outcome, in the audit log and, for a task, in the task's events (issue 13: "Audit").
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_PASSWORD, definition, rejection, startApi, type ApiHarness } from '../api/harness';

let api: ApiHarness;
before(async () => {
  api = await startApi();
});
after(async () => {
  await api?.stop();
});

const admin = () => api.client({ token: api.token });

async function user(username: string, role: 'operator' | 'viewer') {
  const password = `${username}-password-1`;
  await admin().auth.createUser.mutate({ username, password, role });
  const { token } = await api.client().auth.issueToken.mutate({ username, password, name: `${username}-laptop` });
  return api.client({ token });
}

describe('audit', () => {
  test("an operator pausing another operator's task is visible in the audit log and in the task's events", async () => {
    const alice = await user('alice', 'operator');
    const bob = await user('bob', 'operator');
    const t = await alice.tasks.create.mutate(definition({ name: 'alice task' }, api.meta.port));
    // a running task, as the replicator would leave it
    await api.meta.query('dts_meta', `UPDATE "Task" SET status = 'Running', "desiredState" = 'Running', "startedAt" = now() WHERE id = $1`, [t.id]);
    await bob.tasks.pause.mutate({ id: t.id });

    const entries = (await admin().audit.list.query({ taskId: t.id })).items;
    assert.deepEqual(entries.map((e) => [e.action, e.username, e.tokenName, e.outcome]), [
      ['tasks.pause', 'bob', 'bob-laptop', 'ok'],
      ['tasks.create', 'alice', 'alice-laptop', 'ok'],
    ]);
    assert.equal(entries[0].via, 'token');
    assert.equal(entries[1].target, 'alice task');
    const events = (await admin().tasks.get.query({ id: t.id })).events.map((e) => e.message);
    assert.ok(events.some((m) => /^Pause requested by bob \(token "bob-laptop"\)/.test(m)), events.join(' | '));
    assert.ok(events.some((m) => /^Task created by alice \(token "alice-laptop"\)/.test(m)), events.join(' | '));
  });

  test('refused calls, failed sign-ins and hostile input are recorded with their outcome; secrets never are', async () => {
    const viewer = await user('carol', 'viewer');
    await rejection(viewer.tasks.create.mutate(definition({ name: 'not allowed' }, api.meta.port)));
    await rejection(api.client().auth.login.mutate({ username: 'Carol ', password: 'Secret-guess-1' }));
    await rejection(admin().tasks.create.mutate(definition({ name: 'nul\u0000name', source: { ...definition().source, password: 'Top-secret-pw-1' } })));
    await admin().endpoints.registerConnection.mutate({ ...definition({}, api.meta.port).source, name: 'shop', password: 'Connection-pw-1' });

    const carol = (await admin().audit.list.query({ username: 'carol' })).items;
    const refused = carol.find((e) => e.action === 'tasks.create');
    assert.equal(refused?.outcome, 'FORBIDDEN');
    assert.match(refused?.message ?? '', /viewer \(read-only\)/);
    const signIn = carol.find((e) => e.action === 'auth.login');
    assert.equal(signIn?.outcome, 'UNAUTHORIZED');
    assert.equal(signIn?.via, 'none');
    assert.equal(signIn?.target, 'user carol');
    const mine = (await admin().audit.list.query({ username: 'admin', limit: 10 })).items;
    const hostile = mine.find((e) => e.action === 'tasks.create' && e.outcome === 'BAD_REQUEST');
    assert.ok(hostile, 'the refused create is recorded');
    assert.equal(hostile.target, 'nul\ufffdname', 'stored with the NUL replaced');
    assert.equal(mine.find((e) => e.action === 'endpoints.registerConnection')?.target, `connection shop (postgres 127.0.0.1:${api.meta.port}/src)`);

    const dump = JSON.stringify(await api.meta.query('dts_meta', 'SELECT * FROM "AuditEntry"'));
    for (const secret of ['Secret-guess-1', 'Top-secret-pw-1', 'Connection-pw-1', ADMIN_PASSWORD, 'carol-password-1']) assert.ok(!dump.includes(secret), `${secret} is not in the audit log`);
  });

  test('only administrators read the audit log, paged newest first', async () => {
    const op = await user('dave', 'operator');
    assert.equal((await rejection(op.audit.list.query())).code, 'FORBIDDEN');
    const page1 = await admin().audit.list.query({ limit: 2 });
    assert.equal(page1.items.length, 2);
    assert.ok(page1.nextCursor);
    const page2 = await admin().audit.list.query({ limit: 2, cursor: page1.nextCursor ?? undefined });
    assert.ok(BigInt(page2.items[0].id) < BigInt(page1.items[1].id));
    // reads are not audited, sign-ins are
    const actions = new Set((await admin().audit.list.query({ limit: 500 })).items.map((e) => e.action));
    assert.ok(actions.has('auth.issueToken'));
    assert.ok(!actions.has('audit.list') && !actions.has('tasks.list'));
  });
});
