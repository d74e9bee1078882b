// Destination triggers and the rows a task writes, on real MariaDB servers (issue 14, item 7).
// MySQL has no session_replication_role: a destination trigger fires on applied rows. The
// destination here is a copy of the application's schema with its triggers: a BEFORE INSERT
// trigger that stamps a DATETIME(6) column, and AFTER INSERT / AFTER DELETE triggers that keep a
// counter table. The precheck names the unguarded ones and gives the guarded definitions; once
// those are applied, the full load and incremental sync leave the rows and the counter table
// exactly as on the source (ordered checksums).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { introspector } from '../../server/engines/mysql/introspect';
import { prechecker } from '../../server/engines/mysql/precheck';
import type { PrecheckInput } from '../../server/engines/types';
import { resolveMappings } from '../../server/pipeline/mapping';
import { setDesired, stopMeta, waitStatus } from '../helpers/harness';
import type { MariaDbServer } from '../helpers/mysql';
import { createMyTask, mySuiteHooks, NO_MARIADB, sameTable, waitMyApplied, type MySuite } from '../helpers/mysql-harness';
import { collectPrecheck, precheckItem } from '../helpers/precheck';

const TABLES = `
CREATE DATABASE app;
CREATE TABLE app.items (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, created DATETIME(6) NULL);
CREATE TABLE app.item_counts (name VARCHAR(20) PRIMARY KEY, n INT NOT NULL);
`;

/** the application's triggers, on both sides (the destination is its DR copy) */
const TRIGGERS = [
  'CREATE TRIGGER app.items_created BEFORE INSERT ON app.items FOR EACH ROW SET NEW.created = NOW(6)',
  'CREATE TRIGGER app.items_count AFTER INSERT ON app.items FOR EACH ROW INSERT INTO app.item_counts VALUES (NEW.name, 1) ON DUPLICATE KEY UPDATE n = n + 1',
  'CREATE TRIGGER app.items_uncount AFTER DELETE ON app.items FOR EACH ROW BEGIN UPDATE app.item_counts SET n = n - 1 WHERE name = OLD.name; END',
];

/** source rows written at a fixed past time, so a destination NOW(6) cannot give the same value */
async function insertItems(src: MariaDbServer, from: number, to: number): Promise<void> {
  const values = [];
  for (let i = from; i <= to; i++) values.push(`(${i}, 'n${i % 7}', NULL)`);
  await src.query(`SET SESSION timestamp = 1000000000.123456; INSERT INTO app.items VALUES ${values.join(', ')}`);
}

/** the statements of a fix written for the mysql client (DELIMITER //) */
function clientStatements(fix: string): string[] {
  const body = fix.slice(fix.indexOf('DELIMITER //\n') + 'DELIMITER //\n'.length, fix.lastIndexOf('\nDELIMITER ;'));
  return body.split(/\/\/\n?/).map((x) => x.trim()).filter(Boolean);
}

describe('MySQL (MariaDB 10.11): destination triggers leave the rows a task writes alone', { skip: NO_MARIADB }, () => {
  let s: MySuite;
  mySuiteHooks((x) => (s = x));

  it('names the unguarded triggers; guarded as the fix says, rows and the counter table equal the source through full and incremental sync', async () => {
    for (const side of [s.source, s.target]) {
      await side.query(TABLES);
      for (const t of TRIGGERS) await side.query(t);
    }
    // a trigger on a destination table no task writes is none of DTS's business
    await s.target.query('CREATE TABLE app.audit (id INT); CREATE TRIGGER app.audit_stamp BEFORE INSERT ON app.audit FOR EACH ROW SET NEW.id = 1');
    await insertItems(s.source, 1, 300);
    await s.source.query('DELETE FROM app.items WHERE id % 10 = 0');

    const selection = { schemas: [{ name: 'app', tables: [{ name: 'items' }, { name: 'item_counts' }] }] };
    const catalog = await introspector.introspect(s.source.config(''), { schemas: ['app'] });
    const input: PrecheckInput = {
      source: s.source.config(''),
      target: s.target.config(''),
      taskId: 'trigger-precheck',
      mappings: resolveMappings(catalog, selection),
      syncTypes: { schema: false, full: true, incremental: true },
      conflictingTables: 'PrecheckAndReportErrors',
    };
    let it = precheckItem(await collectPrecheck(prechecker, input), 'target.triggers');
    assert.equal(it.result, 'warn');
    for (const name of ['items_created', 'items_count', 'items_uncount']) assert.match(it.cause ?? '', new RegExp(`\`app\`\\.\`${name}\``), `the warning names ${name}`);
    assert.doesNotMatch(it.cause ?? '', /audit_stamp/, 'a trigger on a table the task does not write is not named');
    assert.match(it.cause ?? '', /`app`\.`items_created` \(BEFORE INSERT on `app`\.`items`\)/);
    assert.match(it.fix ?? '', /IF @dts_apply IS NULL THEN SET NEW\.created = NOW\(6\); END IF/);

    // the fix, as given, run on the destination
    const statements = clientStatements(it.fix ?? '');
    assert.equal(statements.length, 6, `a DROP and a CREATE per trigger: ${JSON.stringify(statements)}`);
    for (const sql of statements) await s.target.query(sql);
    it = precheckItem(await collectPrecheck(prechecker, input), 'target.triggers');
    assert.equal(it.result, 'pass', `${it.cause ?? ''}`);
    assert.match(it.cause ?? '', /3 trigger\(s\) on the destination tables check @dts_apply/);
    // the guarded triggers still act for the destination's own sessions
    await s.target.query("INSERT INTO app.audit VALUES (5); INSERT INTO app.items VALUES (-1, 'local', NULL)");
    const local = await s.target.query<{ created: string | null; n: number }>("SELECT i.created, c.n FROM app.items i JOIN app.item_counts c ON c.name = i.name WHERE i.id = -1");
    assert.ok(local[0]?.created && Number(local[0].n) === 1, `an application insert on the destination still fires them (${JSON.stringify(local)})`);
    await s.target.query("DELETE FROM app.items WHERE id = -1; DELETE FROM app.item_counts WHERE name = 'local'");

    const task = await createMyTask(s.source, s.target, 'app', { syncTypes: { schema: false, full: true, incremental: true }, objects: selection });
    await setDesired(task, 'Running');
    await waitStatus(task, 'Running', 120_000);
    // incremental: inserts (stamped and counted by the source's triggers), deletes, updates
    await insertItems(s.source, 301, 600);
    await s.source.query("DELETE FROM app.items WHERE id % 7 = 3; UPDATE app.items SET name = 'renamed' WHERE id % 11 = 0");
    await insertItems(s.source, 601, 650);
    await waitMyApplied(s.source, s.target, task);

    for (const [table, cols, key] of [
      ['items', ['id', 'name', 'created'], ['id']],
      ['item_counts', ['name', 'n'], ['name']],
    ] as const) {
      const { source: a, target: b } = await sameTable(s.source, s.target, 'app', table, [...cols], [...key]);
      assert.ok(a.rows > 0, `source app.${table} has rows`);
      assert.deepEqual(b, a, `ordered checksum of app.${table}`);
    }
    const stamp = await s.target.query<{ n: number }>("SELECT COUNT(*) AS n FROM app.items WHERE NOT created <=> FROM_UNIXTIME(1000000000.123456)");
    assert.equal(Number(stamp[0].n), 0, 'every destination row keeps the source time');
  });
});

after(async () => {
  await stopMeta();
});
