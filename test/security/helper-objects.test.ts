// Issue 13, "Helper objects on customer databases are never adopted from someone else": DTS's
// heartbeat and checkpoint tables live in the schema dts, which the task's account owns, and are
// checked before every use. Each test replays the attack on real servers: a low-privilege role
// `low` sets up a schema or table with a trigger whose function would make it SUPERUSER and log
// who ran it; the task's account is the superuser. The precheck fails naming the object and the
// fix, the replicator refuses (the task is Failed, not Retrying), the trigger never runs, and
// after the fix the task runs. Also: a trigger added while the task runs, a table of another role
// in the account's schema, release, the upgrade of a task of the previous version (public
// tables) and a trap left at the previous version's place.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { introspector } from '../../server/engines/postgres/introspect';
import { prechecker } from '../../server/engines/postgres/precheck';
import type { PrecheckInput, PrecheckItem } from '../../server/engines/types';
import { resolveMappings } from '../../server/pipeline/mapping';
import { createTask, restartFailed, setDesired, stopMeta, suiteHooks, taskRow, waitCaughtUp, waitStatus, type Pair } from '../helpers/harness';
import { checksum, testVersions, waitFor, type PgServer } from '../helpers/pg';
import { collectPrecheck, precheckItem } from '../helpers/precheck';

const LOW = 'low';
const LOW_PW = 'low-pw';
let dbCounter = 0;

/** runs SQL as the low-privilege role */
async function asLow(server: PgServer, db: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: server.url(db, LOW, LOW_PW) });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** the role `low` and, in `db`, its log table and the trigger function that would do harm */
async function arm(server: PgServer, db: string): Promise<void> {
  await server.query(db, `GRANT CREATE ON DATABASE ${pg.escapeIdentifier(db)} TO ${LOW}`);
  await asLow(
    server,
    db,
    `CREATE SCHEMA lowland;
     CREATE TABLE lowland.harm_log (who text NOT NULL, at timestamptz NOT NULL DEFAULT now());
     GRANT USAGE ON SCHEMA lowland TO PUBLIC;
     GRANT INSERT ON lowland.harm_log TO PUBLIC;
     CREATE FUNCTION lowland.harm() RETURNS trigger LANGUAGE plpgsql AS $f$
     BEGIN
       INSERT INTO lowland.harm_log (who) VALUES (current_user);
       EXECUTE 'ALTER ROLE ${LOW} SUPERUSER';
       RETURN NULL;
     END $f$;`,
  );
}

/** a trigger that fires on every write, also under session_replication_role = replica */
const trap = (table: string) =>
  `CREATE TRIGGER harm BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION lowland.harm();
   ALTER TABLE ${table} ENABLE ALWAYS TRIGGER harm;`;

const HEARTBEAT_DDL = (t: string) => `CREATE TABLE ${t} (task_id text PRIMARY KEY, beat_at timestamptz NOT NULL DEFAULT now(), seq bigint NOT NULL DEFAULT 0)`;
const CHECKPOINT_DDL = (t: string) => `CREATE TABLE ${t} (task_id text PRIMARY KEY, lsn text NOT NULL, changes bigint NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL)`;

/** the trigger never ran: low is no superuser and its log is empty */
async function assertUnharmed(server: PgServer, db: string): Promise<void> {
  const role = await server.query<{ rolsuper: boolean }>('postgres', 'SELECT rolsuper FROM pg_roles WHERE rolname = $1', [LOW]);
  assert.equal(role[0].rolsuper, false, `${LOW} did not become superuser`);
  const log = await server.query<{ n: string }>(db, 'SELECT count(*)::text AS n FROM lowland.harm_log');
  assert.equal(log[0].n, '0', 'the trigger function never ran');
}

for (const version of testVersions()) {
  describe(`PostgreSQL ${version}: DTS's helper objects are never adopted from another role`, () => {
    let pair: Pair;
    suiteHooks(version, (p) => (pair = p));
    before(async () => {
      for (const s of [pair.source, pair.target]) await s.query('postgres', `CREATE ROLE ${LOW} LOGIN PASSWORD '${LOW_PW}'`);
    });

    /** fresh databases with app.items on the source, and low's log table on both sides */
    async function databases(): Promise<{ src: string; dst: string }> {
      const n = ++dbCounter;
      const src = `hsrc${n}`;
      const dst = `hdst${n}`;
      await pair.source.createDatabase(src);
      await pair.target.createDatabase(dst);
      await pair.source.query(src, `CREATE SCHEMA app; CREATE TABLE app.items (id int PRIMARY KEY, v text); INSERT INTO app.items SELECT g, 'v' || g FROM generate_series(1, 50) g;`);
      await arm(pair.source, src);
      await arm(pair.target, dst);
      return { src, dst };
    }

    async function precheck(src: string, dst: string, taskId: string): Promise<Map<string, PrecheckItem>> {
      const source = pair.source.config(src);
      const catalog = await introspector.introspect(source);
      const input: PrecheckInput = {
        source,
        target: pair.target.config(dst),
        taskId,
        mappings: resolveMappings(catalog, { schemas: [{ name: 'app' }] }),
        syncTypes: { schema: true, full: true, incremental: true },
        conflictingTables: 'PrecheckAndReportErrors',
      };
      return collectPrecheck(prechecker, input);
    }


    const newTask = (src: string, dst: string) => createTask(pair, src, dst, { objects: { schemas: [{ name: 'app' }] } });

    async function same(src: string, dst: string): Promise<void> {
      const ref = { schema: 'app', name: 'items' };
      const [a, b] = await Promise.all([checksum(pair.source, src, ref, ['id', 'v'], ['id']), checksum(pair.target, dst, ref, ['id', 'v'], ['id'])]);
      assert.deepEqual(b, a, 'app.items is the same on both sides');
    }

    it("refuses a schema dts another role created first, on both sides, until it is renamed", async () => {
      const { src, dst } = await databases();
      for (const [server, db, ddl] of [[pair.source, src, HEARTBEAT_DDL('dts.dts_postgres_heartbeat')], [pair.target, dst, CHECKPOINT_DDL('dts.dts_sync_checkpoint')]] as const) {
        const table = ddl.includes('heartbeat') ? 'dts.dts_postgres_heartbeat' : 'dts.dts_sync_checkpoint';
        await asLow(server, db, `CREATE SCHEMA dts; ${ddl}; ${trap(table)} GRANT USAGE ON SCHEMA dts TO PUBLIC; GRANT ALL ON ${table} TO PUBLIC;`);
      }
      const id = await newTask(src, dst);
      const items = await precheck(src, dst, id);
      for (const key of ['source.helper_objects', 'target.helper_objects']) {
        const item = precheckItem(items, key);
        assert.equal(item.result, 'fail', key);
        assert.match(item.cause ?? '', /The schema "dts" in database "h(src|dst)\d+" is owned by "low", not by the task's account "postgres"/, key);
        assert.match(item.cause ?? '', /triggers \(harm\)/, key);
        assert.match(item.fix ?? '', /ALTER SCHEMA "dts" RENAME TO "dts_untrusted";/, key);
      }

      await setDesired(id, 'Running');
      await waitStatus(id, 'Failed');
      const failed = await taskRow(id);
      assert.match(failed?.statusReason ?? '', /DTS does not use its helper objects in the (destination|source) database "h(dst|src)\d+"/);
      assert.match(failed?.statusReason ?? '', /owned by "low"/);
      assert.equal(failed?.desiredState, 'Stopped', 'not retried');
      await assertUnharmed(pair.source, src);
      await assertUnharmed(pair.target, dst);

      // the fix the precheck gives, as a superuser: DTS then creates a schema of its own
      for (const [server, db] of [[pair.source, src], [pair.target, dst]] as const) await server.query(db, 'ALTER SCHEMA dts RENAME TO dts_untrusted');
      const again = await precheck(src, dst, id);
      for (const key of ['source.helper_objects', 'target.helper_objects']) assert.equal(precheckItem(again, key).result, 'pass', key);
      await restartFailed(id);
      await pair.source.query(src, `INSERT INTO app.items SELECT g, 'n' || g FROM generate_series(51, 80) g`);
      await waitCaughtUp(pair, src, id);
      await same(src, dst);
      const owner = await pair.source.query<{ o: string }>(src, `SELECT pg_get_userbyid(nspowner)::text AS o FROM pg_namespace WHERE nspname = 'dts'`);
      assert.equal(owner[0].o, 'postgres', 'the schema dts is the account’s own');
      // the schema dts is never offered: neither listed nor selectable as a whole
      const catalog = await introspector.introspect(pair.source.config(src));
      assert.ok(!catalog.schemas.includes('dts') && !catalog.tables.some((t) => t.schema === 'dts'));
      assert.equal((await introspector.introspect(pair.source.config(src), { schemas: ['dts'] })).tables.length, 0);
      await assertUnharmed(pair.source, src);
      await assertUnharmed(pair.target, dst);
      await setDesired(id, 'Released');
      await waitFor('the task to be released', async () => (await taskRow(id)) === null, 60_000);
    });

    it("refuses a helper table another role owns inside the account's schema, until it is dropped", async () => {
      const { src, dst } = await databases();
      await pair.target.query(dst, `CREATE SCHEMA dts; GRANT USAGE ON SCHEMA dts TO ${LOW}; ${CHECKPOINT_DDL('dts.dts_sync_checkpoint')}; ALTER TABLE dts.dts_sync_checkpoint OWNER TO ${LOW}`);
      await asLow(pair.target, dst, trap('dts.dts_sync_checkpoint'));
      const id = await newTask(src, dst);
      const item = precheckItem(await precheck(src, dst, id), 'target.helper_objects');
      assert.equal(item.result, 'fail');
      assert.match(item.cause ?? '', /"dts"\."dts_sync_checkpoint": owned by "low", not by the task's account "postgres"/);
      assert.match(item.fix ?? '', /DROP TABLE "dts"\."dts_sync_checkpoint";/);
      assert.match(item.fix ?? '', /DROP TRIGGER harm ON "dts"\."dts_sync_checkpoint";/);

      await setDesired(id, 'Running');
      await waitStatus(id, 'Failed');
      assert.match((await taskRow(id))?.statusReason ?? '', /"dts"\."dts_sync_checkpoint": owned by "low"/);
      await assertUnharmed(pair.target, dst);

      await pair.target.query(dst, 'DROP TABLE dts.dts_sync_checkpoint');
      assert.equal(precheckItem(await precheck(src, dst, id), 'target.helper_objects').result, 'pass');
      await restartFailed(id);
      await waitCaughtUp(pair, src, id);
      await same(src, dst);
      await assertUnharmed(pair.target, dst);
      await setDesired(id, 'Released');
      await waitFor('the task to be released', async () => (await taskRow(id)) === null, 60_000);
    });

    it('stops a running task when a trigger is added to a helper table it owns, and release waits for the fix', async () => {
      const { src, dst } = await databases();
      const id = await newTask(src, dst);
      await setDesired(id, 'Running');
      await waitStatus(id, 'Running');
      await waitCaughtUp(pair, src, id);

      // on the destination's checkpoint table: the next commit is refused before the trigger fires
      await pair.target.query(dst, trap('dts.dts_sync_checkpoint'));
      await pair.source.query(src, `UPDATE app.items SET v = 'after trap' WHERE id <= 10`);
      await waitStatus(id, 'Failed');
      const reason = (await taskRow(id))?.statusReason ?? '';
      assert.match(reason, /"dts"\."dts_sync_checkpoint": it has triggers \(harm\)/);
      assert.match(reason, /DROP TRIGGER harm ON "dts"\."dts_sync_checkpoint";/);
      await assertUnharmed(pair.target, dst);
      const stale = await pair.target.query<{ n: string }>(dst, `SELECT count(*)::text AS n FROM app.items WHERE v = 'after trap'`);
      assert.equal(stale[0].n, '0', 'the refused batch did not commit');

      // the fix, and the task catches up
      await pair.target.query(dst, 'DROP TRIGGER harm ON dts.dts_sync_checkpoint');
      await restartFailed(id);
      await waitCaughtUp(pair, src, id);
      await same(src, dst);

      // on the source's heartbeat table: the heartbeat stops before the trigger fires, and the task with it
      await pair.source.query(src, trap('dts.dts_postgres_heartbeat'));
      await waitStatus(id, 'Failed', 30_000);
      assert.match((await taskRow(id))?.statusReason ?? '', /"dts"\."dts_postgres_heartbeat": it has triggers \(harm\)/);
      await assertUnharmed(pair.source, src);

      // release leaves the trapped table alone and says why; after the fix it completes
      await setDesired(id, 'Released');
      await waitFor('release to report the trigger', async () => /Release failed: .*dts_postgres_heartbeat.*triggers \(harm\)/.test((await taskRow(id))?.statusReason ?? ''), 60_000);
      await assertUnharmed(pair.source, src);
      await pair.source.query(src, 'DROP TRIGGER harm ON dts.dts_postgres_heartbeat');
      await waitFor('the task to be released', async () => (await taskRow(id)) === null, 60_000);
      for (const [server, db] of [[pair.source, src], [pair.target, dst]] as const) {
        const left = await server.query<{ n: string }>(db, `SELECT count(*)::text AS n FROM pg_namespace WHERE nspname = 'dts'`);
        assert.equal(left[0].n, '0', `release dropped the schema dts of ${db}`);
      }
      await assertUnharmed(pair.source, src);
      await assertUnharmed(pair.target, dst);
    });

    it("never touches a trap left at the previous version's place (public) by a role with CREATE there", async () => {
      const { src, dst } = await databases();
      for (const [server, db, ddl, table] of [
        [pair.source, src, HEARTBEAT_DDL('public.dts_postgres_heartbeat'), 'public.dts_postgres_heartbeat'],
        [pair.target, dst, CHECKPOINT_DDL('public.dts_sync_checkpoint'), 'public.dts_sync_checkpoint'],
      ] as const) {
        // as every role could on PostgreSQL 14 and older
        await server.query(db, `GRANT CREATE ON SCHEMA public TO ${LOW}`);
        await asLow(server, db, `${ddl}; ${trap(table)} GRANT ALL ON ${table} TO PUBLIC;`);
      }
      const id = await newTask(src, dst);
      const warn = precheckItem(await precheck(src, dst, id), 'target.helper_objects');
      assert.equal(warn.result, 'warn');
      assert.match(warn.cause ?? '', /"public"\."dts_sync_checkpoint": owned by "low"/);
      await setDesired(id, 'Running');
      await waitStatus(id, 'Running');
      await pair.source.query(src, `DELETE FROM app.items WHERE id > 40`);
      await waitCaughtUp(pair, src, id);
      await same(src, dst);
      await assertUnharmed(pair.source, src);
      await assertUnharmed(pair.target, dst);
      await setDesired(id, 'Released');
      await waitFor('the task to be released', async () => (await taskRow(id)) === null, 60_000);
      const kept = await pair.target.query<{ n: string }>(dst, `SELECT count(*)::text AS n FROM pg_class WHERE relname = 'dts_sync_checkpoint' AND relnamespace = 'public'::regnamespace`);
      assert.equal(kept[0].n, '1', "release leaves another role's table alone");
      await assertUnharmed(pair.source, src);
      await assertUnharmed(pair.target, dst);
    });

    it('carries a task of the previous version over: its checkpoint row and heartbeat move to dts, no change lost or applied twice', async () => {
      const { src, dst } = await databases();
      const id = await newTask(src, dst);
      await setDesired(id, 'Running');
      await waitStatus(id, 'Running');
      await pair.source.query(src, `UPDATE app.items SET v = 'one' WHERE id <= 20`);
      await waitCaughtUp(pair, src, id);
      const counted = async () => Number((await pair.target.query<{ n: string }>(dst, `SELECT changes::text AS n FROM dts.dts_sync_checkpoint WHERE task_id = $1`, [id]))[0]?.n ?? -1);
      await waitFor('the 20 updates to be counted', async () => (await counted()) === 20, 30_000);
      await setDesired(id, 'Paused');
      await waitStatus(id, 'Paused');

      // put the task's objects back where the previous version kept them
      const pub = `dts_sync_${id.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
      await pair.target.query(
        dst,
        `${CHECKPOINT_DDL('public.dts_sync_checkpoint')};
         INSERT INTO public.dts_sync_checkpoint SELECT * FROM dts.dts_sync_checkpoint;
         DROP SCHEMA dts CASCADE;`,
      );
      await pair.source.query(
        src,
        `${HEARTBEAT_DDL('public.dts_postgres_heartbeat')};
         INSERT INTO public.dts_postgres_heartbeat SELECT * FROM dts.dts_postgres_heartbeat;
         ALTER PUBLICATION ${pub} SET TABLE app.items, public.dts_postgres_heartbeat;
         DROP SCHEMA dts CASCADE;`,
      );
      // changes made while it was paused, before the upgrade
      await pair.source.query(src, `UPDATE app.items SET v = 'two' WHERE id <= 5; DELETE FROM app.items WHERE id = 50`);

      await setDesired(id, 'Running');
      await waitStatus(id, 'Running');
      await pair.source.query(src, `INSERT INTO app.items VALUES (100, 'three')`);
      await waitCaughtUp(pair, src, id);
      await same(src, dst);
      // 20 before, 6 while paused, 1 after: each counted once, none re-applied
      await waitFor('all 27 changes to be counted', async () => (await counted()) >= 27, 30_000);
      assert.equal(await counted(), 27);
      const legacy = await pair.target.query<{ n: string }>(dst, `SELECT count(*)::text AS n FROM pg_class WHERE relname = 'dts_sync_checkpoint' AND relnamespace = 'public'::regnamespace`);
      assert.equal(legacy[0].n, '0', 'the empty legacy checkpoint table was dropped');
      const published = await pair.source.query<{ t: string }>(src, `SELECT schemaname || '.' || tablename AS t FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1`, [pub]);
      assert.deepEqual(published.map((r) => r.t), ['app.items', 'dts.dts_postgres_heartbeat']);
      const oldBeat = await pair.source.query<{ n: string }>(src, `SELECT count(*)::text AS n FROM pg_class WHERE relname = 'dts_postgres_heartbeat' AND relnamespace = 'public'::regnamespace`);
      assert.equal(oldBeat[0].n, '0', 'the empty legacy heartbeat table was dropped');
      await setDesired(id, 'Released');
      await waitFor('the task to be released', async () => (await taskRow(id)) === null, 60_000);
    });

    it("refuses to resume a task of the previous version from a legacy checkpoint table another role owns", async () => {
      const { src, dst } = await databases();
      const id = await newTask(src, dst);
      await setDesired(id, 'Running');
      await waitStatus(id, 'Running');
      await waitCaughtUp(pair, src, id);
      await setDesired(id, 'Paused');
      await waitStatus(id, 'Paused');
      await pair.target.query(
        dst,
        `${CHECKPOINT_DDL('public.dts_sync_checkpoint')};
         INSERT INTO public.dts_sync_checkpoint SELECT * FROM dts.dts_sync_checkpoint;
         DROP SCHEMA dts CASCADE;
         ALTER TABLE public.dts_sync_checkpoint OWNER TO ${LOW};`,
      );
      await asLow(pair.target, dst, trap('public.dts_sync_checkpoint'));
      await setDesired(id, 'Running');
      await waitStatus(id, 'Failed');
      assert.match((await taskRow(id))?.statusReason ?? '', /"public"\."dts_sync_checkpoint": owned by "low"/);
      await assertUnharmed(pair.target, dst);
      await setDesired(id, 'Released');
      await waitFor('the task to be released', async () => (await taskRow(id)) === null, 60_000);
      await assertUnharmed(pair.target, dst);
    });
  });
}

after(async () => {
  await stopMeta();
});
