// MySQL indexes after the full load, on real MariaDB servers: SPATIAL and FULLTEXT indexes are
// recreated as on the source (MariaDB reports a SUB_PART of 32 for a SPATIAL key part, which it
// refuses in CREATE INDEX), and an index the destination refuses neither loads the data again on
// every retry nor retries past the other-issues window: the task fails, with the cause shown.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setDesired, stopMeta, taskRow, waitStatus } from '../helpers/harness';
import { createMyTask, mySuiteHooks, NO_MARIADB, sameTable, waitMyApplied, type MySuite } from '../helpers/mysql-harness';
import type { MariaDbServer } from '../helpers/mysql';
import { waitFor } from '../helpers/pg';

/** the index catalog of a database, one line per key part */
async function indexCatalog(s: MariaDbServer, database: string): Promise<string[]> {
  const r = await s.query<{ t: string; n: string; seq: number; c: string; sub: number | null; type: string; nu: number }>(
    `SELECT TABLE_NAME AS t, INDEX_NAME AS n, SEQ_IN_INDEX AS seq, COLUMN_NAME AS c, SUB_PART AS sub, INDEX_TYPE AS type, NON_UNIQUE AS nu
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [database],
  );
  return r.map((x) => `${x.t}.${x.n}#${x.seq} ${x.c}${x.sub ? `(${x.sub})` : ''} ${x.type}${Number(x.nu) ? '' : ' UNIQUE'}`);
}

async function events(taskId: string): Promise<{ level: string; message: string }[]> {
  const { db } = await import('../../server/db');
  return db().taskEvent.findMany({ where: { taskId }, orderBy: { id: 'asc' }, select: { level: true, message: true } });
}

describe('MySQL (MariaDB 10.11): indexes after the full load', { skip: NO_MARIADB }, () => {
  let s: MySuite;
  mySuiteHooks((x) => (s = x));

  it('recreates SPATIAL and FULLTEXT indexes as on the source, and syncs the geometry rows', async () => {
    await s.source.query(`CREATE DATABASE geo;
      CREATE TABLE geo.places (id INT PRIMARY KEY, name VARCHAR(60) NOT NULL, body TEXT, location POINT NOT NULL, area POLYGON NOT NULL,
        SPATIAL INDEX sp_location (location), SPATIAL KEY sp_area (area), FULLTEXT INDEX ft_name_body (name, body), FULLTEXT KEY ft_body (body), KEY by_name (name(10)));
      INSERT INTO geo.places SELECT seq, CONCAT('place ', seq), REPEAT('lorem ipsum ', seq % 20), POINT(seq, seq / 3),
        ST_GeomFromText(CONCAT('POLYGON((0 0, ', seq, ' 0, ', seq, ' ', seq, ', 0 0))')) FROM seq_1_to_2000`);
    const task = await createMyTask(s.source, s.target, 'geo', { objects: { schemas: [{ name: 'geo' }] } });
    const t0 = Date.now();
    await setDesired(task, 'Running');
    // before the fix the index creation failed and the task went Retrying, loading again and again
    let last = '';
    await waitFor('the task to run or retry', async () => {
      const t = await taskRow(task);
      last = `${t?.status}: ${t?.statusReason ?? ''}`;
      return ['Running', 'Retrying', 'Failed'].includes(t?.status ?? '');
    }, 120_000);
    assert.match(last, /^Running/, last);
    console.log(`schema, full load and indexes of 2000 rows: ${Date.now() - t0} ms`);
    assert.deepEqual((await events(task)).filter((e) => e.level !== 'info'), [], 'no warning, no retry');

    const source = await indexCatalog(s.source, 'geo');
    assert.ok(source.includes('places.sp_location#1 location(32) SPATIAL'), source.join('\n'));
    assert.deepEqual(await indexCatalog(s.target, 'geo'), source, 'the index catalogs are equal');
    // the same definition line by line (the order of the keys is the order they were created in)
    const create = async (m: MariaDbServer) =>
      (await m.query<{ 'Create Table': string }>('SHOW CREATE TABLE geo.places'))[0]['Create Table'].split('\n').map((l) => l.replace(/,$/, '')).sort();
    assert.deepEqual(await create(s.target), await create(s.source), 'SHOW CREATE TABLE gives the same lines on both sides');

    await s.source.query(`INSERT INTO geo.places VALUES (5001, 'new', 'x', POINT(-1.5, 2.25), ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))'));
      UPDATE geo.places SET location = POINT(id * 2, 0), body = 'moved' WHERE id % 7 = 0;
      DELETE FROM geo.places WHERE id % 11 = 0`);
    await waitMyApplied(s.source, s.target, task);
    const cols = ['id', 'name', 'body', 'location', 'area'];
    const { source: a, target: b } = await sameTable(s.source, s.target, 'geo', 'places', cols, ['id']);
    assert.equal(a.rows, 2001 - Math.floor(2000 / 11));
    assert.deepEqual(b, a, 'ordered checksum of geo.places');
    // the spatial index serves queries on the destination
    const near = "SELECT COUNT(*) AS n FROM geo.places WHERE MBRContains(ST_GeomFromText('POLYGON((0 0, 100 0, 100 100, 0 100, 0 0))'), location)";
    assert.deepEqual(await s.target.query(near), await s.source.query(near));
  });

  it('an index the destination refuses fails the task within the other-issues window, without loading the data again', async () => {
    await s.source.query(`CREATE DATABASE refuse; CREATE TABLE refuse.items (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, KEY by_name (name(10)));
      INSERT INTO refuse.items SELECT seq, CONCAT('i', seq % 1000) FROM seq_1_to_3000`);
    // the destination already holds the table with a shorter column, which a prefix of 10 does not fit
    await s.target.query('CREATE DATABASE refuse; CREATE TABLE refuse.items (id INT PRIMARY KEY, name VARCHAR(5) NOT NULL)');
    const task = await createMyTask(s.source, s.target, 'refuse', { objects: { schemas: [{ name: 'refuse' }] }, settings: { retryOtherMinutes: 1 } });
    const t0 = Date.now();
    await setDesired(task, 'Running');
    await waitStatus(task, 'Retrying', 60_000);
    const retrying = await taskRow(task);
    assert.match(retrying?.statusReason ?? '', /index `by_name` of `refuse`.`items`/, 'the reason names the index');
    assert.match(retrying?.statusReason ?? '', /Incorrect prefix key/, 'and the cause');
    const { db } = await import('../../server/db');
    const first = await db().tableProgress.findFirstOrThrow({ where: { taskId: task } });
    assert.equal(first.phase, 'done');

    await waitStatus(task, 'Failed', 150_000);
    const elapsed = Date.now() - t0;
    console.log(`failed after ${elapsed} ms of retries`);
    assert.ok(elapsed < 120_000, `failed within about the window of 1 min (took ${elapsed} ms)`);
    const failed = await taskRow(task);
    assert.match(failed?.statusReason ?? '', /index `by_name` of `refuse`.`items`.*Retried for \d+ min: The wait time before a retry when other issues occur is 1 min/s);
    assert.equal(failed?.desiredState, 'Stopped');

    const ev = await events(task);
    const messages = ev.map((e) => e.message);
    assert.equal(messages.filter((m) => m.startsWith('Full Data Synchronization started')).length, 1, `the data is loaded once:\n${messages.join('\n')}`);
    assert.ok(messages.filter((m) => /indexes and foreign keys/.test(m)).length >= 3, `the indexes are tried again:\n${messages.join('\n')}`);
    assert.equal(ev.filter((e) => e.level === 'warn' && /^Retrying \(other issue\): .*by_name/.test(e.message)).length, 1, 'one event per distinct cause');
    assert.ok(ev.some((e) => e.level === 'error' && /^Task failed: .*by_name/.test(e.message)));
    const progress = await db().tableProgress.findFirstOrThrow({ where: { taskId: task } });
    assert.deepEqual([progress.phase, progress.startedAt, progress.rowsDone], [first.phase, first.startedAt, 3000n], 'the table was not loaded again');
    const { source: a, target: b } = await sameTable(s.source, s.target, 'refuse', 'items', ['id', 'name'], ['id']);
    assert.deepEqual(b, a, 'the loaded rows are intact');
  });
});

after(async () => {
  await stopMeta();
});
