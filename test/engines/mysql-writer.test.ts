// The MySQL writer and AUTO_INCREMENT sync on a real MariaDB server: bulk loads (empty and
// merge), set-based apply with the checkpoint committed with the data, exact values of every
// type, conflict policies, the marker row in the binlog, cleanup.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rows, withConnection } from '../../server/engines/mysql/connect';
import { describeTable, infileRows, insertRows } from '../../server/engines/mysql/apply-sql';
import { writerTarget } from '../../server/engines/mysql/writer';
import { sequenceSync } from '../../server/engines/mysql/sequences';
import type { ConflictRecord, Row, TableMapping, Transaction, Writer } from '../../server/engines/types';
import { tableKey } from '../../server/engines/types';
import { ConflictFailure } from '../../server/engines/shared/conflict';
import { myChecksum, startMariaDb, type MariaDbServer, NO_MARIADB } from '../helpers/mysql';

const skip = NO_MARIADB;
if (skip) console.log('skipped: no server');

function mapping(db: string, name: string, cols: string[], key: string[], target?: string): TableMapping {
  return {
    source: { schema: db, name },
    target: { schema: db, name: target ?? name },
    columns: cols.map((c) => ({ source: c, target: c })),
    keyColumns: key,
    where: null,
    ops: ['insert', 'update', 'delete'],
  };
}

let pos = 1000;
function txn(changes: Transaction['changes'], extra: Partial<Transaction> = {}): Transaction {
  pos += 100;
  return { position: `mysql-bin.000001:${pos}`, commitTime: new Date(), changes, bytes: 10, ...extra };
}

async function* batchesOf(rows: Row[], size = 3000): AsyncGenerator<Row[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

const ALL_TYPES = `(id INT PRIMARY KEY, ti TINYINT, si SMALLINT UNSIGNED, mi MEDIUMINT, bi BIGINT, bu BIGINT UNSIGNED,
  de DECIMAL(30,10), fl FLOAT, db DOUBLE, bt BIT(10), b1 BIT(1), yr YEAR, d DATE, dt DATETIME(6), ts TIMESTAMP(6) NULL,
  tm TIME(6), ch CHAR(5), vc VARCHAR(50), la VARCHAR(20) CHARACTER SET latin1, tx TEXT, bin BINARY(4), vb VARBINARY(20),
  bl BLOB, en ENUM('a','b','c d'), st SET('x','y','z'), js JSON, g POINT NULL)`;
const ALL_INSERT = `INSERT INTO t VALUES
  (1, -128, 65535, -8388608, -9223372036854775808, 18446744073709551615, 12345678901234567890.0123456789, 1.1, 0.1,
   b'1000000101', b'1', 2155, '0000-00-00', '2024-02-29 23:59:59.999999', '2038-01-19 03:14:07.000001', '-838:59:59.000000',
   'ab', 'tab\\there \\'q\\' \\\\ 😀', 'café', REPEAT('long ', 100), X'00FF0A0D', X'', X'DEADBEEF00', 'c d', 'x,z', '{"a": [1, 2.5, "é"]}', ST_GeomFromText('POINT(1 2)')),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, 0, 0, 0, 0, 0, 0, -3.4e38, 1.7976931348623157e308, b'0', b'0', 1901, '9999-12-31', '1000-01-01 00:00:00', '1970-01-01 00:00:01', '00:00:00', '', '', '', '', X'00000000', X'00', '', 'a', '', '[]', NULL)`;
const ALL_COLS = ['id', 'ti', 'si', 'mi', 'bi', 'bu', 'de', 'fl', 'db', 'bt', 'b1', 'yr', 'd', 'dt', 'ts', 'tm', 'ch', 'vc', 'la', 'tx', 'bin', 'vb', 'bl', 'en', 'st', 'js', 'g'];

describe('MySQL writer on MariaDB', { skip }, () => {
  let s: MariaDbServer;
  let n = 0;

  before(async () => {
    s = await startMariaDb();
  });
  after(async () => s?.stop());

  async function withWriter(ddl: string, fn: (w: Writer, db: string) => Promise<void>, replicaRole = true): Promise<void> {
    const db = `w${++n}`;
    await s.query(`CREATE DATABASE ${db}`);
    if (ddl) await s.query(ddl, [], db);
    const w = await writerTarget.openWriter(s.config(db), { taskId: `task${n}`, originName: `dts_origin_${n}`, replicaRole });
    try {
      await fn(w, db);
    } finally {
      await w.close();
    }
  }

  /** rows as canonical text, read the way the engine reads them (connect()) */
  async function readAll(db: string, table: string): Promise<Row[]> {
    return withConnection(s.config(db), async (c) => rows<Row>(c, `SELECT * FROM \`${db}\`.\`${table}\` ORDER BY 1`));
  }

  it('writes every type exactly (load and apply), read back equal', async () => {
    await withWriter(`CREATE TABLE t ${ALL_TYPES}; CREATE TABLE l ${ALL_TYPES}; CREATE TABLE a ${ALL_TYPES}; CREATE TABLE i ${ALL_TYPES}; ${ALL_INSERT}`, async (w, db) => {
      const src = await readAll(db, 't');
      assert.equal(src.length, 3);
      assert.equal(src[0].bu, '18446744073709551615');
      const ml = mapping(db, 't', ALL_COLS, ['id'], 'l');
      const ma = mapping(db, 't', ALL_COLS, ['id'], 'a');
      await w.prepareTable(ml, null);
      const r = await w.load(ml, { format: 'rows', batches: batchesOf(src) }, 'empty');
      assert.equal(r.rows, 3);
      // the other bulk method too (load() uses LOAD DATA LOCAL INFILE where the server allows it)
      const mi = mapping(db, 't', ALL_COLS, ['id'], 'i');
      await withConnection(s.config(db), async (c) => insertRows(c, mi, await describeTable(c, mi), batchesOf(src), 'empty', 1 << 20));
      await w.apply([txn(src.map((after) => ({ op: 'insert' as const, table: ma.source, after })))], { mappings: new Map([[tableKey(ma.source), ma]]), conflicts: null });
      const want = await myChecksum(s, db, 't', ALL_COLS, ['id']);
      assert.deepEqual(await myChecksum(s, db, 'l', ALL_COLS, ['id']), want);
      assert.deepEqual(await myChecksum(s, db, 'a', ALL_COLS, ['id']), want);
      assert.deepEqual(await myChecksum(s, db, 'i', ALL_COLS, ['id']), want);
      assert.deepEqual(await readAll(db, 'l'), src);
      assert.deepEqual(await readAll(db, 'i'), src);
      assert.deepEqual(await readAll(db, 'a'), src);
    });
  });

  it('loads in empty and merge modes; an interrupted load of an empty table starts over', async () => {
    await withWriter(
      `CREATE TABLE src (id INT PRIMARY KEY, v VARCHAR(20), u INT UNIQUE); CREATE TABLE dst LIKE src;
       INSERT INTO src SELECT seq, CONCAT('v', seq), seq FROM seq_1_to_20000;
       INSERT INTO dst VALUES (5, 'mine', -5), (20001, 'extra', -1)`,
      async (w, db) => {
        const src = await readAll(db, 'src');
        const m = mapping(db, 'src', ['id', 'v', 'u'], ['id'], 'dst');
        assert.equal(await w.prepareTable(m, null), 'merge');
        const r = await w.load(m, { format: 'rows', batches: batchesOf(src) }, 'merge');
        assert.equal(r.rows, 19999, 'existing key 5 kept');
        const rows = await s.query<{ id: string; v: string }>('SELECT id, v FROM dst WHERE id IN (5, 6, 20001) ORDER BY id', [], db);
        assert.deepEqual(rows.map((x) => x.v), ['mine', 'v6', 'extra']);
        // our own interrupted load: truncated and loaded again
        assert.equal(await w.prepareTable(m, 'empty'), 'empty');
        assert.equal((await w.load(m, { format: 'rows', batches: batchesOf(src) }, 'empty')).rows, 20000);
        assert.deepEqual(await myChecksum(s, db, 'dst', ['id', 'v', 'u'], ['id']), await myChecksum(s, db, 'src', ['id', 'v', 'u'], ['id']));
      },
    );
  });

  it('applies inserts, updates, deletes and key changes with the checkpoint; marker first in the binlog', async () => {
    await withWriter('CREATE TABLE k (id INT PRIMARY KEY, a INT NOT NULL, u VARCHAR(10) UNIQUE, b VARCHAR(10))', async (w, db) => {
      const m = mapping(db, 'k', ['id', 'a', 'u', 'b'], ['id']);
      const maps = new Map([[tableKey(m.source), m]]);
      const T = m.source;
      const row = (id: number, a: number, u: string | null, b = 'x'): Row => ({ id: String(id), a: String(a), u, b });
      const t1 = txn([1, 2, 3, 4, 5].map((i) => ({ op: 'insert' as const, table: T, after: row(i, i, `u${i}`) })));
      const t2 = txn([
        { op: 'update', table: T, before: row(1, 1, 'u1'), after: row(1, 10, 'u1', 'y') },
        { op: 'delete', table: T, before: row(2, 2, 'u2') },
        // a unique value moving between rows: u3 leaves row 3, row 4 takes it (needs source order)
        { op: 'update', table: T, before: row(3, 3, 'u3'), after: row(3, 3, 'tmp') },
        { op: 'update', table: T, before: row(4, 4, 'u4'), after: row(4, 4, 'u3') },
        { op: 'update', table: T, before: row(3, 3, 'tmp'), after: row(3, 3, 'u4') },
        // key change
        { op: 'update', table: T, before: row(5, 5, 'u5'), after: row(50, 5, 'u5') },
        { op: 'insert', table: T, after: row(2, 22, 'u2') },
      ]);
      const r = await w.apply([t1, t2, txn([])], { mappings: maps, conflicts: null });
      assert.equal(r.rows, 12);
      assert.equal(await w.checkpoint(), r.position);
      const got = await s.query('SELECT id, a, u, b FROM k ORDER BY id', [], db);
      assert.deepEqual(got, [
        { id: 1, a: 10, u: 'u1', b: 'y' },
        { id: 2, a: 22, u: 'u2', b: 'x' },
        { id: 3, a: 3, u: 'u4', b: 'x' },
        { id: 4, a: 4, u: 'u3', b: 'x' },
        { id: 50, a: 5, u: 'u5', b: 'x' },
      ]);
      const cp = await s.query<{ changes: string }>(`SELECT changes FROM dts.dts_checkpoint WHERE task_id = 'task${n}'`);
      assert.equal(Number(cp[0].changes), 12);
      // the binlog: the marker row event is the first row event of the applied transaction
      const logs = await s.query<{ Log_name: string }>('SHOW BINARY LOGS');
      const events = await s.query<{ Event_type: string; Info: string }>(`SHOW BINLOG EVENTS IN '${logs[logs.length - 1].Log_name}'`);
      const maps2 = events.filter((e) => e.Event_type === 'Table_map' || e.Event_type === 'Xid' || e.Event_type === 'Gtid');
      const lastGtid = maps2.map((e) => e.Event_type).lastIndexOf('Gtid');
      const group = maps2.slice(lastGtid);
      assert.match(group[1].Info, /\(dts\.dts_marker\)/, 'marker first');
      assert.ok(group.some((e) => e.Info.includes(`(${db}.k)`)), 'data in the same transaction');
      assert.ok(group.some((e) => /dts_checkpoint/.test(e.Info)), 'checkpoint in the same transaction');
    });
  });

  it('commits neither data nor checkpoint when the connection dies mid-transaction (partial parts)', async () => {
    await withWriter('CREATE TABLE p (id INT PRIMARY KEY, v INT)', async (w, db) => {
      const m = mapping(db, 'p', ['id', 'v'], ['id']);
      const maps = new Map([[tableKey(m.source), m]]);
      const first = await w.apply([txn([{ op: 'insert', table: m.source, after: { id: '1', v: '1' } }])], { mappings: maps, conflicts: null });
      const part = txn(
        Array.from({ length: 5000 }, (_, i) => ({ op: 'insert' as const, table: m.source, after: { id: String(i + 10), v: '0' } })),
        { partial: true },
      );
      const r = await w.apply([part], { mappings: maps, conflicts: null });
      assert.equal(r.position, null, 'a partial transaction does not commit');
      const ids = await s.query<{ ID: number }>("SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND USER = 'root' AND COMMAND <> 'Binlog Dump'");
      assert.equal(ids.length, 1, 'only the writer is connected');
      for (const x of ids) await s.query(`KILL ${x.ID}`);
      await assert.rejects(w.apply([{ ...txn([{ op: 'insert', table: m.source, after: { id: '2', v: '2' } }]) }], { mappings: maps, conflicts: null }));
      const w2 = await writerTarget.openWriter(s.config(db), { taskId: `task${n}`, originName: `dts_origin_${n}`, replicaRole: true });
      try {
        assert.equal(await w2.checkpoint(), first.position);
        assert.deepEqual(await s.query('SELECT id, v FROM p', [], db), [{ id: 1, v: 1 }]);
      } finally {
        await w2.close();
      }
    });
  });

  it('conflicts: TaskFailed, Ignore and Overwrite with records; replayUntil applies without detection', async () => {
    for (const policy of ['TaskFailed', 'Ignore', 'Overwrite'] as const) {
      await withWriter(
        `CREATE TABLE c (id INT PRIMARY KEY, v VARCHAR(10), f FLOAT, u INT UNIQUE);
         INSERT INTO c VALUES (1, 'target', 1.1, 100), (2, 'same', 2.5, 200), (3, 'x', 0, 300)`,
        async (w, db) => {
          const m = mapping(db, 'c', ['id', 'v', 'f', 'u'], ['id']);
          const maps = new Map([[tableKey(m.source), m]]);
          const T = m.source;
          const records: ConflictRecord[] = [];
          const conflicts = { policy, replayUntil: null, record: async (r: ConflictRecord[]) => void records.push(...r) };
          const changes: Transaction['changes'] = [
            { op: 'update', table: T, before: { id: '2', v: 'same', f: '2.5', u: '200' }, after: { id: '2', v: 'new2', f: '2.5', u: '200' } }, // clean
            { op: 'delete', table: T, before: { id: '9', v: 'gone', f: null, u: null } }, // delete_missing
            { op: 'update', table: T, before: { id: '8', v: 'a', f: null, u: null }, after: { id: '8', v: 'b', f: null, u: null } }, // update_missing -> inserted
            { op: 'update', table: T, before: { id: '1', v: 'source', f: '1.1', u: '100' }, after: { id: '1', v: 'src1', f: '1.1', u: '100' } }, // update_differs
            { op: 'insert', table: T, after: { id: '4', v: 'dup-u', f: null, u: '300' } }, // unique_conflict with row 3
          ];
          const t = txn(changes);
          if (policy === 'TaskFailed') {
            await assert.rejects(w.apply([t], { mappings: maps, conflicts }), (e) => e instanceof ConflictFailure && /c \(id\)=\(1\)/.test(e.message));
            assert.deepEqual(records.map((r) => [r.kind, r.action]), [['delete_missing', 'ignored'], ['update_missing', 'inserted'], ['update_differs', 'failed']]);
            assert.equal((await s.query('SELECT v FROM c WHERE id = 2', [], db))[0].v, 'same', 'rolled back');
            assert.equal(await w.checkpoint(), null);
            return;
          }
          const r = await w.apply([t], { mappings: maps, conflicts });
          assert.equal(await w.checkpoint(), r.position);
          const act = policy === 'Ignore' ? 'ignored' : 'overwritten';
          assert.deepEqual(records.map((x) => [x.kind, x.action]), [['delete_missing', 'ignored'], ['update_missing', 'inserted'], ['update_differs', act], ['unique_conflict', act]]);
          const differs = records[2];
          assert.deepEqual(differs.targetImage, { id: '1', v: 'target', f: '1.1', u: '100' });
          assert.deepEqual(differs.sourceImage, { id: '1', v: 'src1', f: '1.1', u: '100' });
          assert.deepEqual(records[3].targetImage, { id: '3', v: 'x', f: '0', u: '300' });
          const rows = await s.query<{ id: number; v: string }>('SELECT id, v FROM c ORDER BY id', [], db);
          if (policy === 'Ignore') assert.deepEqual(rows.map((x) => [x.id, x.v]), [[1, 'target'], [2, 'new2'], [3, 'x'], [8, 'b']]);
          else assert.deepEqual(rows.map((x) => [x.id, x.v]), [[1, 'src1'], [2, 'new2'], [4, 'dup-u'], [8, 'b']]);
          // replayUntil: the same conflicting change at or before it is applied without detection
          records.length = 0;
          const replay = txn([{ op: 'insert', table: T, after: { id: '2', v: 'replayed', f: null, u: '200' } }]);
          await w.apply([replay], { mappings: maps, conflicts: { ...conflicts, replayUntil: replay.position } });
          assert.equal(records.length, 0);
          assert.equal((await s.query('SELECT v FROM c WHERE id = 2', [], db))[0].v, 'replayed');
        },
      );
    }
  });

  it('cleanup drops the checkpoint and marker rows, then the tables and the dts database', async () => {
    await withWriter('CREATE TABLE z (id INT PRIMARY KEY)', async (w, db) => {
      const m = mapping(db, 'z', ['id'], ['id']);
      await w.apply([txn([{ op: 'insert', table: m.source, after: { id: '1' } }])], { mappings: new Map([[tableKey(m.source), m]]), conflicts: null });
    });
    // rows of earlier tests' tasks remain: only this task's rows go, the tables stay
    assert.deepEqual(await writerTarget.cleanup(s.config(''), { taskId: `task${n}`, originName: `dts_origin_${n}` }), []);
    assert.equal((await s.query(`SELECT 1 FROM dts.dts_checkpoint WHERE task_id = 'task${n}'`)).length, 0);
    await s.query('DELETE FROM dts.dts_checkpoint WHERE task_id <> ?; DELETE FROM dts.dts_marker WHERE origin <> ?', ['task1', 'dts_origin_1']);
    const dropped = await writerTarget.cleanup(s.config(''), { taskId: 'task1', originName: 'dts_origin_1' });
    assert.deepEqual(dropped, ['table dts.dts_checkpoint', 'table dts.dts_marker', 'database dts']);
    assert.equal((await s.query("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'dts'")).length, 0);
  });

  it('reads and moves AUTO_INCREMENT', async () => {
    const db = `w${++n}`;
    await s.query(`CREATE DATABASE ${db}; CREATE TABLE ${db}.a (id BIGINT AUTO_INCREMENT PRIMARY KEY, v INT, n INT); INSERT INTO ${db}.a (v) VALUES (1), (2), (3)`);
    const cols = [{ table: { schema: db, name: 'a' }, column: 'id' }, { table: { schema: db, name: 'a' }, column: 'v' }];
    const r = await sequenceSync.read(s.config(''), cols);
    assert.deepEqual(r.map((x) => [x.sequence, x.lastValue, x.maxValue]), [[`${db}.a`, '3', '3'], [null, null, '3']]);
    await sequenceSync.setNext(s.config(''), [{ ...cols[0], next: '1000' }]);
    await s.query(`INSERT INTO ${db}.a (v) VALUES (4)`);
    assert.deepEqual(await s.query(`SELECT CAST(MAX(id) AS CHAR) AS m FROM ${db}.a`), [{ m: '1000' }]);
    assert.equal((await sequenceSync.read(s.config(''), [cols[0]]))[0].lastValue, '1000');
  });

  it('bulk load: multi-row INSERT and LOAD DATA LOCAL INFILE give the same rows (200k rows, speed printed; npm run bench measures 2M)', async () => {
    const db = `w${++n}`;
    const ddl = '(id INT PRIMARY KEY, name VARCHAR(40), amount DECIMAL(12,2), created DATETIME(6), flag TINYINT, data VARBINARY(16))';
    await s.query(`CREATE DATABASE ${db}; CREATE TABLE ${db}.ins ${ddl}; CREATE TABLE ${db}.inf ${ddl}`);
    const N = Number(process.env.DTS_BENCH_ROWS ?? 200_000);
    async function* gen(): AsyncGenerator<Row[]> {
      for (let i = 0; i < N; i += 5000) {
        const b: Row[] = [];
        for (let j = i; j < Math.min(N, i + 5000); j++) {
          b.push({ id: String(j), name: `name\t${j} 'q' é`, amount: `${j % 100000}.${String(j % 100).padStart(2, '0')}`, created: '2024-05-06 07:08:09.123456', flag: j % 3 ? '1' : null, data: (j * 2654435761 >>> 0).toString(16).padStart(8, '0') });
        }
        yield b;
      }
    }
    const cols = ['id', 'name', 'amount', 'created', 'flag', 'data'];
    await withConnection(s.config(db), async (c) => {
      const results: string[] = [];
      for (const [table, method] of [['ins', 'insert'], ['inf', 'infile']] as const) {
        const m = mapping(db, table, cols, ['id']);
        const t = await describeTable(c, m);
        const start = Date.now();
        const r = method === 'insert' ? await insertRows(c, m, t, gen(), 'empty', 4 << 20) : await infileRows(c, m, t, gen(), 'empty');
        const secs = (Date.now() - start) / 1000;
        assert.equal(r.rows, N);
        results.push(`${method}: ${N} rows in ${secs.toFixed(1)} s = ${Math.round(N / secs)} rows/s`);
      }
      console.log(`bulk load: ${results.join('; ')}`);
    });
    assert.deepEqual(await myChecksum(s, db, 'ins', cols, ['id']), await myChecksum(s, db, 'inf', cols, ['id']));
  });
});
