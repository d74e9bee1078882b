// Fault suite: the replicator process dies. A writer runs on the source throughout; every
// scenario ends with ordered checksums equal on both sides and the exact count of source
// changes applied (the source's ledger against the destination's checkpoint counter).
//  1. kill -9 of the replicator at 10 random points across full load and incremental;
//  6. two replicators: the owner of the task is killed, the other takes over within 10 s.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { checksum, testVersions, waitFor } from '../helpers/pg';
import { createTask, killHard, setDesired, spawnReplicator, startMeta, startPair, stopMeta, taskRow, waitCaughtUp, waitStatus, type Pair } from '../helpers/harness';
import { appliedChanges, createItems, ITEM_COLS, ITEMS, sourceChanges, SourceWriter } from '../helpers/workload';

const seed = Number(process.env.DTS_FAULT_SEED ?? Date.now() % 100_000);
let state = seed;
/** a small seeded generator, so a failing run can be repeated with DTS_FAULT_SEED */
function random(lo: number, hi: number): number {
  state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
  return lo + (state / 2 ** 31) * (hi - lo);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** the pid of the replicator that owns the task, from its latest "Replicator host:pid" event */
async function ownerPid(taskId: string): Promise<number | null> {
  const { db } = await import('../../server/db');
  const e = await db().taskEvent.findFirst({ where: { taskId, message: { startsWith: 'Replicator ' } }, orderBy: { id: 'desc' } });
  const m = /:(\d+) /.exec(e?.message ?? '');
  return m ? Number(m[1]) : null;
}

/** ordered checksums equal, and the destination applied exactly what the source wrote since the baseline */
async function verify(pair: Pair, taskId: string, base: { source: number; applied: number }): Promise<void> {
  await waitCaughtUp(pair, 'src', taskId, 120_000);
  assert.deepEqual(await checksum(pair.target, 'dst', ITEMS, ITEM_COLS, ['id']), await checksum(pair.source, 'src', ITEMS, ITEM_COLS, ['id']), 'ordered checksums');
  const wrote = (await sourceChanges(pair.source, 'src')) - base.source;
  const applied = (await appliedChanges(pair.target, 'dst', taskId)) - base.applied;
  assert.ok(wrote > 0, 'the writer wrote during the faults');
  assert.equal(applied, wrote, `applied ${applied} source changes for ${wrote} written: none lost, none twice`);
}

/** pauses the writer, waits until the task caught up, and reads both counters */
async function baseline(pair: Pair, taskId: string, writer: SourceWriter) {
  await writer.pause();
  await waitCaughtUp(pair, 'src', taskId, 120_000);
  const b = { source: await sourceChanges(pair.source, 'src'), applied: await appliedChanges(pair.target, 'dst', taskId) };
  writer.unpause();
  return b;
}

for (const version of testVersions()) {
  describe(`PostgreSQL ${version} faults: the replicator dies (seed ${seed})`, () => {
    let pair: Pair;
    const children: ChildProcess[] = [];
    let n = 0;

    before(async () => {
      await startMeta();
      pair = await startPair(version);
    });
    after(async () => {
      for (const c of children) await killHard(c);
      await pair?.stop();
    });

    /** new src and dst databases; the replicators of the previous scenario are gone */
    async function fresh(rows: number): Promise<void> {
      n++;
      for (const c of children.splice(0)) await killHard(c);
      if (n > 1) {
        await pair.source.query('postgres', `SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE active_pid IS NOT NULL`);
        await waitFor('slots to be idle', async () => (await pair.source.query('postgres', 'SELECT 1 FROM pg_replication_slots WHERE active')).length === 0);
        await pair.source.query('postgres', `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots`);
        await pair.source.query('postgres', 'DROP DATABASE src WITH (FORCE)');
        await pair.target.query('postgres', 'DROP DATABASE dst WITH (FORCE)');
      }
      await pair.source.createDatabase('src');
      await pair.target.createDatabase('dst');
      await createItems(pair.source, 'src', rows);
    }

    it('1. kill -9 at 10 random points across full load and incremental', async () => {
      await fresh(400_000);
      const id = await createTask(pair, 'src', 'dst', { objects: { schemas: [{ name: 'app' }] }, settings: { fullParallelism: 2, fullBps: 40_000_000 } });
      const writer = new SourceWriter(pair.source, 'src', 10_000_000, 400_000);
      try {
        children.push(spawnReplicator());
        await setDesired(id, 'Running');
        const points: string[] = [];
        // up to 4 kills while the full load runs, the rest during incremental
        while (points.length < 4) {
          await sleep(random(700, 2_500));
          const stage = (await taskRow(id))?.stage;
          if (stage !== 'full' && stage !== 'schema') break;
          await killHard(children[children.length - 1]);
          points.push(`${stage} ${(await taskRow(id))?.status}`);
          children.push(spawnReplicator());
        }
        await waitStatus(id, 'Running', 180_000);
        const base = await baseline(pair, id, writer);
        while (points.length < 10) {
          await sleep(random(500, 3_000));
          await killHard(children[children.length - 1]);
          points.push(`${(await taskRow(id))?.stage} ${(await taskRow(id))?.status}`);
          await sleep(random(0, 1_000));
          children.push(spawnReplicator());
        }
        assert.ok(points.filter((p) => p.startsWith('full')).length >= 1, `a kill came during the full load: ${points.join(', ')}`);
        await sleep(2_000);
        await writer.stop();
        await waitStatus(id, 'Running', 120_000);
        await verify(pair, id, base);
      } finally {
        await writer.stop();
      }
    });

    it('6. two replicators: the owner is killed, the other takes over within 10 s, with no duplicate apply', async () => {
      await fresh(20_000);
      const id = await createTask(pair, 'src', 'dst', { objects: { schemas: [{ name: 'app' }] } });
      const a = spawnReplicator();
      const b = spawnReplicator();
      children.push(a, b);
      await setDesired(id, 'Running');
      await waitStatus(id, 'Running', 120_000);
      const writer = new SourceWriter(pair.source, 'src', 10_000_000, 20_000);
      try {
        const base = await baseline(pair, id, writer);
        await sleep(3_000);
        const owner = await ownerPid(id);
        const victim = owner === a.pid ? a : b;
        assert.ok(owner === a.pid || owner === b.pid, `one of the two owns the task (${owner})`);
        const killedAt = Date.now();
        await killHard(victim);
        const survivor = victim === a ? b : a;
        await waitFor('the other replicator to own the task', async () => (await ownerPid(id)) === survivor.pid, 10_000, 100);
        const took = Date.now() - killedAt;
        const before = await appliedChanges(pair.target, 'dst', id);
        await waitFor('it to apply', async () => (await appliedChanges(pair.target, 'dst', id)) > before, 10_000 - took, 100);
        await sleep(2_000);
        await writer.stop();
        await verify(pair, id, base);
      } finally {
        await writer.stop();
      }
    });
  });
}

after(async () => stopMeta());
