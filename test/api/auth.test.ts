// Authentication: every procedure needs a user; browser sessions need the CSRF token on
// mutations; API tokens work as Bearer; /api/metrics needs a token too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import superjson from 'superjson';
import { ADMIN_PASSWORD, rejection, startApi, type ApiHarness } from './harness';

let api: ApiHarness;
before(async () => {
  api = await startApi();
});
after(async () => {
  await api?.stop();
});

async function login(username = 'admin', password = ADMIN_PASSWORD): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const res = await fetch(`${api.url}/api/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(superjson.serialize({ username, password })),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('dts_session='));
  assert.ok(setCookie, 'login sets the session cookie');
  const body = (await res.json()) as { result: { data: { json: { csrfToken: string } } } };
  return { cookie: setCookie.split(';')[0], csrf: body.result.data.json.csrfToken, setCookie };
}

describe('authentication', () => {
  test('every procedure except login and issueToken rejects an anonymous caller', async () => {
    const { appRouter } = await import('../../server/api/root');
    const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>);
    assert.ok(procedures.length >= 20, `found ${procedures.length} procedures`);
    const routers = new Set<string>();
    for (const [path, proc] of procedures) {
      if (path === 'auth.login' || path === 'auth.issueToken') continue;
      routers.add(path.split('.')[0]);
      const res =
        proc._def.type === 'query'
          ? await fetch(`${api.url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(superjson.serialize({ id: 'dtsx', taskId: 'dtsx' })))}`)
          : await fetch(`${api.url}/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(res.status, 401, `${path} answered ${res.status}`);
      // a bad token is no better than none
      const withBad = await fetch(`${api.url}/api/trpc/${path}`, { method: proc._def.type === 'query' ? 'GET' : 'POST', headers: { authorization: 'Bearer dts_not-a-token', 'content-type': 'application/json' }, ...(proc._def.type === 'query' ? {} : { body: '{}' }) });
      assert.equal(withBad.status, 401, `${path} with a bad token answered ${withBad.status}`);
    }
    assert.deepEqual([...routers].sort(), ['audit', 'auth', 'endpoints', 'events', 'metrics', 'tasks']);
  });

  test('a wrong password is refused without saying which part was wrong', async () => {
    const wrongPw = await rejection(api.client().auth.login.mutate({ username: 'admin', password: 'nope-nope' }));
    const noUser = await rejection(api.client().auth.login.mutate({ username: 'ghost', password: 'nope-nope' }));
    assert.equal(wrongPw.code, 'UNAUTHORIZED');
    assert.equal(wrongPw.message, noUser.message);
  });

  test('a session cookie is HTTP-only and SameSite=Lax, and mutations need its CSRF token', async () => {
    const s = await login();
    assert.match(s.setCookie, /HttpOnly/);
    assert.match(s.setCookie, /SameSite=Lax/);
    const me = await api.client({ cookie: s.cookie }).auth.me.query();
    assert.equal(me.user.username, 'admin');
    assert.equal(me.via, 'session');
    assert.equal(me.csrfToken, s.csrf);

    const noCsrf = await rejection(api.client({ cookie: s.cookie }).auth.createToken.mutate({ name: 'x' }));
    assert.equal(noCsrf.code, 'FORBIDDEN');
    assert.match(noCsrf.message, /CSRF/);
    const badCsrf = await rejection(api.client({ cookie: s.cookie, csrf: 'forged' }).auth.createToken.mutate({ name: 'x' }));
    assert.equal(badCsrf.code, 'FORBIDDEN');
    const made = await api.client({ cookie: s.cookie, csrf: s.csrf }).auth.createToken.mutate({ name: 'from-browser' });
    assert.match(made.token, /^dts_/);

    // logout ends the session
    await api.client({ cookie: s.cookie, csrf: s.csrf }).auth.logout.mutate();
    assert.equal((await rejection(api.client({ cookie: s.cookie }).auth.me.query())).code, 'UNAUTHORIZED');
  });

  test('API tokens: Bearer works without CSRF, the token is shown once, and revoking ends it', async () => {
    const c = api.client({ token: api.token });
    const me = await c.auth.me.query();
    assert.equal(me.via, 'token');
    const made = await c.auth.createToken.mutate({ name: 'ci' });
    const listed = await c.auth.listTokens.query();
    const row = listed.find((t) => t.id === made.id);
    assert.ok(row);
    assert.ok(!JSON.stringify(listed).includes(made.token), 'the list never shows a token');
    assert.equal((await api.client({ token: made.token }).auth.me.query()).user.username, 'admin');
    await c.auth.revokeToken.mutate({ id: made.id });
    assert.equal((await rejection(api.client({ token: made.token }).auth.me.query())).code, 'UNAUTHORIZED');
    // the database keeps a hash, never the token
    const rows = await api.meta.query('dts_meta', 'SELECT "tokenHash" FROM "ApiToken"');
    assert.ok(rows.every((r) => r.tokenHash !== api.token && /^[0-9a-f]{64}$/.test(r.tokenHash)));
  });

  test('the admin creates operators and sets passwords; an operator cannot', async () => {
    const admin = api.client({ token: api.token });
    const op = await admin.auth.createUser.mutate({ username: 'ops1', password: 'operator-pw-1' });
    assert.equal(op.role, 'operator');
    const short = await rejection(admin.auth.createUser.mutate({ username: 'ops2', password: 'short' }));
    assert.equal(short.field, 'password');
    const opToken = (await api.client().auth.issueToken.mutate({ username: 'ops1', password: 'operator-pw-1', name: 'op' })).token;
    const opClient = api.client({ token: opToken });
    assert.equal((await rejection(opClient.auth.createUser.mutate({ username: 'x', password: 'xxxxxxxxxx' }))).code, 'FORBIDDEN');
    assert.equal((await rejection(opClient.auth.setPassword.mutate({ username: 'admin', password: 'hijacked-pw' }))).code, 'FORBIDDEN');
    await admin.auth.setPassword.mutate({ username: 'ops1', password: 'operator-pw-2' });
    assert.equal((await rejection(api.client().auth.issueToken.mutate({ username: 'ops1', password: 'operator-pw-1', name: 'op' }))).code, 'UNAUTHORIZED');
    assert.ok((await api.client().auth.issueToken.mutate({ username: 'ops1', password: 'operator-pw-2', name: 'op' })).token);
    const users = await admin.auth.listUsers.query();
    assert.deepEqual(users.map((u) => u.username), ['admin', 'ops1']);
    assert.ok(!JSON.stringify(users).includes('scrypt'), 'no password hash in responses');
  });

  test('ensureAdmin creates the admin only once and stores a hash', async () => {
    const { ensureAdmin } = await import('../../server/services/bootstrap-admin');
    const lines: string[] = [];
    assert.deepEqual(await ensureAdmin((l) => lines.push(l)), { created: false, generated: false });
    assert.equal(lines.length, 0);
    const [row] = await api.meta.query('dts_meta', `SELECT "passwordHash" FROM "User" WHERE username = 'admin'`);
    assert.match(row.passwordHash, /^scrypt:/);
    assert.ok(!row.passwordHash.includes(ADMIN_PASSWORD));
  });

  test('/api/metrics needs a Bearer token', async () => {
    assert.equal((await fetch(`${api.url}/api/metrics`)).status, 401);
    assert.equal((await fetch(`${api.url}/api/metrics`, { headers: { authorization: 'Bearer dts_wrong' } })).status, 401);
    const s = await login();
    assert.equal((await fetch(`${api.url}/api/metrics`, { headers: { cookie: s.cookie } })).status, 401);
    const ok = await fetch(`${api.url}/api/metrics`, { headers: { authorization: `Bearer ${api.token}` } });
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(await ok.text(), /# TYPE dts_task_status gauge/);
  });
});
