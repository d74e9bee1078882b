// Sign-in, sessions, tokens, users and roles, through the real HTTP API on a real metadata
// database (issue 13: "Sign-in, sessions and tokens").
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import superjson from 'superjson';
import { ADMIN_PASSWORD, definition, rejection, startApi, type ApiHarness } from '../api/harness';

let api: ApiHarness;
before(async () => {
  process.env.DTS_LOGIN_LOCK_AFTER = '5';
  process.env.DTS_LOGIN_LOCK_MINUTES = '1';
  api = await startApi();
});
after(async () => {
  await api?.stop();
});
// every test starts with no failed sign-in counted (the same client address is used throughout)
beforeEach(async () => {
  await api.meta.query('dts_meta', 'DELETE FROM "LoginThrottle"');
});

const admin = () => api.client({ token: api.token });

async function login(username: string, password: string): Promise<{ cookie: string; csrf: string; expires: Date }> {
  const res = await fetch(`${api.url}/api/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(superjson.serialize({ username, password })),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('dts_session=')) as string;
  const body = (await res.json()) as { result: { data: { json: { csrfToken: string } } } };
  return { cookie: setCookie.split(';')[0], csrf: body.result.data.json.csrfToken, expires: new Date(/Expires=([^;]+)/.exec(setCookie)?.[1] ?? 0) };
}

async function newUser(username: string, role: 'operator' | 'viewer' | 'admin' = 'operator', password = `${username}-password-1`) {
  await admin().auth.createUser.mutate({ username, password, role });
  const { token } = await api.client().auth.issueToken.mutate({ username, password, name: `${username}-cli` });
  return { password, token, client: api.client({ token }) };
}

describe('sign-in throttling', () => {
  test('failed sign-ins of an account slow down, then lock it, even for the right password; an administrator lifts the lock', async () => {
    await newUser('victim');
    const tries: string[] = [];
    const attempt = async (password: string) => {
      try {
        await api.client().auth.login.mutate({ username: 'victim', password });
        tries.push('ok');
      } catch (e) {
        const r = await rejection(Promise.reject(e));
        tries.push(r.code);
        return r;
      }
      return null;
    };
    for (let i = 0; i < 3; i++) assert.equal((await attempt('wrong-password'))?.code, 'UNAUTHORIZED');
    // the fourth try comes too soon
    const slow = await attempt('wrong-password');
    assert.equal(slow?.code, 'TOO_MANY_REQUESTS');
    assert.match(slow?.message ?? '', /Too many failed sign-ins for this account: wait 1 s before the next try, until \d\d:\d\d:\d\d UTC/);
    await new Promise((r) => setTimeout(r, 1_100));
    assert.equal((await attempt('wrong-password'))?.code, 'UNAUTHORIZED');
    assert.match((await attempt('wrong-password'))?.message ?? '', /wait 2 s/);
    await new Promise((r) => setTimeout(r, 2_100));
    // the fifth failure locks the account: the right password no longer gets in
    assert.equal((await attempt('wrong-password'))?.code, 'UNAUTHORIZED');
    const locked = await attempt('victim-password-1');
    assert.equal(locked?.code, 'TOO_MANY_REQUESTS');
    assert.match(locked?.message ?? '', /sign-in is locked until \d\d:\d\d:\d\d UTC .*ask an administrator to set a new password/);
    // the CLI's way in is locked the same way
    assert.equal((await rejection(api.client().auth.issueToken.mutate({ username: 'victim', password: 'victim-password-1', name: 'x' }))).code, 'TOO_MANY_REQUESTS');
    const [lock] = await api.meta.query('dts_meta', `SELECT * FROM "AuditEntry" WHERE action = 'auth.lock' AND username = 'victim'`);
    assert.ok(lock, 'the lock is in the audit log');
    assert.match(lock.message, /Sign-in locked for this account until/);

    await admin().auth.setPassword.mutate({ username: 'victim', password: 'victim-password-2' });
    assert.ok((await login('victim', 'victim-password-2')).cookie);
  });

  test('parallel guesses cannot slip past the count', async () => {
    await newUser('racer');
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => api.client().auth.login.mutate({ username: 'racer', password: 'guess-guess' })));
    const codes = await Promise.all(results.map(async (r) => (r.status === 'rejected' ? (await rejection(Promise.reject(r.reason))).code : 'ok')));
    // at most three free tries, then one per wait: 20 parallel guesses get 3 or 4 password checks
    assert.ok(codes.filter((c) => c === 'UNAUTHORIZED').length <= 4, codes.join(' '));
    assert.ok(codes.filter((c) => c === 'TOO_MANY_REQUESTS').length >= 16, codes.join(' '));
  });

  test('failures from one client address are throttled across user names', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) codes.push((await rejection(api.client().auth.login.mutate({ username: `nobody${i}`, password: 'guess-guess' }))).code);
    assert.deepEqual(codes.slice(0, 9), Array(9).fill('UNAUTHORIZED'));
    const refused = await rejection(api.client().auth.login.mutate({ username: 'nobody-else', password: 'guess-guess' }));
    assert.equal(refused.code, 'TOO_MANY_REQUESTS');
    assert.match(refused.message, /for this address \(127\.0\.0\.1\)/);
  });

  test('an unknown user and a wrong password take the same time and get the same answer', async () => {
    const time = async (username: string) => {
      await api.meta.query('dts_meta', 'DELETE FROM "LoginThrottle"');
      const t0 = performance.now();
      const r = await rejection(api.client().auth.login.mutate({ username, password: 'not-the-password' }));
      return { ms: performance.now() - t0, message: r.message };
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      const k = await time('admin');
      const u = await time(`ghost-${i}`);
      assert.equal(k.message, u.message);
      known.push(k.ms);
      unknown.push(u.ms);
    }
    const [mk, mu] = [median(known), median(unknown)];
    // one scrypt each (tens of ms); without the dummy hash an unknown user answered in a few ms
    assert.ok(mu > mk * 0.6 && mu < mk * 1.6, `median ${mk.toFixed(1)} ms for a wrong password, ${mu.toFixed(1)} ms for an unknown user`);
  });

  test('a batch may hold at most 10 calls', async () => {
    const batch = (n: number) =>
      fetch(`${api.url}/api/trpc/${Array(n).fill('auth.login').join(',')}?batch=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, superjson.serialize({ username: `batch${i}`, password: 'guess-guess' })]))),
      });
    const over = await batch(11);
    assert.equal(over.status, 400);
    assert.match(await over.text(), /batch/i);
    assert.equal((await api.meta.query('dts_meta', `SELECT count(*)::int AS n FROM "AuditEntry" WHERE username LIKE 'batch%'`))[0].n, 0, 'no call of the refused batch ran');
    const ok = await batch(10);
    assert.ok(ok.status === 401 || ok.status === 207 || ok.status === 200, `a batch of 10 is served (${ok.status})`);
  });
});

describe('user names', () => {
  test('are normalised (case, spaces, full-width forms) and unique after normalisation', async () => {
    const made = await admin().auth.createUser.mutate({ username: '  Night.Shift ', password: 'night-shift-pw-1' });
    assert.equal(made.username, 'night.shift');
    for (const variant of ['NIGHT.SHIFT', ' night.shift', 'ｎｉｇｈｔ.ｓｈｉｆｔ']) assert.ok((await login(variant, 'night-shift-pw-1')).cookie, variant);
    const twin = await rejection(admin().auth.createUser.mutate({ username: 'Night.SHIFT', password: 'night-shift-pw-1' }));
    assert.equal(twin.code, 'CONFLICT');
    assert.equal(twin.field, 'username');
    const bad = await rejection(admin().auth.createUser.mutate({ username: 'a b', password: 'night-shift-pw-1' }));
    assert.equal(bad.field, 'username');
  });
});

describe('sessions', () => {
  test('a session ends after the idle timeout and after its absolute lifetime, both configurable', async () => {
    process.env.DTS_SESSION_MAX_HOURS = '2';
    const s = await login('admin', ADMIN_PASSWORD);
    delete process.env.DTS_SESSION_MAX_HOURS;
    const hoursLeft = (s.expires.getTime() - Date.now()) / 3_600_000;
    assert.ok(hoursLeft > 1.9 && hoursLeft <= 2, `the cookie expires in ${hoursLeft.toFixed(2)} h`);
    const [row] = await api.meta.query('dts_meta', `SELECT "expiresAt" FROM "Session" ORDER BY "createdAt" DESC LIMIT 1`);
    assert.ok(Math.abs(new Date(row.expiresAt).getTime() - s.expires.getTime()) < 2_000);
    assert.equal((await api.client({ cookie: s.cookie }).auth.me.query()).user.username, 'admin');

    // idle past DTS_SESSION_IDLE_MINUTES (60 by default)
    await api.meta.query('dts_meta', `UPDATE "Session" SET "lastSeenAt" = "lastSeenAt" - interval '61 minutes'`);
    assert.equal((await rejection(api.client({ cookie: s.cookie }).auth.me.query())).code, 'UNAUTHORIZED');

    // and a session that is used keeps going until its absolute end
    const s2 = await login('admin', ADMIN_PASSWORD);
    process.env.DTS_SESSION_IDLE_MINUTES = '5';
    await api.meta.query('dts_meta', `UPDATE "Session" SET "lastSeenAt" = "lastSeenAt" - interval '4 minutes'`);
    assert.equal((await api.client({ cookie: s2.cookie }).auth.me.query()).user.username, 'admin');
    await api.meta.query('dts_meta', `UPDATE "Session" SET "lastSeenAt" = "lastSeenAt" - interval '6 minutes'`);
    assert.equal((await rejection(api.client({ cookie: s2.cookie }).auth.me.query())).code, 'UNAUTHORIZED');
    delete process.env.DTS_SESSION_IDLE_MINUTES;
    const s3 = await login('admin', ADMIN_PASSWORD);
    await api.meta.query('dts_meta', `UPDATE "Session" SET "expiresAt" = now() - interval '1 second'`);
    assert.equal((await rejection(api.client({ cookie: s3.cookie }).auth.me.query())).code, 'UNAUTHORIZED');
  });

  test('changing your own password needs the current one and ends your other sessions', async () => {
    const u = await newUser('changer');
    const here = await login('changer', u.password);
    const elsewhere = await login('changer', u.password);
    const mine = api.client({ cookie: here.cookie, csrf: here.csrf });
    const missing = await rejection(mine.auth.setPassword.mutate({ username: 'changer', password: 'changer-password-2' }));
    assert.equal(missing.field, 'currentPassword');
    const wrong = await rejection(mine.auth.setPassword.mutate({ username: 'changer', password: 'changer-password-2', currentPassword: 'not-it-at-all' }));
    assert.equal(wrong.field, 'currentPassword');
    assert.match(wrong.message, /current password is not correct/);
    await mine.auth.setPassword.mutate({ username: 'changer', password: 'changer-password-2', currentPassword: u.password });
    assert.equal((await mine.auth.me.query()).user.username, 'changer', 'the session that changed it stays');
    assert.equal((await rejection(api.client({ cookie: elsewhere.cookie }).auth.me.query())).code, 'UNAUTHORIZED', 'the other session ended');
    assert.ok((await login('changer', 'changer-password-2')).cookie);
  });

  test('a malformed session cookie is ignored and sign-in still works', async () => {
    for (const cookie of ['dts_session=%E0%A4%A', 'dts_session=%', `dts_session=${'x'.repeat(5000)}`, 'dts_session="quoted"; other=1']) {
      const res = await fetch(`${api.url}/api/trpc/auth.me`, { headers: { cookie } });
      assert.equal(res.status, 401, `${cookie.slice(0, 40)}: ${res.status}`);
      const signIn = await fetch(`${api.url}/api/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(superjson.serialize({ username: 'admin', password: ADMIN_PASSWORD })),
      });
      assert.equal(signIn.status, 200);
    }
  });
});

describe('API tokens', () => {
  test('a token can expire; an expired token stops working', async () => {
    const t = await admin().auth.createToken.mutate({ name: 'one-day', expiresInDays: 1 });
    const days = ((t.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000;
    assert.ok(days > 0.99 && days <= 1, `expires in ${days} days`);
    assert.equal((await api.client({ token: t.token }).auth.me.query()).user.username, 'admin');
    await api.meta.query('dts_meta', `UPDATE "ApiToken" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [t.id]);
    assert.equal((await rejection(api.client({ token: t.token }).auth.me.query())).code, 'UNAUTHORIZED');
    assert.equal((await admin().auth.createToken.mutate({ name: 'forever' })).expiresAt, null);
    assert.equal((await rejection(admin().auth.createToken.mutate({ name: 'x', expiresInDays: 0 }))).field, 'expiresInDays');
    const cli = await api.client().auth.issueToken.mutate({ username: 'admin', password: ADMIN_PASSWORD, name: 'cli-30', expiresInDays: 30 });
    assert.ok(Math.abs((cli.expiresAt?.getTime() ?? 0) - Date.now() - 30 * 86_400_000) < 60_000);
  });

  test("an administrator lists and revokes every user's tokens; an operator sees only its own", async () => {
    const op = await newUser('tokenop');
    const all = await admin().auth.listTokens.query({ all: true });
    const opRow = all.find((t) => t.username === 'tokenop');
    assert.ok(opRow, 'the admin sees the operator token');
    assert.ok(!JSON.stringify(all).includes(op.token));
    assert.equal((await rejection(op.client.auth.listTokens.query({ all: true }))).code, 'FORBIDDEN');
    assert.ok((await op.client.auth.listTokens.query()).every((t) => t.username === 'tokenop'));
    const adminsOwn = (await admin().auth.listTokens.query()).find((t) => t.username === 'admin');
    assert.equal((await rejection(op.client.auth.revokeToken.mutate({ id: adminsOwn?.id ?? 0 }))).code, 'NOT_FOUND');
    await admin().auth.revokeToken.mutate({ id: opRow.id });
    assert.equal((await rejection(op.client.auth.me.query())).code, 'UNAUTHORIZED');
  });
});

describe('users and roles', () => {
  test("disabling a user ends its sessions and tokens at once; enabling restores sign-in; an admin cannot disable itself", async () => {
    const u = await newUser('leaver');
    const s = await login('leaver', u.password);
    const view = await admin().auth.setUserDisabled.mutate({ username: 'leaver', disabled: true });
    assert.equal(view.disabled, true);
    assert.equal((await rejection(u.client.auth.me.query())).code, 'UNAUTHORIZED');
    assert.equal((await rejection(api.client({ cookie: s.cookie }).auth.me.query())).code, 'UNAUTHORIZED');
    const refused = await rejection(api.client().auth.login.mutate({ username: 'leaver', password: u.password }));
    assert.equal(refused.code, 'FORBIDDEN');
    assert.match(refused.message, /disabled/);
    assert.equal((await admin().auth.listUsers.query()).find((x) => x.username === 'leaver')?.disabled, true);
    await admin().auth.setUserDisabled.mutate({ username: 'leaver', disabled: false });
    assert.equal((await u.client.auth.me.query()).user.username, 'leaver', 'its token works again');
    assert.equal((await rejection(admin().auth.setUserDisabled.mutate({ username: 'admin', disabled: true }))).field, 'username');
    assert.equal((await rejection(u.client.auth.setUserDisabled.mutate({ username: 'admin', disabled: true }))).code, 'FORBIDDEN');
  });

  test('a viewer sees everything and changes nothing but its own account', async () => {
    const task = await admin().tasks.create.mutate(definition({ name: 'watched' }, api.meta.port));
    const v = await newUser('watcher', 'viewer');
    const me = await v.client.auth.me.query();
    assert.deepEqual(me.permissions, { write: false, admin: false });
    assert.equal((await v.client.tasks.get.query({ id: task.id })).name, 'watched');
    assert.ok((await v.client.tasks.list.query()).items.some((t) => t.id === task.id));
    assert.ok(Array.isArray((await v.client.events.list.query({ taskId: task.id })).items));

    // every mutation not about the caller's own account is refused, before it runs
    const { appRouter } = await import('../../server/api/root');
    const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string; meta?: { viewerMay?: boolean } } }>);
    const ownAccount = ['auth.logout', 'auth.createToken', 'auth.revokeToken', 'auth.setPassword'];
    let refusedCount = 0;
    for (const [path, proc] of procedures) {
      if (proc._def.type !== 'mutation' || path === 'auth.login' || path === 'auth.issueToken') continue;
      assert.equal(Boolean(proc._def.meta?.viewerMay), ownAccount.includes(path), `${path}: viewerMay`);
      if (ownAccount.includes(path)) continue;
      const res = await fetch(`${api.url}/api/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${v.token}` },
        body: JSON.stringify(superjson.serialize({ id: task.id })),
      });
      assert.equal(res.status, 403, `${path} answered ${res.status}`);
      assert.match(await res.text(), /viewer \(read-only\)/);
      refusedCount++;
    }
    assert.ok(refusedCount >= 20, `${refusedCount} mutations refused`);
    assert.equal((await admin().tasks.get.query({ id: task.id })).status, 'Not Started', 'nothing happened to the task');

    // its own account it may manage
    const t = await v.client.auth.createToken.mutate({ name: 'dashboard' });
    assert.equal((await api.client({ token: t.token }).auth.me.query()).user.role, 'viewer');
    await v.client.auth.setPassword.mutate({ username: 'watcher', password: 'watcher-password-2', currentPassword: v.password });
    assert.equal((await rejection(v.client.auth.setPassword.mutate({ username: 'admin', password: 'taken-over-1' }))).code, 'FORBIDDEN');
    // and it reads the metrics, for dashboards
    assert.equal((await fetch(`${api.url}/api/metrics`, { headers: { authorization: `Bearer ${t.token}` } })).status, 200);
  });
});
