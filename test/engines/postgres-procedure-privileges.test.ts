// Issue 14, item 10, on PostgreSQL 15 and 18: what the readiness report asks the engine before
// the first step of a failover, switch back or switchover. Moving a sequence needs UPDATE on it
// (an unowned one used through a DEFAULT, and an identity column's); fencing needs the
// database's owner (or a member of that role, or a superuser); ending other roles' sessions
// needs pg_signal_backend. Each problem names the object and the statement that fixes it, and
// running that statement makes the problem go away.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPgServer, testVersions, type PgServer } from '../helpers/pg';

for (const version of testVersions()) {
  describe(`PostgreSQL ${version}: privileges the later steps of a procedure need`, () => {
    let server: PgServer;
    before(async () => {
      server = await startPgServer(version);
      await server.createDatabase('shop');
      await server.query(
        'shop',
        `CREATE ROLE dts_task LOGIN PASSWORD 'pw'; CREATE ROLE shop_app LOGIN PASSWORD 'pw';
         CREATE SCHEMA app; GRANT USAGE ON SCHEMA app TO dts_task;
         CREATE SEQUENCE app.order_no;
         CREATE TABLE app.orders (id bigint PRIMARY KEY DEFAULT nextval('app.order_no'), v text);
         CREATE TABLE app.items (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text);
         GRANT SELECT ON ALL TABLES IN SCHEMA app TO dts_task; GRANT SELECT ON ALL SEQUENCES IN SCHEMA app TO dts_task`,
      );
    });
    after(async () => {
      await server?.stop();
    });

    it('moving sequences: each one the account may not setval is named with its GRANT, which fixes it', async () => {
      const { postgresEngine } = await import('../../server/engines/postgres');
      const cfg = server.config('shop', 'dts_task', 'pw');
      const cols = [
        { table: { schema: 'app', name: 'orders' }, column: 'id' },
        { table: { schema: 'app', name: 'items' }, column: 'id' },
      ];
      const problems = await postgresEngine.sequences.checkSetNext(cfg, cols);
      assert.equal(problems.length, 2, problems.join(' | '));
      assert.match(problems[0], /^app\.order_no \("app"\."orders"\."id"\).*dts_task may not move it.*Run: GRANT UPDATE ON SEQUENCE app\.order_no TO "dts_task"$/);
      assert.match(problems[1], /^app\.items_id_seq \("app"\."items"\."id"\).*Run: GRANT UPDATE ON SEQUENCE app\.items_id_seq TO "dts_task"$/);
      // the statement given is the fix
      for (const p of problems) await server.query('shop', p.slice(p.indexOf('Run: ') + 5));
      assert.deepEqual(await postgresEngine.sequences.checkSetNext(cfg, cols), []);
      await postgresEngine.sequences.setNext(cfg, [{ ...cols[0], next: '500' }]);
      assert.equal((await server.query<{ v: string }>('shop', `SELECT nextval('app.order_no')::text AS v`))[0].v, '500');
    });

    it('the fence: a non-owner is told who may and what to run; other roles\' sessions need pg_signal_backend', async () => {
      const { postgresEngine } = await import('../../server/engines/postgres');
      const fence = postgresEngine.fence;
      assert.ok(fence);
      const cfg = server.config('shop', 'dts_task', 'pw');
      const app = new pg.Client({ connectionString: server.url('shop', 'shop_app', 'pw'), application_name: 'shop-app' });
      // the fence ends this session
      app.on('error', () => undefined);
      await app.connect();
      try {
        const c = await fence.check(cfg);
        assert.equal(c.mayLift, false);
        assert.match(c.problem ?? '', /dts_task may not make "shop" read-only: only its owner \(postgres\)/);
        assert.deepEqual(c.manual[0], 'ALTER DATABASE "shop" SET default_transaction_read_only = on');
        assert.match(c.notes.join(' '), /1 application session of other roles is open on "shop".*pg_signal_backend/);
        assert.equal(await fence.isRaised(cfg), false);

        await server.query('postgres', 'ALTER DATABASE shop OWNER TO dts_task');
        const owner = await fence.check(cfg);
        assert.deepEqual([owner.mayLift, owner.problem], [true, null], 'the owner may fence');
        assert.equal(owner.notes.length, 1, 'the session of another role is still one it may not end');
        await server.query('postgres', 'GRANT pg_signal_backend TO dts_task');
        assert.deepEqual((await fence.check(cfg)).notes, [], 'with pg_signal_backend nothing is left');

        // raised and lifted by the account the check let through
        const raised = await fence.raise(cfg);
        assert.equal(raised.raised, true, raised.problem);
        assert.ok(raised.done.includes('1 application session ended'), `the other role's session, whose kind this account cannot see, is ended (${raised.done.join('; ')})`);
        assert.equal(await fence.isRaised(cfg), true);
        assert.match(await fence.lift(cfg), /RESET default_transaction_read_only/);
        assert.equal(await fence.isRaised(cfg), false);
      } finally {
        await app.end().catch(() => undefined);
      }
    });
  });
}
