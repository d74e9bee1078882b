// Conflict detection in the PostgreSQL writer, on real servers, with batches built by hand so
// every kind of conflict meets every policy in one batch: an INSERT on an existing key, an
// INSERT on another row's unique value, an UPDATE of a row changed on the destination, an
// UPDATE of a missing row, and a DELETE of a missing row, next to changes without conflict.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConflictFailure } from '../../server/engines/shared/conflict';
import { writerTarget } from '../../server/engines/postgres/writer';
import type { ConflictPolicy, ConflictRecord, Transaction } from '../../server/engines/types';
import { tableKey } from '../../server/engines/types';
import { mapping, ref, txn } from '../helpers/changes';
import { startPgServer, testVersions, type PgServer } from '../helpers/pg';

const m = mapping('c', ['id', 'v', 'u'], ['id']);
const maps = new Map([[tableKey(m.source), m]]);
const T = ref('c');
const DDL = `CREATE TABLE c (id int PRIMARY KEY, v text, u text UNIQUE);
             INSERT INTO c VALUES (1, 't1', 'u1'), (2, 't2', 'u2'), (3, 't3', 'u3'), (6, 't6', 'u6');`;

/** one batch: five conflicts and four changes without conflict */
function batch(): Transaction[] {
  return [
    txn([
      { op: 'insert', table: T, after: { id: '1', v: 's1', u: 'n1' } }, // key exists
      { op: 'insert', table: T, after: { id: '10', v: 's10', u: 'u6' } }, // unique value of id 6
      { op: 'insert', table: T, after: { id: '20', v: 's20', u: 'n20' } }, // no conflict
    ]),
    txn([
      // the source's old image says v = 's2', the destination has 't2': changed on both sides
      { op: 'update', table: T, before: { id: '2', v: 's2', u: 'u2' }, after: { id: '2', v: 's2b', u: 'u2' } },
      // matches: no conflict
      { op: 'update', table: T, before: { id: '3', v: 't3', u: 'u3' }, after: { id: '3', v: 's3', u: 'u3' } },
      { op: 'update', table: T, before: { id: '4', v: 'x', u: 'u4' }, after: { id: '4', v: 's4', u: 'u4' } }, // no row
      { op: 'delete', table: T, before: { id: '5', v: 'x', u: 'u5' } }, // no row
      // inserted and deleted in the same batch: nothing to do
      { op: 'insert', table: T, after: { id: '30', v: 's30', u: 'n30' } },
      { op: 'delete', table: T, before: { id: '30', v: 's30', u: 'n30' } },
    ]),
  ];
}

for (const version of testVersions()) {
  describe(`PostgreSQL ${version}: conflict detection and the Conflict Resolution Policy`, () => {
    let server: PgServer;
    let n = 0;

    before(async () => {
      server = await startPgServer(version);
    });
    after(async () => server?.stop());

    async function run(policy: ConflictPolicy, txns: Transaction[], replayUntil: string | null = null) {
      const db = `c${++n}`;
      await server.createDatabase(db);
      await server.query(db, DDL);
      const recorded: ConflictRecord[] = [];
      const w = await writerTarget.openWriter(server.config(db), { taskId: `c${n}`, originName: `dts_origin_c${n}`, replicaRole: true });
      let error: unknown = null;
      try {
        await w.apply(txns, { mappings: maps, conflicts: { policy, replayUntil, record: async (l) => void recorded.push(...l) } });
      } catch (e) {
        error = e;
      } finally {
        await w.close();
      }
      const rows = await server.query<{ id: string; v: string; u: string }>(db, 'SELECT id::text, v, u FROM c ORDER BY c.id');
      const summary = recorded.map((r) => `${r.kind}:${String(r.key.id)}:${r.action}`).sort();
      // the exact count of source changes applied commits with them
      const counted = await server.query<{ n: string }>(db, `SELECT coalesce(sum(changes), 0)::text AS n FROM dts.dts_sync_checkpoint`);
      return { rows: rows.map((r) => `${r.id}=${r.v}/${r.u}`), recorded, summary, error, applied: Number(counted[0].n) };
    }

    it('Overwrite replaces the destination rows and records every conflict', async () => {
      const r = await run('Overwrite', batch());
      assert.equal(r.error, null);
      assert.equal(r.applied, 9, 'every source change counted once');
      assert.deepEqual(r.rows, ['1=s1/n1', '2=s2b/u2', '3=s3/u3', '4=s4/u4', '10=s10/u6', '20=s20/n20']);
      assert.deepEqual(r.summary, [
        'delete_missing:5:ignored',
        'unique_conflict:1:overwritten',
        'unique_conflict:10:overwritten',
        'update_differs:2:overwritten',
        'update_missing:4:inserted',
      ].sort());
      const differs = r.recorded.find((c) => c.kind === 'update_differs');
      assert.deepEqual(differs?.targetImage, { id: 2, v: 't2', u: 'u2' }, 'the destination row before the change');
      assert.deepEqual(differs?.sourceImage, { id: '2', v: 's2b', u: 'u2' });
      assert.deepEqual(differs?.beforeImage, { id: '2', v: 's2', u: 'u2' }, "the source's old row image");
      const blocked = r.recorded.find((c) => c.kind === 'unique_conflict' && c.key.id === '10');
      assert.deepEqual(blocked?.targetImage, { id: 6, v: 't6', u: 'u6' }, 'the row holding the unique value');
    });

    it('Ignore keeps the destination rows, applies the rest of the batch and records every conflict', async () => {
      const r = await run('Ignore', batch());
      assert.equal(r.error, null);
      assert.deepEqual(r.rows, ['1=t1/u1', '2=t2/u2', '3=s3/u3', '4=s4/u4', '6=t6/u6', '20=s20/n20']);
      assert.deepEqual(r.summary, [
        'delete_missing:5:ignored',
        'unique_conflict:1:ignored',
        'unique_conflict:10:ignored',
        'update_differs:2:ignored',
        'update_missing:4:inserted',
      ].sort());
    });

    it('TaskFailed fails naming the table and the key, records the conflict and commits nothing', async () => {
      const r = await run('TaskFailed', batch());
      assert.ok(r.error instanceof ConflictFailure, String(r.error));
      assert.match((r.error as Error).message, /INSERT of public\.c \(id\)=\(1\) hits a primary or unique key/);
      assert.deepEqual(r.rows, ['1=t1/u1', '2=t2/u2', '3=t3/u3', '6=t6/u6'], 'nothing of the batch is applied');
      assert.equal(r.applied, 0, 'and nothing counted');
      // the DELETE of a missing row came first in the batch: recorded too (once, whatever the replays)
      assert.deepEqual(r.summary, ['delete_missing:5:ignored', 'unique_conflict:1:failed']);
    });

    it('does not detect conflicts in changes that replay over a newer snapshot', async () => {
      // (a replay never meets another row's unique value: the snapshot is consistent)
      const txns = batch();
      txns[0].changes.splice(1, 1);
      const r = await run('TaskFailed', txns, '7/0');
      assert.equal(r.error, null);
      assert.deepEqual(r.recorded, []);
      assert.ok(r.rows.includes('1=s1/n1') && r.rows.includes('2=s2b/u2'), r.rows.join(' '));
    });

    it('replays a unique value swapped between rows in source order, with no conflict', async () => {
      const swap: Transaction['changes'] = [
        { op: 'update', table: T, before: { id: '1', v: 't1', u: 'u1' }, after: { id: '1', v: 't1', u: 'tmp' } },
        { op: 'update', table: T, before: { id: '2', v: 't2', u: 'u2' }, after: { id: '2', v: 't2', u: 'u1' } },
        { op: 'update', table: T, before: { id: '1', v: 't1', u: 'tmp' }, after: { id: '1', v: 't1', u: 'u2' } },
        // and a key change, checked against the old image as well
        { op: 'update', table: T, before: { id: '3', v: 't3', u: 'u3' }, after: { id: '33', v: 't33', u: 'u3' } },
      ];
      const r = await run('TaskFailed', [txn(swap)]);
      assert.equal(r.error, null, String(r.error));
      assert.deepEqual(r.rows, ['1=t1/u2', '2=t2/u1', '6=t6/u6', '33=t33/u3']);
      assert.deepEqual(r.recorded, []);
    });
  });
}
