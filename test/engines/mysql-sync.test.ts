// MySQL end to end on real MariaDB servers: schema, full and incremental sync of every type the
// issue lists, renames, column selection and WHERE filters, compared by ordered checksums;
// pause and resume; release cleanup of the heartbeat, marker and checkpoint tables.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setDesired, stopMeta, taskRow, waitStatus } from '../helpers/harness';
import { myChecksum } from '../helpers/mysql';
import { createMyTask, mySuiteHooks, NO_MARIADB, waitMyApplied, type MySuite } from '../helpers/mysql-harness';
import { waitFor } from '../helpers/pg';

const TYPES_DDL = `
CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE shop.all_types (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  u64 BIGINT UNSIGNED, i64 BIGINT, i32 INT, i8 TINYINT, u8 TINYINT UNSIGNED, m24 MEDIUMINT,
  dec_big DECIMAL(65,30), dec_money DECIMAL(12,2), f FLOAT, d DOUBLE,
  dt6 DATETIME(6), ts6 TIMESTAMP(6) NULL DEFAULT NULL, dt0 DATETIME, dte DATE, tm6 TIME(6), yr YEAR,
  j JSON, bl BLOB, vb VARBINARY(64), bn BINARY(4), bits BIT(10), b1 BIT(1),
  en ENUM('small','medium','large'), st SET('a','b','c','d'),
  emoji VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, txt TEXT, ch CHAR(5),
  latin VARCHAR(20) CHARACTER SET latin1
) ENGINE=InnoDB;
CREATE TABLE shop.orders (id INT PRIMARY KEY, customer VARCHAR(40) NOT NULL, status VARCHAR(20) NOT NULL, amount DECIMAL(10,2), secret VARCHAR(20), KEY by_customer (customer));
CREATE TABLE shop.\`odd \`\`name\`\` t\` (\`key col\` INT NOT NULL, \`second\` VARCHAR(10) NOT NULL, v TEXT, PRIMARY KEY (\`key col\`, \`second\`));
CREATE TABLE shop.uniq_only (email VARCHAR(80) NOT NULL, v INT, UNIQUE KEY email_u (email));
`;

const ROW_VALUES = (g: number) =>
  `(${g % 7 === 0 ? '18446744073709551615' : `${g}000000000007`}, ${g % 2 ? '-9223372036854775807' : g}, ${-g}, ${g % 128}, ${g % 256}, ${g * 3},
   ${g % 5 === 0 ? `'12345678901234567890123456789012345.123456789012345678901234567890'` : `'-0.${g}'`}, '${g}.25', ${g}.5, ${g} / 7,
   '2024-02-29 12:34:56.${String(g % 1000000).padStart(6, '0')}', '2025-01-01 00:00:00.${String(g).padStart(6, '0')}', ${g % 11 === 0 ? `'0000-00-00 00:00:00'` : `'1999-12-31 23:59:59'`}, ${g % 13 === 0 ? `'0000-00-00'` : `'2000-01-01'`}, '-838:59:58.${String(g % 999999).padStart(6, '0')}', ${1901 + (g % 254)},
   '{"g": ${g}, "s": "it''s", "u": "é"}', UNHEX(REPEAT('00ff10', ${1 + (g % 40)})), UNHEX('${(g % 256).toString(16).padStart(2, '0')}00ff'), UNHEX('0a0b'), b'${(g % 1024).toString(2)}', b'${g % 2}',
   '${['small', 'medium', 'large'][g % 3]}', '${['a', 'a,c', 'b,d', ''][g % 4]}',
   ${g % 9 === 0 ? 'NULL' : `'emoji 🚀 ${g} 漢字 ''q'' \\\\ back'`}, ${g % 5 === 0 ? `''` : `REPEAT('t', ${g % 300})`}, 'ab', 'café')`;

const TYPE_COLS = ['id', 'u64', 'i64', 'i32', 'i8', 'u8', 'm24', 'dec_big', 'dec_money', 'f', 'd', 'dt6', 'ts6', 'dt0', 'dte', 'tm6', 'yr', 'j', 'bl', 'vb', 'bn', 'bits', 'b1', 'en', 'st', 'emoji', 'txt', 'ch', 'latin'];

async function insertTypes(s: MySuite['source'], from: number, to: number): Promise<void> {
  const values: string[] = [];
  for (let g = from; g <= to; g++) values.push(ROW_VALUES(g));
  await s.query(`INSERT INTO shop.all_types (${TYPE_COLS.slice(1).join(', ')}) VALUES ${values.join(',\n')}`);
}

async function same(s: MySuite, table: string, cols: string[], key: string[], target?: { table?: string; cols?: string[]; db?: string; where?: string }): Promise<number> {
  const [a, b] = await Promise.all([
    myChecksum(s.source, 'shop', table, cols, key, target?.where),
    myChecksum(s.target, target?.db ?? 'shop', target?.table ?? table, target?.cols ?? cols, key.map((k) => target?.cols?.[cols.indexOf(k)] ?? k)),
  ]);
  assert.ok(a.rows > 0, `source ${table} has rows`);
  assert.deepEqual(b, a, `ordered checksum of ${table}`);
  return a.rows;
}

describe('MySQL (MariaDB 10.11) -> MySQL: one-way sync', { skip: NO_MARIADB }, () => {
  let s: MySuite;
  mySuiteHooks((x) => (s = x));

  it('round-trips every type through full and incremental sync, with renames, selected columns and a WHERE filter', async () => {
    await s.source.query(TYPES_DDL);
    await insertTypes(s.source, 1, 500);
    await s.source.query(`INSERT INTO shop.orders SELECT seq, CONCAT('c', seq % 50), IF(seq % 4 = 0, 'cancelled', 'open'), seq * 1.5, 'hidden' FROM seq_1_to_3000`);
    await s.source.query("INSERT INTO shop.`odd ``name`` t` SELECT seq, CONCAT('s', seq), 'v' FROM seq_1_to_100");
    await s.source.query(`INSERT INTO shop.uniq_only SELECT CONCAT('u', seq, '@x'), seq FROM seq_1_to_200`);

    const task = await createMyTask(s.source, s.target, 'shop', {
      objects: {
        schemas: [
          {
            name: 'shop',
            targetName: 'shop_copy',
            tables: [
              { name: 'all_types' },
              { name: 'orders', targetName: 'orders_open', where: "status <> 'cancelled'", columns: [{ name: 'id' }, { name: 'customer', targetName: 'client' }, { name: 'status' }, { name: 'amount' }] },
              { name: 'odd `name` t' },
              { name: 'uniq_only' },
            ],
          },
        ],
      },
    });
    await setDesired(task, 'Running');
    await waitStatus(task, 'Running', 120_000);
    const { db } = await import('../../server/db');
    const retries = await db().taskEvent.findMany({ where: { taskId: task, message: { startsWith: 'Retrying' } } });
    assert.deepEqual(retries.map((e) => e.message), [], 'from the full load straight into incremental sync, with no retry');

    // incremental: inserts, updates (a key change too), deletes, rows moving in and out of the filter
    await insertTypes(s.source, 501, 800);
    await s.source.query(`UPDATE shop.all_types SET dt6 = '2030-06-30 01:02:03.000001', j = '{"changed": true}', bits = b'1111111111', st = 'a,b,c,d', emoji = '👍🏽' WHERE id % 10 = 0`);
    await s.source.query('UPDATE shop.all_types SET id = id + 100000 WHERE id IN (3, 4)');
    await s.source.query('DELETE FROM shop.all_types WHERE id % 17 = 0');
    await s.source.query(`UPDATE shop.orders SET status = 'cancelled' WHERE id BETWEEN 1 AND 40`);
    await s.source.query(`UPDATE shop.orders SET status = 'open', amount = amount + 1 WHERE id BETWEEN 100 AND 160`);
    await s.source.query(`INSERT INTO shop.orders SELECT seq, 'new', IF(seq % 2 = 0, 'cancelled', 'open'), 1, 'hidden' FROM seq_5001_to_5100`);
    await s.source.query(`DELETE FROM shop.orders WHERE id BETWEEN 2000 AND 2100`);
    await s.source.query("UPDATE shop.`odd ``name`` t` SET v = 'changed' WHERE `key col` < 10");
    await s.source.query(`START TRANSACTION; UPDATE shop.uniq_only SET v = v + 1; DELETE FROM shop.uniq_only WHERE v > 150; INSERT INTO shop.uniq_only VALUES ('new@x', 1); COMMIT`);
    await waitMyApplied(s.source, s.target, task);

    const n = await same(s, 'all_types', TYPE_COLS, ['id'], { db: 'shop_copy' });
    assert.equal(n, 800 - Math.floor(800 / 17));
    await same(s, 'orders', ['id', 'customer', 'status', 'amount'], ['id'], { db: 'shop_copy', table: 'orders_open', cols: ['id', 'client', 'status', 'amount'], where: "status <> 'cancelled'" });
    await same(s, 'odd `name` t', ['key col', 'second', 'v'], ['key col', 'second'], { db: 'shop_copy' });
    await same(s, 'uniq_only', ['email', 'v'], ['email'], { db: 'shop_copy' });
    const secret = await s.target.query<{ n: number }>(`SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'shop_copy' AND TABLE_NAME = 'orders_open' AND COLUMN_NAME = 'secret'`);
    assert.equal(Number(secret[0].n), 0, 'an unselected column is not created');
    // indexes come after the full load; AUTO_INCREMENT continues after the copied keys
    const idx = await s.target.query<{ n: number }>(`SELECT COUNT(*) AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'shop_copy' AND TABLE_NAME = 'orders_open' AND INDEX_NAME = 'by_customer'`);
    assert.equal(Number(idx[0].n), 1, 'the secondary index is created on the renamed column');

    // pause and resume: changes made while paused arrive after Start
    await setDesired(task, 'Paused');
    await waitStatus(task, 'Paused');
    await s.source.query(`UPDATE shop.orders SET amount = amount * 2 WHERE id % 3 = 0`);
    await insertTypes(s.source, 801, 850);
    await setDesired(task, 'Running');
    await waitStatus(task, 'Running');
    await waitMyApplied(s.source, s.target, task);
    await same(s, 'all_types', TYPE_COLS, ['id'], { db: 'shop_copy' });
    await same(s, 'orders', ['id', 'customer', 'status', 'amount'], ['id'], { db: 'shop_copy', table: 'orders_open', cols: ['id', 'client', 'status', 'amount'], where: "status <> 'cancelled'" });

    // latency while the source is idle comes from the heartbeat
    await waitFor('a metric sample with latency', async () => (await db().metricSample.findFirst({ where: { taskId: task, latencyMs: { not: null } } })) !== null, 30_000);

    // release removes what the task created
    await setDesired(task, 'Released');
    await waitFor('the task to be released', async () => !(await taskRow(task)), 60_000);
    const left = [
      ...(await s.source.query<{ t: string }>(`SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'dts'`)),
      ...(await s.target.query<{ t: string }>(`SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'dts'`)),
    ];
    assert.deepEqual(left, [], 'no heartbeat, marker or checkpoint table left');
  });
});

after(async () => {
  await stopMeta();
});
