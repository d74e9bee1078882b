// The MySQL snapshot and binlog stream on real MariaDB servers: a consistent snapshot under a
// concurrent writer plus the stream from its position reproduces the source exactly; values of
// every type decode from the binlog exactly as the text protocol reads them; transactions arrive
// whole; loop prevention by marker rows; heartbeat; purged binlogs; backpressure on a huge
// transaction.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { snapshotSource, integerRanges } from '../../server/engines/mysql/snapshot';
import { streamSource } from '../../server/engines/mysql/stream';
import { ChangesLostError } from '../../server/engines/shared/errors';
import { isConnectionError, q, qualify, rows, withConnection, type MyConnection } from '../../server/engines/mysql/connect';
import { ANY_ORIGIN, type ChangeStream, type Row, type TableMapping, type Transaction } from '../../server/engines/types';
import { comparePos } from '../../server/engines/mysql/types';
import { myChecksum, startMariaDb, type MariaDbServer, NO_MARIADB } from '../helpers/mysql';

const skip = NO_MARIADB;
if (skip) console.log('skipped: no server (mariadbd not installed)');

function mapping(schema: string, name: string, cols: string[], key: string[], where: string | null = null): TableMapping {
  const ref = { schema, name };
  return { source: ref, target: ref, columns: cols.map((c) => ({ source: c, target: c })), keyColumns: key, where, ops: ['insert', 'update', 'delete'] };
}

/** reads until `done(all)` holds (one read in flight at a time) */
async function readUntil(s: ChangeStream, done: (all: Transaction[]) => boolean, timeoutMs = 30_000): Promise<Transaction[]> {
  const all: Transaction[] = [];
  const deadline = Date.now() + timeoutMs;
  let pending: Promise<Transaction[]> | null = null;
  while (!done(all)) {
    if (Date.now() > deadline) throw new Error(`timed out; got ${all.length} transactions`);
    pending ??= s.read(50_000);
    const r = await Promise.race([pending, sleep(200).then(() => null)]);
    if (r) {
      pending = null;
      all.push(...r);
    }
  }
  return all;
}

const changesOf = (ts: Transaction[]) => ts.flatMap((t) => t.changes);
const position = async (s: MariaDbServer) => {
  const r = await s.query<{ File: string; Position: number }>('SHOW MASTER STATUS');
  return `${r[0].File}:${r[0].Position}`;
};
const reached = (pos: string) => (all: Transaction[]) => all.some((t) => !t.partial && comparePos(t.position, pos) >= 0);

const ALL_TYPES = `CREATE TABLE d.t (
  id INT PRIMARY KEY, ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
  dec1 DECIMAL(10,2), dec2 DECIMAL(65,30), dec3 DECIMAL(5,0), f FLOAT, d DOUBLE, f2 FLOAT(7,3), d2 DOUBLE(12,4),
  dt DATETIME, dt6 DATETIME(6), dt3 DATETIME(3), ts TIMESTAMP NULL, ts6 TIMESTAMP(6) NULL, tm TIME, tm6 TIME(6), tm2 TIME(2), da DATE, y YEAR,
  c CHAR(10), vc VARCHAR(100), tx TEXT, lt LONGTEXT, js JSON, bin BINARY(4), vb VARBINARY(10), bl BLOB, bt BIT(5), bt2 BIT(17), b1 BIT(1),
  en ENUM('a','b','c,d','it''s'), st SET('x','y','z'), g GEOMETRY NULL, pt POINT NULL, l1 VARCHAR(20) CHARACTER SET latin1, cbin CHAR(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
  u UUID NULL, i4 INET4 NULL, i6 INET6 NULL)`;
const ALL_ROWS = `INSERT INTO d.t VALUES
 (1, -128, 255, -32768, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615,
  -12345678.91, '-12345678901234567890123456789012345.123456789012345678901234567890', 99999, 1.1, 0.1, 1234.567, 12345678.1234,
  '2024-02-29 23:59:59', '2024-02-29 23:59:59.123456', '1000-01-01 00:00:00.001', '2038-01-19 03:14:07', '1970-01-01 00:00:01.000001', '-838:59:59', '-01:02:03.250000', '12:34:56.78', '9999-12-31', 2155,
  'ab  ', 'héllo 😀', REPEAT('x', 300), '😀😀', '{"a": [1, 2.50, "x"], "b": null}', X'01000000', X'00ff', X'deadbeef00', b'10101', b'10000000000000001', b'1',
  'c,d', 'x,z', ST_GeomFromText('POINT(1 2)'), ST_GeomFromText('POINT(3 4)', 4326), 'café €', 'ab', '123e4567-e89b-12d3-a456-426614174000', '10.0.0.1', '2001:db8::1'),
 (2, 0, 0, 0, 0, 0, 0, 0, 9007199254740993, 9223372036854775808, 0.5, 0, -1, 123456789, 1e20, -0.001, -0.5,
  '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000', NULL, '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000', '00:00:00', '-00:00:00.500000', '838:59:59.99', '0000-00-00', 0,
  '', '', '', '', '[]', X'', X'', X'', b'0', b'0', b'0', '', '', NULL, NULL, '', '', '00000000-0000-0000-0000-000000000000', '0.0.0.0', '::ffff:1.2.3.4'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 3.4028235e38, 1.7976931348623157e308, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1901, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  'it''s', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.17549435e-38, 5e-324, 1, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.000001234, 123456789012345680000, 1, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`;

/** the text protocol's canonical values, read the way the engine reads them (connect()) */
async function selectAll(s: MariaDbServer, table = 'd.t'): Promise<Row[]> {
  return withConnection(s.config('d'), async (c) => rows<Row>(c, `SELECT * FROM ${table} ORDER BY id`));
}

describe('MySQL snapshot and binlog stream (MariaDB)', { skip }, () => {
  let src: MariaDbServer;
  let dst: MariaDbServer;

  before(async () => {
    [src, dst] = await Promise.all([startMariaDb(), startMariaDb()]);
  });
  after(async () => {
    await Promise.all([src?.stop(), dst?.stop()]);
  });

  for (const meta of ['FULL', 'NO_LOG'] as const) {
    it(`decodes every type exactly as the text protocol reads it (binlog_row_metadata=${meta})`, async () => {
      const s = meta === 'FULL' ? src : await startMariaDb({ 'binlog-row-metadata': 'NO_LOG' });
      try {
        await s.query(`CREATE DATABASE IF NOT EXISTS d; DROP TABLE IF EXISTS d.t; ${ALL_TYPES}`);
        const cols = (await s.query<{ c: string }>(`SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='d' AND TABLE_NAME='t' ORDER BY ORDINAL_POSITION`)).map((r) => r.c);
        const m = mapping('d', 't', cols, ['id']);
        const { position: start } = await streamSource.prepare(s.config('d'), { taskId: 'types', mappings: [m] });
        assert.ok(start);
        const stream = await streamSource.open(s.config('d'), { taskId: `types-${meta}`, mappings: [m], from: start, skipOrigins: [], maxBufferedChanges: 10_000 });
        try {
          await s.query(`SET time_zone = '+00:00', sql_mode = 'NO_ENGINE_SUBSTITUTION'; ${ALL_ROWS}`);
          const inserted = await selectAll(s);
          await s.query(`SET time_zone = '+00:00', sql_mode = 'NO_ENGINE_SUBSTITUTION'; UPDATE d.t SET id = id + 100, ts = '2001-02-03 04:05:06', tm6 = '-00:00:01.000001', en = 'b', js = '{"k": "ü"}', bt = b'11111'`);
          const updated = await selectAll(s);
          await s.query('DELETE FROM d.t');
          const end = await position(s);
          const got = changesOf(await readUntil(stream, reached(end)));
          const ins = got.filter((c) => c.op === 'insert').map((c) => (c.op === 'insert' ? c.after : {}));
          const upd = got.filter((c) => c.op === 'update');
          const del = got.filter((c) => c.op === 'delete').map((c) => (c.op === 'delete' ? c.before : {}));
          assert.equal(ins.length, 5);
          for (let i = 0; i < 5; i++) assert.deepEqual(ins[i], inserted[i], `inserted row ${i + 1}`);
          assert.equal(upd.length, 5);
          for (let i = 0; i < 5; i++) {
            const u = upd[i];
            assert.ok(u.op === 'update');
            assert.deepEqual(u.before, inserted[i], `old image ${i + 1}`);
            assert.deepEqual(u.after, updated[i], `new image ${i + 1}`);
          }
          assert.deepEqual(del, updated);
        } finally {
          await stream.close();
        }
      } finally {
        if (s !== src) await s.stop();
      }
    });
  }

  it('a snapshot under a concurrent writer plus the stream from its position gives exactly the source', async () => {
    await src.query(`CREATE DATABASE IF NOT EXISTS s1;
      CREATE TABLE s1.a (id BIGINT PRIMARY KEY, v VARCHAR(40), n DECIMAL(12,3), t DATETIME(6));
      CREATE TABLE s1.b (k1 INT, k2 VARCHAR(10), payload TEXT, PRIMARY KEY (k1, k2))`);
    const rowsA = Array.from({ length: 3000 }, (_, i) => `(${i + 1}, 'v${i}', ${i}.5, NOW(6))`).join(',');
    await src.query(`INSERT INTO s1.a VALUES ${rowsA}; INSERT INTO s1.b SELECT id % 100, CONCAT('k', id), REPEAT('p', id % 50) FROM s1.a`);
    await dst.query(`CREATE DATABASE IF NOT EXISTS s1;
      CREATE TABLE s1.a (id BIGINT PRIMARY KEY, v VARCHAR(40), n DECIMAL(12,3), t DATETIME(6));
      CREATE TABLE s1.b (k1 INT, k2 VARCHAR(10), payload TEXT, PRIMARY KEY (k1, k2))`);
    const ma = mapping('s1', 'a', ['id', 'v', 'n', 't'], ['id']);
    const mb = mapping('s1', 'b', ['k1', 'k2', 'payload'], ['k1', 'k2']);

    // a writer changing both tables while the snapshot opens and is read
    let stop = false;
    let writes = 0;
    const writer = (async () => {
      let next = 100_000;
      while (!stop) {
        const id = 1 + Math.floor(Math.random() * 3000);
        await src.query(`START TRANSACTION;
          INSERT INTO s1.a VALUES (${++next}, 'new', 1.25, NOW(6));
          UPDATE s1.a SET v = CONCAT(v, 'u'), n = n + 1 WHERE id = ${id};
          DELETE FROM s1.a WHERE id = ${id + 7};
          UPDATE s1.a SET id = ${next + 500_000} WHERE id = ${id + 13};
          REPLACE INTO s1.b VALUES (${id % 100}, 'k${id}', 'replaced');
          DELETE FROM s1.b WHERE k1 = ${(id + 3) % 100} AND k2 = 'k${id + 3}';
          COMMIT`);
        writes++;
      }
    })();
    await sleep(150);
    let session: Awaited<ReturnType<typeof snapshotSource.openSnapshot>>;
    try {
      session = await snapshotSource.openSnapshot(src.config('s1'), { taskId: 'snap', mappings: [ma, mb], workers: 3, withCapture: true });
    } catch (e) {
      stop = true;
      await writer;
      throw e;
    }
    try {
      // 4 key ranges for a, whole table for b (composite key)
      const chunksA = await session.chunks(ma, 2_000_000);
      assert.equal(chunksA.length, 4);
      assert.deepEqual(await session.chunks(mb, 2_000_000), [{ range: null, label: 'whole table' }]);
      const loads = [...chunksA.map((c) => [ma, c] as const), [mb, { range: null, label: 'whole table' }] as const].map(async ([m, chunk]) => {
        const { data, done, release } = await session.read(m, chunk, 'rows');
        assert.equal(data.format, 'rows');
        if (data.format !== 'rows') return;
        await withConnection(dst.config('s1'), async (c) => {
          for await (const batch of data.batches) {
            assert.ok(batch.length <= 5000);
            if (batch.length) await c.query(`INSERT INTO ${qualify(m.target)} (${m.columns.map((x) => q(x.target)).join(', ')}) VALUES ?`, [batch.map((r) => m.columns.map((x) => r[x.source]))]);
          }
        });
        await done;
        await release();
      });
      await Promise.all(loads);
      await sleep(300);
    } finally {
      stop = true;
      await writer;
      await session.close();
    }
    assert.ok(writes > 5, `the writer ran during the snapshot (${writes} transactions)`);
    const end = await position(src);
    const stream = await streamSource.open(src.config('s1'), { taskId: 'snap', mappings: [ma, mb], from: session.position, skipOrigins: [], maxBufferedChanges: 10_000 });
    try {
      const txns = await readUntil(stream, reached(end));
      await withConnection(dst.config('s1'), async (c) => applyByHand(c, txns, [ma, mb]));
    } finally {
      await stream.close();
    }
    for (const [t, cols, key] of [['a', ['id', 'v', 'n', 't'], ['id']], ['b', ['k1', 'k2', 'payload'], ['k1', 'k2']]] as const) {
      const a = await myChecksum(src, 's1', t, [...cols], [...key]);
      const b = await myChecksum(dst, 's1', t, [...cols], [...key]);
      assert.ok(a.rows > 0);
      assert.deepEqual(b, a, `table ${t} equal`);
    }
  });

  it('delivers a multi-row transaction whole, at the position after its commit', async () => {
    await src.query('CREATE DATABASE IF NOT EXISTS w; CREATE TABLE w.x (id INT PRIMARY KEY, v INT); CREATE TABLE w.y (id INT PRIMARY KEY, v INT)');
    const mx = mapping('w', 'x', ['id', 'v'], ['id']);
    const my = mapping('w', 'y', ['id', 'v'], ['id']);
    const from = await position(src);
    const stream = await streamSource.open(src.config('w'), { taskId: 'whole', mappings: [mx, my], from, skipOrigins: [], maxBufferedChanges: 10_000 });
    try {
      const values = Array.from({ length: 500 }, (_, i) => `(${i}, ${i})`).join(',');
      await src.query(`START TRANSACTION; INSERT INTO w.x VALUES ${values}; INSERT INTO w.y VALUES ${values}; UPDATE w.x SET v = v + 1 WHERE id < 10; DELETE FROM w.y WHERE id >= 490; COMMIT`);
      const end = await position(src);
      const txns = (await readUntil(stream, reached(end))).filter((t) => t.changes.length);
      assert.equal(txns.length, 1);
      const t = txns[0];
      assert.equal(t.position, end);
      assert.ok(!t.partial);
      assert.equal(t.changes.length, 1020);
      assert.deepEqual(t.changes.slice(998, 1002).map((c) => c.op), ['insert', 'insert', 'update', 'update']);
      assert.ok(t.bytes > 1000);
      assert.ok(Math.abs(t.commitTime.getTime() - Date.now()) < 60_000);
    } finally {
      await stream.close();
    }
  });

  it('emits nothing for DDL and decodes later rows with the new columns', async () => {
    await src.query('CREATE DATABASE IF NOT EXISTS dd; CREATE TABLE dd.x (id INT PRIMARY KEY, f FLOAT)');
    const m = mapping('dd', 'x', ['id', 'f'], ['id']);
    const from = await position(src);
    const stream = await streamSource.open(src.config('dd'), { taskId: 'ddl', mappings: [m], from, skipOrigins: [], maxBufferedChanges: 1000 });
    try {
      await src.query(`INSERT INTO dd.x VALUES (1, 1.5); ALTER TABLE dd.x ADD COLUMN extra VARCHAR(10) CHARACTER SET latin1 DEFAULT 'zé', MODIFY f DOUBLE; INSERT INTO dd.x (id, f) VALUES (2, 0.1)`);
      const end = await position(src);
      const got = changesOf(await readUntil(stream, reached(end)));
      assert.deepEqual(got.map((c) => (c.op === 'insert' ? c.after : c.op)), [{ id: '1', f: '1.5' }, { id: '2', f: '0.1', extra: 'zé' }]);
    } finally {
      await stream.close();
    }
  });

  it('runs two readers of two tasks at once (distinct server ids), and close() leaves no binlog dump', async () => {
    await src.query('CREATE DATABASE IF NOT EXISTS r2; CREATE TABLE r2.x (id INT PRIMARY KEY)');
    const m = mapping('r2', 'x', ['id'], ['id']);
    const from = await position(src);
    const s1 = await streamSource.open(src.config('r2'), { taskId: 'task-one', mappings: [m], from, skipOrigins: [], maxBufferedChanges: 1000 });
    const s2 = await streamSource.open(src.config('r2'), { taskId: 'task-two', mappings: [m], from, skipOrigins: [], maxBufferedChanges: 1000 });
    try {
      for (let i = 0; i < 5; i++) {
        await src.query(`INSERT INTO r2.x VALUES (${i})`);
        await sleep(100);
      }
      const end = await position(src);
      const [a, b] = await Promise.all([readUntil(s1, reached(end)), readUntil(s2, reached(end))]);
      assert.equal(changesOf(a).length, 5);
      assert.equal(changesOf(b).length, 5);
    } finally {
      await s1.close();
      await s2.close();
    }
    await sleep(300);
    const dumps = await src.query<{ Command: string }>("SELECT COMMAND AS Command FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'");
    assert.equal(dumps.length, 0, 'no binlog dump thread left');
  });

  it('drops transactions marked by a skipped origin, keeps the others with their origin (and ANY_ORIGIN)', async () => {
    await src.query(`CREATE DATABASE IF NOT EXISTS mk; CREATE TABLE mk.x (id INT PRIMARY KEY);
      CREATE DATABASE IF NOT EXISTS dts; CREATE TABLE IF NOT EXISTS dts.dts_marker (origin VARCHAR(191) PRIMARY KEY, seq BIGINT NOT NULL, updated_at DATETIME(6) NOT NULL)`);
    const m = mapping('mk', 'x', ['id'], ['id']);
    const mark = (o: string) => `INSERT INTO dts.dts_marker (origin, seq, updated_at) VALUES ('${o}', 1, NOW(6)) ON DUPLICATE KEY UPDATE seq = seq + 1, updated_at = NOW(6)`;
    for (const skipOrigins of [['A'], [ANY_ORIGIN]]) {
      const from = await position(src);
      const stream = await streamSource.open(src.config('mk'), { taskId: 'marker', mappings: [m], from, skipOrigins, maxBufferedChanges: 1000 });
      try {
        const base = skipOrigins[0] === 'A' ? 0 : 100;
        await src.query(`START TRANSACTION; ${mark('A')}; INSERT INTO mk.x VALUES (${base + 1}); COMMIT`);
        const p1 = await position(src);
        await src.query(`START TRANSACTION; ${mark('B')}; INSERT INTO mk.x VALUES (${base + 2}); COMMIT`);
        const p2 = await position(src);
        await src.query(`INSERT INTO mk.x VALUES (${base + 3})`);
        const p3 = await position(src);
        // a savepoint inside (the writer's own runs use them) keeps the transaction whole
        await src.query(`START TRANSACTION; ${mark('A')}; SAVEPOINT s1; INSERT INTO mk.x VALUES (${base + 4}); RELEASE SAVEPOINT s1; COMMIT`);
        const p4 = await position(src);
        // a user's transaction with a savepoint rolled back: only what was kept arrives
        await src.query(`START TRANSACTION; INSERT INTO mk.x VALUES (${base + 5}); SAVEPOINT s2; INSERT INTO mk.x VALUES (${base + 6}); ROLLBACK TO SAVEPOINT s2; INSERT INTO mk.x VALUES (${base + 7}); COMMIT`);
        const p5 = await position(src);
        const txns = await readUntil(stream, reached(p5));
        const at = (p: string) => txns.find((t) => t.position === p);
        assert.deepEqual(at(p1)?.changes ?? [], [], 'origin A dropped');
        assert.deepEqual(at(p4)?.changes, [], 'origin A dropped (last)');
        if (skipOrigins[0] === 'A') {
          assert.equal(at(p2)?.origin, 'B');
          assert.deepEqual(at(p2)?.changes.map((c) => (c.op === 'insert' ? c.after.id : null)), [String(base + 2)]);
        } else {
          assert.deepEqual(at(p2)?.changes ?? [], [], 'origin B dropped under ANY_ORIGIN');
        }
        assert.deepEqual(at(p5)?.changes.map((c) => (c.op === 'insert' ? c.after.id : null)), [String(base + 5), String(base + 7)], 'savepoints: the transaction whole, without what was rolled back');
        assert.equal(at(p3)?.origin, undefined);
        assert.deepEqual(at(p3)?.changes.map((c) => (c.op === 'insert' ? c.after.id : null)), [String(base + 3)]);
        // no marker row is ever emitted as a change
        assert.ok(changesOf(txns).every((c) => c.op !== 'ddl' && c.op !== 'truncate' && c.table.schema === 'mk'));
      } finally {
        await stream.close();
      }
    }
    await src.query('DROP TABLE dts.dts_marker');
  });

  it('heartbeat advances the position while the source is idle; cleanup drops the heartbeat table', async () => {
    const m = mapping('w', 'x', ['id', 'v'], ['id']);
    const { position: from } = await streamSource.prepare(src.config('w'), { taskId: 'hb', mappings: [m] });
    assert.ok(from);
    const stream = await streamSource.open(src.config('w'), { taskId: 'hb', mappings: [m], from, skipOrigins: [], maxBufferedChanges: 1000 });
    const hb = streamSource.startHeartbeat(src.config('w'), 'hb', 200, (e) => assert.fail(e as Error));
    try {
      const txns = await readUntil(stream, (all) => all.length >= 3);
      assert.ok(txns.every((t) => t.changes.length === 0));
      assert.ok(comparePos(txns[txns.length - 1].position, from) > 0);
      assert.ok(comparePos(txns[2].position, txns[0].position) > 0, 'positions advance');
      // the commit time is the heartbeat row's time (microseconds, UTC)
      const lag = Date.now() - txns[txns.length - 1].commitTime.getTime();
      assert.ok(lag >= 0 && lag < 5_000, `heartbeat time ${txns[txns.length - 1].commitTime.toISOString()}`);
    } finally {
      await hb.stop();
      await stream.close();
    }
    const dropped = await streamSource.cleanup(src.config('w'), { taskId: 'hb' });
    assert.deepEqual(dropped, ['table dts.dts_heartbeat', 'database dts']);
    assert.equal((await src.query("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'dts'")).length, 0);
  });

  it('filters rows by the mapping WHERE: rows leaving the filter become deletes', async () => {
    await src.query('CREATE DATABASE IF NOT EXISTS fl; CREATE TABLE fl.x (id INT PRIMARY KEY, v INT, s VARCHAR(10))');
    const m = mapping('fl', 'x', ['id', 'v', 's'], ['id'], 'v > 10');
    const from = await position(src);
    const stream = await streamSource.open(src.config('fl'), { taskId: 'filter', mappings: [m], from, skipOrigins: [], maxBufferedChanges: 1000 });
    try {
      await src.query(`INSERT INTO fl.x VALUES (1, 5, 'a'), (2, 50, 'b'); UPDATE fl.x SET v = 1 WHERE id = 2; UPDATE fl.x SET v = 20 WHERE id = 1`);
      const end = await position(src);
      const got = changesOf(await readUntil(stream, reached(end)));
      assert.deepEqual(
        got.map((c) => [c.op, c.op === 'delete' ? c.before : c.op === 'ddl' || c.op === 'truncate' ? null : c.after]),
        [
          ['delete', { id: '1' }],
          ['insert', { id: '2', v: '50', s: 'b' }],
          ['delete', { id: '2' }],
          ['update', { id: '1', v: '20', s: 'a' }],
        ],
      );
    } finally {
      await stream.close();
    }
  });

  it('delivers a 200k-row transaction in parts with bounded memory, and measures the decode rate', async () => {
    await src.query(`CREATE DATABASE IF NOT EXISTS big; CREATE TABLE big.x (id INT PRIMARY KEY, v VARCHAR(40), n BIGINT, t DATETIME(6));
      CREATE TABLE big.seed (id INT PRIMARY KEY); INSERT INTO big.seed SELECT seq FROM big.seq_1_to_200000`);
    const m = mapping('big', 'x', ['id', 'v', 'n', 't'], ['id']);
    const from = await position(src);
    const max = 10_000;
    const stream = await streamSource.open(src.config('big'), { taskId: 'big', mappings: [m], from, skipOrigins: [], maxBufferedChanges: max });
    try {
      await src.query(`INSERT INTO big.x SELECT id, CONCAT('value-', id), id * 1000, '2024-01-01 00:00:00.123456' FROM big.seed`);
      const end = await position(src);
      await sleep(1500);
      // nobody reads: the socket is paused, so what waits stays near the limit
      const waiting = (stream as unknown as { buffered: number }).buffered;
      assert.ok(waiting <= max * 1.5, `buffered ${waiting}`);
      const t0 = process.hrtime.bigint();
      const txns = await readUntil(stream, reached(end), 120_000);
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      const parts = txns.filter((t) => t.changes.length);
      const n = changesOf(parts).length;
      assert.equal(n, 200_000);
      assert.ok(parts.length >= 10, `${parts.length} parts`);
      assert.ok(parts.slice(0, -1).every((t) => t.partial === true && t.changes.length <= max));
      assert.ok(!parts[parts.length - 1].partial);
      assert.equal(parts[parts.length - 1].position, end);
      console.log(`binlog decode: ${n} row changes in ${secs.toFixed(2)} s = ${Math.round(n / secs)} rows/s (after a paused start), rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`);
    } finally {
      await stream.close();
    }
  });

  it('a purged binlog gives ChangesLostError; a missing position is an error', async () => {
    const m = mapping('w', 'x', ['id', 'v'], ['id']);
    const old = await position(src);
    await src.query('FLUSH BINARY LOGS; FLUSH BINARY LOGS');
    const last = (await src.query<{ Log_name: string }>('SHOW BINARY LOGS')).pop()?.Log_name;
    await src.query(`PURGE BINARY LOGS TO '${last}'`);
    await assert.rejects(streamSource.open(src.config('w'), { taskId: 'purged', mappings: [m], from: old, skipOrigins: [], maxBufferedChanges: 1000 }), (e: Error) => {
      assert.ok(e instanceof ChangesLostError, e.message);
      assert.match(e.message, /no longer exists/);
      return true;
    });
    await assert.rejects(streamSource.open(src.config('w'), { taskId: 'none', mappings: [m], from: null, skipOrigins: [], maxBufferedChanges: 1000 }), /no start position/);
  });

  it('rejects read() with a connection error when the source dies', async () => {
    const s = await startMariaDb();
    try {
      await s.query('CREATE DATABASE k; CREATE TABLE k.x (id INT PRIMARY KEY)');
      const m = mapping('k', 'x', ['id'], ['id']);
      const stream = await streamSource.open(s.config('k'), { taskId: 'kill', mappings: [m], from: await position(s), skipOrigins: [], maxBufferedChanges: 1000 });
      try {
        const pending = stream.read(100).then(
          () => new Error('read() resolved'),
          (e: Error) => e,
        );
        await s.kill();
        const e = await pending;
        assert.ok(isConnectionError(e), `${(e as { code?: string }).code} ${e.message}`);
        await assert.rejects(stream.read(100), (e: Error) => {
          assert.ok(isConnectionError(e), `${(e as { code?: string }).code} ${e.message}`);
          return true;
        });
      } finally {
        await stream.close();
      }
    } finally {
      await s.stop();
    }
  });

  it('splits integer keys into even ranges', () => {
    assert.deepEqual(integerRanges('id', 1n, 100n, 4).map((c) => c.range), ['`id` < 26', '`id` >= 26 AND `id` < 51', '`id` >= 51 AND `id` < 76', '`id` >= 76']);
    assert.deepEqual(integerRanges('id', 5n, 5n, 4), [{ range: null, label: 'whole table' }]);
  });
});

/** applies changes as a minimal idempotent writer would: REPLACE for images, DELETE by key */
async function applyByHand(c: MyConnection, txns: Transaction[], maps: TableMapping[]): Promise<void> {
  for (const t of txns) {
    for (const ch of t.changes) {
      if (ch.op === 'ddl' || ch.op === 'truncate') continue;
      const m = maps.find((x) => x.source.schema === ch.table.schema && x.source.name === ch.table.name);
      assert.ok(m, `${ch.table.schema}.${ch.table.name} is mapped`);
      const del = (r: Row) => c.query(`DELETE FROM ${qualify(m.target)} WHERE ${m.keyColumns.map((k) => `${q(k)} = ?`).join(' AND ')}`, m.keyColumns.map((k) => r[k]));
      const put = (r: Row) => c.query(`REPLACE INTO ${qualify(m.target)} (${m.columns.map((x) => q(x.target)).join(', ')}) VALUES (?)`, [m.columns.map((x) => r[x.source])]);
      if (ch.op === 'delete') await del(ch.before);
      else if (ch.op === 'insert') await put(ch.after);
      else {
        if (ch.before && m.keyColumns.some((k) => ch.before?.[k] !== ch.after[k])) await del(ch.before);
        await put(ch.after);
      }
    }
  }
}
