// No echo, the mechanism two-way sync and reverse tasks build on: a stream told to skip a
// replication origin never delivers what a writer applied under that origin (pgoutput
// `origin 'none'` on PostgreSQL 16+, the Origin message on 15), yet still moves past it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { streamSource } from '../../server/engines/postgres/stream';
import { writerTarget } from '../../server/engines/postgres/writer';
import type { ChangeStream, TableMapping, Transaction } from '../../server/engines/types';
import { tableKey } from '../../server/engines/types';
import { startPgServer, testVersions, type PgServer } from '../helpers/pg';

const ref = { schema: 'public', name: 'items' };
const m: TableMapping = { source: ref, target: ref, columns: [{ source: 'id', target: 'id' }, { source: 'v', target: 'v' }], keyColumns: ['id'], where: null, ops: ['insert', 'update', 'delete'] };

/** reads until `want` row changes arrived or the source is quiet for a while */
async function drain(stream: ChangeStream, want: number): Promise<Transaction[]> {
  const got: Transaction[] = [];
  let changes = 0;
  const deadline = Date.now() + 15_000;
  while (changes < want && Date.now() < deadline) {
    const batch = await Promise.race([stream.read(1000), new Promise<Transaction[]>((r) => setTimeout(() => r([]), 1000))]);
    for (const t of batch) {
      got.push(t);
      changes += t.changes.length;
    }
  }
  return got;
}

for (const version of testVersions()) {
  describe(`PostgreSQL ${version}: changes applied under a skipped origin are not streamed`, () => {
    let server: PgServer;
    before(async () => {
      server = await startPgServer(version);
      await server.createDatabase('db');
      await server.query('db', 'CREATE TABLE items (id int PRIMARY KEY, v text)');
    });
    after(async () => server?.stop());

    it('drops the peer writer transactions and keeps local ones, in both stream modes', async () => {
      const cfg = server.config('db');
      const taskId = `echo${version}`;
      await streamSource.prepare(cfg, { taskId, mappings: [m] });
      // the peer direction's writer: it applies under its own replication origin
      const peer = await writerTarget.openWriter(cfg, { taskId: 'peer', originName: 'dts_origin_peer', replicaRole: true });
      try {
        const maps = new Map([[tableKey(ref), m]]);
        await peer.apply([{ position: '0/100', commitTime: new Date(), bytes: 1, changes: [{ op: 'insert', table: ref, after: { id: '1', v: 'from peer' } }] }], { mappings: maps, conflicts: null });
        await server.query('db', `INSERT INTO items VALUES (2, 'local')`);
        await peer.apply([{ position: '0/200', commitTime: new Date(), bytes: 1, changes: [{ op: 'update', table: ref, before: null, after: { id: '2', v: 'peer update' } }] }], { mappings: maps, conflicts: null });
        await server.query('db', `UPDATE items SET v = 'local again' WHERE id = 1`);
      } finally {
        await peer.close();
      }

      const skipping = await streamSource.open(cfg, { taskId, mappings: [m], from: null, skipOrigins: ['dts_origin_peer'], maxBufferedChanges: 1000 });
      let seen: Transaction[];
      try {
        seen = await drain(skipping, 2);
      } finally {
        await skipping.close();
      }
      const values = seen.flatMap((t) => t.changes).map((c) => (c.op === 'insert' || c.op === 'update' ? c.after.v : c.op));
      assert.deepEqual(values, ['local', 'local again'], 'only the local writes are streamed');
      assert.ok(seen.every((t) => !t.origin || t.origin !== 'dts_origin_peer' || t.changes.length === 0), 'peer transactions carry no changes');

      // a stream that skips nothing sees all four (the slot was not advanced: nothing was acknowledged)
      const all = await streamSource.open(cfg, { taskId, mappings: [m], from: null, skipOrigins: [], maxBufferedChanges: 1000 });
      try {
        const everything = (await drain(all, 4)).flatMap((t) => t.changes);
        assert.equal(everything.length, 4);
      } finally {
        await all.close();
      }
      await streamSource.cleanup(cfg, { taskId });
    });
  });
}
