// Errors the API gives hostile or broken input, and a metadata database that is down: a field
// error naming the field, never database text (issue 13: "HTTP and errors").
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { definition, rejection, startApi, type ApiHarness } from '../api/harness';

let api: ApiHarness;
before(async () => {
  api = await startApi();
});
after(async () => {
  await api?.stop();
});

const admin = () => api.client({ token: api.token });
const DB_WORDS = /prisma|invocation|postgres|violat|column|relation|syntax|out of range|SQLSTATE|P20\d\d|driverAdapter/i;

describe('hostile input', () => {
  test('a NUL character or a lone surrogate anywhere is a field error, and nothing is stored', async () => {
    const before = await admin().tasks.list.query();
    const cases: Array<[unknown, string]> = [
      [definition({ name: 'a\u0000b' }), 'name'],
      [definition({ name: 'x\ud800' }), 'name'],
      [definition({ objects: { schemas: [{ name: 'public', tables: [{ name: 'ok' }, { name: 'o\u0000rders' }] }] } }), 'objects.schemas.0.tables.1.name'],
      [{ ...definition(), source: { ...definition().source, password: 'pw\udc00' } }, 'source.password'],
    ];
    for (const [input, field] of cases) {
      const r = await rejection(admin().tasks.create.mutate(input as never));
      assert.equal(r.code, 'BAD_REQUEST', field);
      assert.equal(r.field, field);
      assert.doesNotMatch(r.message, DB_WORDS);
    }
    const user = await rejection(admin().auth.createUser.mutate({ username: 'u\u0000', password: 'password-1234' }));
    assert.equal(user.field, 'username');
    assert.equal((await admin().tasks.list.query()).items.length, before.items.length, 'no task was created');
  });

  test('strings and lists have maximum lengths, each a field error', async () => {
    const long = 'x'.repeat(129);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'n'.repeat(129) }, 'name'],
      [{ objects: { schemas: [{ name: long }] } }, 'objects.schemas.0.name'],
      [{ objects: { schemas: [{ name: 'public', tables: [{ name: 't', where: 'a'.repeat(4001) }] }] } }, 'objects.schemas.0.tables.0.where'],
      [{ source: { ...definition().source, database: long } }, 'source.database'],
      [{ source: { ...definition().source, user: long } }, 'source.user'],
      [{ destination: { ...definition().destination, password: 'p'.repeat(1025) } }, 'destination.password'],
      [{ destination: { ...definition().destination, host: `${'h'.repeat(60)}.`.repeat(5) } }, 'destination.host'],
      [{ settings: { environmentTag: 'e'.repeat(41) } }, 'settings.environmentTag'],
    ];
    for (const [patch, field] of cases) {
      const r = await rejection(admin().tasks.create.mutate(definition(patch) as never));
      assert.equal(r.code, 'BAD_REQUEST', field);
      assert.equal(r.field, field, r.message);
    }
    const token = await rejection(admin().auth.createToken.mutate({ name: 't'.repeat(101) }));
    assert.equal(token.field, 'name');
    const conn = await rejection(admin().endpoints.registerConnection.mutate({ ...definition().source, name: 'c'.repeat(101) }));
    assert.equal(conn.field, 'name');
  });

  test('an id beyond the range of its column is a field error', async () => {
    const r = await rejection(admin().endpoints.removeConnection.mutate({ id: 3_000_000_000 }));
    assert.equal(r.code, 'BAD_REQUEST');
    assert.equal(r.field, 'id');
  });

  test('an internal error reaches the client as a reference, never as database text', async () => {
    // the metadata schema broken under the API: the database answers with its own words
    await api.meta.query('dts_meta', 'ALTER TABLE "Connection" RENAME TO "Connection_moved"');
    try {
      const r = await rejection(admin().endpoints.connections.query());
      assert.equal(r.code, 'INTERNAL_SERVER_ERROR');
      assert.match(r.message, /^Internal error \(reference [0-9a-f]{8}\)\. The details are in the console's log\.$/);
      const raw = await fetch(`${api.url}/api/trpc/endpoints.connections`, { headers: { authorization: `Bearer ${api.token}` } });
      const text = await raw.text();
      assert.equal(raw.status, 500);
      assert.doesNotMatch(text, DB_WORDS, 'no database text in the response');
      assert.doesNotMatch(text, /\.ts:\d+|node_modules|Connection_moved|dts_meta/, 'no stack, table or database name in the response');
    } finally {
      await api.meta.query('dts_meta', 'ALTER TABLE "Connection_moved" RENAME TO "Connection"');
    }
    assert.ok(Array.isArray(await admin().endpoints.connections.query()));
  });
});

describe('the metadata database is down', () => {
  test('every call answers 503 with a clear message, and works again when it is back', async () => {
    await api.meta.local.stop('fast');
    try {
      const r = await rejection(admin().tasks.list.query());
      assert.equal(r.code, 'SERVICE_UNAVAILABLE');
      assert.match(r.message, /The metadata database cannot be reached right now \(it is down or restarting\)\. Try again in a moment\./);
      const res = await fetch(`${api.url}/api/trpc/tasks.list`, { headers: { authorization: `Bearer ${api.token}` } });
      assert.equal(res.status, 503);
      assert.doesNotMatch(await res.text(), /prisma|127\.0\.0\.1|ECONNREFUSED/i);
      const login = await rejection(api.client().auth.login.mutate({ username: 'admin', password: 'whatever-pw' }));
      assert.equal(login.code, 'SERVICE_UNAVAILABLE');
    } finally {
      await api.meta.local.start();
    }
    let listed = false;
    for (let i = 0; i < 50 && !listed; i++) {
      listed = await admin().tasks.list.query().then(() => true, () => false);
      if (!listed) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(listed, 'the API works again once the database is back');
  });
});
