// Issue 13, "Helper objects on customer databases are never adopted from someone else", on
// MariaDB: DTS's heartbeat, checkpoint and marker tables in the database `dts` are checked before
// every use (a BASE TABLE of the expected shape, InnoDB, no trigger, and triggers visible to the
// account). An account `low` with grants on `dts` sets up a view or a trigger that would copy what
// DTS writes into its own log; the task's account is root. The precheck fails naming the object
// and the fix, the replicator refuses (Failed, not Retrying), the log stays empty, and after the
// fix the task runs. Also: a trigger added while the task runs, release, and an account that
// cannot see triggers.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { connect, rows } from '../../server/engines/mysql/connect';
import { introspector } from '../../server/engines/mysql/introspect';
import { prechecker } from '../../server/engines/mysql/precheck';
import type { PrecheckInput, PrecheckItem } from '../../server/engines/types';
import { resolveMappings } from '../../server/pipeline/mapping';
import { restartFailed, setDesired, stopMeta, taskRow, waitStatus } from '../helpers/harness';
import type { MariaDbServer } from '../helpers/mysql';
import { createMyTask, mySuiteHooks, NO_MARIADB, sameTable, waitMyApplied, type MySuite } from '../helpers/mysql-harness';
import { waitFor } from '../helpers/pg';
import { collectPrecheck, precheckItem } from '../helpers/precheck';

const skip = NO_MARIADB;
if (skip) console.log('skipped: no server');

const CHECKPOINT_DDL = 'CREATE TABLE dts.dts_checkpoint (task_id VARCHAR(191) PRIMARY KEY, position VARCHAR(512) NOT NULL, changes BIGINT NOT NULL DEFAULT 0, updated_at DATETIME(6) NOT NULL) ENGINE=InnoDB';
/** a trigger copying what DTS writes into low's log (it runs as its DEFINER, low) */
const trap = (table: string, column: string) =>
  `CREATE DEFINER = 'low'@'%' TRIGGER dts.harm BEFORE INSERT ON dts.${table} FOR EACH ROW INSERT INTO lowland.harm_log VALUES (CURRENT_USER(), NEW.${column})`;

async function asUser(server: MariaDbServer, user: string, sql: string): Promise<void> {
  const c = await connect(server.config('', user, `${user}-pw`), { multipleStatements: true });
  try {
    await c.query(sql);
  } finally {
    await c.end().catch(() => c.destroy());
  }
}

async function assertUnharmed(server: MariaDbServer): Promise<void> {
  const r = await server.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM lowland.harm_log');
  assert.equal(Number(r[0].n), 0, "low's trigger or view never saw a row DTS wrote");
}

async function dtsTables(server: MariaDbServer): Promise<string[]> {
  return (await server.query<{ t: string }>(`SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'dts'`)).map((r) => r.t);
}

describe("MariaDB: DTS's helper tables are never adopted from another account", { skip }, () => {
  let s: MySuite;
  let dbCounter = 0;
  mySuiteHooks((suite) => (s = suite));
  before(async () => {
    if (skip) return;
    for (const server of [s.source, s.target]) {
      await server.query(
        `CREATE DATABASE lowland; CREATE TABLE lowland.harm_log (who VARCHAR(200), what VARCHAR(600));
         CREATE USER 'low'@'%' IDENTIFIED BY 'low-pw'; GRANT ALL ON lowland.* TO 'low'@'%';
         GRANT CREATE, DROP, SELECT, INSERT, UPDATE, DELETE, TRIGGER, CREATE VIEW, SHOW VIEW ON dts.* TO 'low'@'%';`,
      );
    }
  });

  // each test starts without the database dts, whatever the one before left
  afterEach(async () => {
    if (skip) return;
    for (const server of [s.source, s.target]) await server.query('DROP DATABASE IF EXISTS dts');
  });

  /** a fresh database with app rows on the source */
  async function database(): Promise<string> {
    const db = `happ${++dbCounter}`;
    await s.source.query(`CREATE DATABASE ${db}; CREATE TABLE ${db}.items (id INT PRIMARY KEY, v VARCHAR(50)); INSERT INTO ${db}.items VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
    return db;
  }

  async function precheck(db: string, taskId: string, targetUser?: string): Promise<Map<string, PrecheckItem>> {
    const source = s.source.config('');
    const catalog = await introspector.introspect(source);
    const input: PrecheckInput = {
      source,
      target: targetUser ? s.target.config('', targetUser, `${targetUser}-pw`) : s.target.config(''),
      taskId,
      mappings: resolveMappings(catalog, { schemas: [{ name: db }] }),
      syncTypes: { schema: true, full: true, incremental: true },
      conflictingTables: 'PrecheckAndReportErrors',
    };
    return collectPrecheck(prechecker, input);
  }


  async function release(id: string): Promise<void> {
    await setDesired(id, 'Released');
    await waitFor('the task to be released', async () => (await taskRow(id)) === null, 60_000);
  }

  it('refuses a view and a trigger another account set up under helper names, until they are dropped', async () => {
    const db = await database();
    await asUser(s.source, 'low', `CREATE DATABASE dts; CREATE VIEW dts.dts_heartbeat AS SELECT who AS task_id, what AS ts FROM lowland.harm_log`);
    await asUser(s.target, 'low', `CREATE DATABASE dts; ${CHECKPOINT_DDL}`);
    // with binary logging on, an account without SUPER may create a trigger only under
    // log_bin_trust_function_creators; an administrator creates it for low here (DEFINER low):
    // the same trigger, running with low's rights
    await s.target.query(trap('dts_checkpoint', 'position'));
    const id = await createMyTask(s.source, s.target, db, { objects: { schemas: [{ name: db }] } });
    const items = await precheck(db, id);
    const src = precheckItem(items, 'source.helper_objects');
    assert.equal(src.result, 'fail');
    assert.match(src.cause ?? '', /`dts`\.`dts_heartbeat`: it is a view/);
    assert.match(src.fix ?? '', /DROP VIEW `dts`\.`dts_heartbeat`;/);
    const dst = precheckItem(items, 'target.helper_objects');
    assert.equal(dst.result, 'fail');
    assert.match(dst.cause ?? '', /`dts`\.`dts_checkpoint`: it has triggers \(harm\)/);
    assert.match(dst.fix ?? '', /DROP TRIGGER `dts`\.`harm`;/);

    await setDesired(id, 'Running');
    await waitStatus(id, 'Failed');
    const failed = await taskRow(id);
    assert.match(failed?.statusReason ?? '', /DTS does not use its helper tables on the destination server .*`dts`\.`dts_checkpoint`: it has triggers \(harm\)/);
    assert.equal(failed?.desiredState, 'Stopped', 'not retried');
    await assertUnharmed(s.source);
    await assertUnharmed(s.target);

    await s.source.query('DROP VIEW dts.dts_heartbeat');
    await s.target.query('DROP TRIGGER dts.harm');
    const again = await precheck(db, id);
    for (const key of ['source.helper_objects', 'target.helper_objects']) assert.equal(precheckItem(again, key).result, 'pass', key);
    await restartFailed(id);
    await s.source.query(`INSERT INTO ${db}.items VALUES (4, 'd'); UPDATE ${db}.items SET v = 'z' WHERE id = 1`);
    await waitMyApplied(s.source, s.target, id);
    await sameTable(s.source, s.target, db, 'items', ['id', 'v'], ['id']);
    assert.ok((await dtsTables(s.source)).includes('dts_heartbeat'), 'DTS created its own heartbeat table');
    await assertUnharmed(s.source);
    await assertUnharmed(s.target);
    await release(id);
    assert.deepEqual([...(await dtsTables(s.source)), ...(await dtsTables(s.target))], []);
  });

  it('stops a running task when a trigger is added to a helper table, and release waits for the fix', async () => {
    const db = await database();
    const id = await createMyTask(s.source, s.target, db, { objects: { schemas: [{ name: db }] } });
    await setDesired(id, 'Running');
    await waitStatus(id, 'Running');
    await waitMyApplied(s.source, s.target, id);

    // the checkpoint table on the destination: the next transaction is refused before it writes
    await s.target.query(trap('dts_checkpoint', 'position'));
    await s.source.query(`UPDATE ${db}.items SET v = 'after trap' WHERE id = 2`);
    await waitStatus(id, 'Failed');
    assert.match((await taskRow(id))?.statusReason ?? '', /`dts`\.`dts_checkpoint`: it has triggers \(harm\)/);
    await assertUnharmed(s.target);
    const stale = await s.target.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${db}.items WHERE v = 'after trap'`);
    assert.equal(Number(stale[0].n), 0, 'the refused transaction did not commit');

    await s.target.query('DROP TRIGGER dts.harm');
    await restartFailed(id);
    await waitMyApplied(s.source, s.target, id);
    await sameTable(s.source, s.target, db, 'items', ['id', 'v'], ['id']);

    // the heartbeat table on the source: the heartbeat stops before the trigger fires, and the task with it
    await s.source.query(trap('dts_heartbeat', 'task_id'));
    await waitStatus(id, 'Failed', 30_000);
    assert.match((await taskRow(id))?.statusReason ?? '', /`dts`\.`dts_heartbeat`: it has triggers \(harm\)/);
    await assertUnharmed(s.source);

    // release leaves the trapped table alone and says why; after the fix it completes
    await setDesired(id, 'Released');
    await waitFor('release to report the trigger', async () => /Release failed: .*dts_heartbeat.*triggers \(harm\)/.test((await taskRow(id))?.statusReason ?? ''), 60_000);
    await assertUnharmed(s.source);
    await s.source.query('DROP TRIGGER dts.harm');
    await waitFor('the task to be released', async () => (await taskRow(id)) === null, 60_000);
    assert.deepEqual([...(await dtsTables(s.source)), ...(await dtsTables(s.target))], [], 'release dropped the dts tables and databases');
    await assertUnharmed(s.source);
    await assertUnharmed(s.target);
  });

  it('fails the precheck for a destination account that cannot see the triggers in dts', async () => {
    const db = await database();
    await s.target.query(
      `CREATE USER 'blind'@'%' IDENTIFIED BY 'blind-pw'; GRANT ALL ON ${db}.* TO 'blind'@'%';
       GRANT CREATE, DROP ON dts.* TO 'blind'@'%';
       CREATE DATABASE dts; ${CHECKPOINT_DDL}; ${trap('dts_checkpoint', 'position')}`,
    );
    try {
      // the premise: without a table privilege there, MariaDB's information_schema.TRIGGERS hides
      // the trigger (MySQL hides it without the TRIGGER privilege)
      const c = await connect(s.target.config('', 'blind', 'blind-pw'));
      try {
        const seen = await rows<{ n: number | string }>(c, `SELECT COUNT(*) AS n FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = 'dts'`);
        assert.equal(Number(seen[0].n), 0);
      } finally {
        await c.end().catch(() => c.destroy());
      }
      const item = precheckItem(await precheck(db, 'blindtask', 'blind'), 'target.helper_objects');
      assert.equal(item.result, 'fail');
      assert.match(item.cause ?? '', /cannot see the triggers of `dts`\.`dts_checkpoint`, `dts`\.`dts_marker` \(it has no table privilege there\)/);
      assert.match(item.fix ?? '', /GRANT SELECT, INSERT, UPDATE, DELETE ON `dts`\.\* TO 'blind'@'%';/);
      // with the grant, the trigger is seen and named
      await s.target.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON dts.* TO 'blind'@'%'`);
      const seen = precheckItem(await precheck(db, 'blindtask', 'blind'), 'target.helper_objects');
      assert.equal(seen.result, 'fail');
      assert.match(seen.cause ?? '', /`dts`\.`dts_checkpoint`: it has triggers \(harm\)/);
    } finally {
      await s.target.query(`DROP USER 'blind'@'%'`);
    }
  });
});

after(async () => {
  if (!skip) await stopMeta();
});
