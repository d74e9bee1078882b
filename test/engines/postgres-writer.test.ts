// The PostgreSQL writer and snapshot on real servers, in the corners the end-to-end tests do
// not reach by timing: key changes replayed over newer rows (a restarted full load), tables
// identified by all their columns with duplicate rows, and a destination failing mid-COPY.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { snapshotSource } from '../../server/engines/postgres/snapshot';
import { writerTarget } from '../../server/engines/postgres/writer';
import type { Row, Transaction, Writer } from '../../server/engines/types';
import { tableKey } from '../../server/engines/types';
import { mapping, ref, txn } from '../helpers/changes';
import { startPgServer, testVersions, type PgServer } from '../helpers/pg';

for (const version of testVersions()) {
  describe(`PostgreSQL ${version}: writer and snapshot corner cases`, () => {
    let server: PgServer;
    let n = 0;

    before(async () => {
      server = await startPgServer(version);
    });
    after(async () => server?.stop());

    async function withWriter(ddl: string, fn: (w: Writer, db: string) => Promise<void>): Promise<void> {
      const db = `w${++n}`;
      await server.createDatabase(db);
      await server.query(db, ddl);
      const w = await writerTarget.openWriter(server.config(db), { taskId: `t${n}`, originName: `dts_origin_t${n}`, replicaRole: true });
      try {
        await fn(w, db);
      } finally {
        await w.close();
      }
    }

    it('replays a key change over newer rows at both keys (complete and TOASTed images)', async () => {
      await withWriter(`CREATE TABLE k (id int PRIMARY KEY, v text, big text)`, async (w, db) => {
        const m = mapping('k', ['id', 'v', 'big'], ['id']);
        const maps = new Map([[tableKey(m.source), m]]);
        // the destination already holds the outcome of: UPDATE id 1 -> 2, INSERT id 1 (a newer snapshot)
        await server.query(db, `INSERT INTO k VALUES (1, 'new1', 'b1'), (2, 'moved', 'b0'), (3, 'x', 'b3'), (4, 'moved4', 'b4')`);
        const replay: Transaction['changes'] = [
          { op: 'update', table: ref('k'), before: { id: '1' }, after: { id: '2', v: 'moved', big: 'b0' } },
          { op: 'insert', table: ref('k'), after: { id: '1', v: 'new1', big: 'b1' } },
          // the same with an unchanged TOASTed value (undefined): the row at the new key keeps its own
          { op: 'update', table: ref('k'), before: { id: '3' }, after: { id: '4', v: 'moved4', big: undefined } },
          { op: 'insert', table: ref('k'), after: { id: '3', v: 'x', big: 'b3' } },
        ];
        const r = await w.apply([txn(replay)], { mappings: maps, conflicts: null });
        assert.ok(r.position);
        const rows = await server.query<Row>(db, 'SELECT id::text, v, big FROM k ORDER BY id');
        assert.deepEqual(rows, [
          { id: '1', v: 'new1', big: 'b1' },
          { id: '2', v: 'moved', big: 'b0' },
          { id: '3', v: 'x', big: 'b3' },
          { id: '4', v: 'moved4', big: 'b4' },
        ]);
        assert.equal(await w.checkpoint(), r.position, 'the position committed with the data');
      });
    });

    it('keeps duplicate rows of a table without a unique key exactly as many as on the source', async () => {
      await withWriter(`CREATE TABLE d (a int, b text)`, async (w, db) => {
        const m = mapping('d', ['a', 'b'], ['a', 'b']);
        const maps = new Map([[tableKey(m.source), m]]);
        const one = { a: '1', b: 'x' };
        await w.apply(
          [
            txn([
              { op: 'insert', table: ref('d'), after: one },
              { op: 'insert', table: ref('d'), after: one },
              { op: 'insert', table: ref('d'), after: one },
              { op: 'insert', table: ref('d'), after: { a: '2', b: null } },
            ]),
            txn([
              { op: 'delete', table: ref('d'), before: one },
              { op: 'update', table: ref('d'), before: one, after: { a: '1', b: 'y' } },
              { op: 'update', table: ref('d'), before: { a: '2', b: null }, after: { a: '2', b: 'z' } },
            ]),
          ],
          { mappings: maps, conflicts: null },
        );
        const rows = await server.query<Row>(db, 'SELECT a::text, b FROM d ORDER BY a, b');
        assert.deepEqual(rows, [{ a: '1', b: 'x' }, { a: '1', b: 'y' }, { a: '2', b: 'z' }]);
      });
    });

    // The one-way apply sends a run of 5,000 changes and builds the next while the server
    // applies it. A run that hits a unique value moving between rows fails with the runs sent
    // behind it; they are all applied again, the failed one in source order.
    it('recovers runs sent behind a run that hit a unique value moving between rows', async () => {
      await withWriter(`CREATE TABLE u (id int PRIMARY KEY, code int UNIQUE, v text CHECK (v <> 'bad'))`, async (w, db) => {
        const m = mapping('u', ['id', 'code', 'v'], ['id']);
        const maps = new Map([[tableKey(m.source), m]]);
        const ins = (id: number): Transaction['changes'][number] => ({ op: 'insert', table: ref('u'), after: { id: String(id), code: String(id), v: `v${id}` } });
        const upd = (id: number, code: number): Transaction['changes'][number] => ({ op: 'update', table: ref('u'), before: null, after: { id: String(id), code: String(code), v: `v${id}` } });
        const changes: Transaction['changes'] = [];
        for (let id = 1; id <= 6000; id++) changes.push(ins(id));
        // in the second run: codes 10 and 11 swap through a free value, as the source did it
        changes.push(upd(10, -1), upd(11, 10), upd(10, 11));
        for (let id = 6001; id <= 16000; id++) changes.push(ins(id));
        const r = await w.apply([txn(changes.slice(0, 8000)), txn(changes.slice(8000))], { mappings: maps, conflicts: null });
        assert.ok(r.position);
        assert.equal(await w.checkpoint(), r.position);
        const got = await server.query<{ n: string; sum: string; swapped: string }>(
          db,
          `SELECT count(*)::text AS n, sum(code)::text AS sum,
                  string_agg(id || ':' || code, ',' ORDER BY id) FILTER (WHERE id IN (10, 11)) AS swapped FROM u`,
        );
        assert.deepEqual(got[0], { n: '16000', sum: String((16000 * 16001) / 2), swapped: '10:11,11:10' });

        // a batch that ends exactly at a run's end: every run sent has answered before COMMIT
        const exact: Transaction['changes'] = [];
        for (let id = 40001; id <= 51000; id++) exact.push(ins(id));
        const r2 = await w.apply([txn(exact)], { mappings: maps, conflicts: null });
        assert.equal((await server.query<{ n: string }>(db, 'SELECT count(*)::text AS n FROM u WHERE id > 40000'))[0].n, '11000');
        assert.equal(await w.checkpoint(), r2.position);

        // any other error fails the whole apply: nothing of it commits
        const more: Transaction['changes'] = [];
        for (let id = 16001; id <= 23000; id++) more.push(ins(id));
        more.push({ op: 'insert', table: ref('u'), after: { id: '23001', code: '23001', v: 'bad' } });
        for (let id = 23002; id <= 30000; id++) more.push(ins(id));
        await assert.rejects(w.apply([txn(more)], { mappings: maps, conflicts: null }), /violates check constraint/);
        assert.equal((await server.query<{ n: string }>(db, 'SELECT count(*)::text AS n FROM u'))[0].n, '27000');
        assert.equal(await w.checkpoint(), r2.position);
      });
    });

    it('closes the snapshot promptly when the destination fails in the middle of a COPY', async () => {
      const src = `s${++n}`;
      const dst = `d${n}`;
      await server.createDatabase(src);
      await server.createDatabase(dst);
      await server.query(src, `CREATE TABLE big (id int PRIMARY KEY, v text); INSERT INTO big SELECT g, repeat('v', 100) FROM generate_series(1, 200000) g`);
      // the destination table lacks a column: COPY fails there while the source still streams
      await server.query(dst, `CREATE TABLE big (id int PRIMARY KEY)`);
      const m = mapping('big', ['id', 'v'], ['id']);
      const snap = await snapshotSource.openSnapshot(server.config(src), { taskId: `snap${n}`, mappings: [m], workers: 2, withCapture: true });
      const w = await writerTarget.openWriter(server.config(dst), { taskId: `snap${n}`, originName: `dts_origin_snap${n}`, replicaRole: true });
      const t0 = Date.now();
      try {
        const [chunk] = await snap.chunks(m, 200000);
        const { data, release } = await snap.read(m, chunk, 'pg-copy-text');
        await assert.rejects(w.load(m, data, 'empty'), /column "v" of relation "big" does not exist/);
        await release();
        // the other worker still serves, the failed one is gone
        const again = await snap.read(m, { range: 'id <= 10', label: 'few' }, 'pg-copy-text');
        if (again.data.format !== 'rows') again.data.stream.resume();
        await again.done;
        await again.release();
      } finally {
        await snap.close();
        await w.close();
      }
      assert.ok(Date.now() - t0 < 10_000, `closed in ${Date.now() - t0} ms`);
      const left = await server.query<{ n: string }>('postgres', `SELECT count(*)::text AS n FROM pg_stat_activity WHERE application_name = 'dts-snapshot'`);
      assert.equal(left[0].n, '0', 'no snapshot session left open');
      await server.query('postgres', `SELECT pg_drop_replication_slot('dts_sync_snap${n}')`);
    });
  });
}
