// Fault suite: the replicator process dies. A writer runs on the source throughout; every
// scenario ends with ordered checksums equal on both sides and the exact count of source
// changes applied (the source's ledger against the destination's checkpoint counter).
//  1. kill -9 of the replicator at 10 random points across full load and incremental;
//  6. two replicators: the owner of the task is killed, the other takes over within 10 s.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { testVersions, waitFor } from '../helpers/pg';
import { createTask, killHard, pairHooks, setDesired, spawnReplicator, stopMeta, taskRow, waitStatus, type Pair } from '../helpers/harness';
import { baseline, freshDatabases, random, seed, sleep, verify } from '../helpers/faults';
import { appliedChanges, SourceWriter } from '../helpers/workload';

/** the pid of the replicator that owns the task, from its latest "Replicator host:pid" event */
async function ownerPid(taskId: string): Promise<number | null> {
  const { db } = await import('../../server/db');
  const e = await db().taskEvent.findFirst({ where: { taskId, message: { startsWith: 'Replicator ' } }, orderBy: { id: 'desc' } });
  const m = /:(\d+) /.exec(e?.message ?? '');
  return m ? Number(m[1]) : null;
}

for (const version of testVersions()) {
  describe(`PostgreSQL ${version} faults: the replicator dies (seed ${seed})`, () => {
    let pair: Pair;
    const children: ChildProcess[] = [];
    pairHooks(version, children, (p) => (pair = p));

    it('1. kill -9 at 10 random points across full load and incremental', async () => {
      await freshDatabases(pair, children, 400_000);
      const id = await createTask(pair, 'src', 'dst', { objects: { schemas: [{ name: 'app' }] }, settings: { fullParallelism: 2, fullBps: 40_000_000 } });
      const writer = new SourceWriter(pair.source, 'src', 10_000_000, 400_000);
      try {
        children.push(spawnReplicator());
        await setDesired(id, 'Running');
        const points: string[] = [];
        // up to 4 kills while the full load runs, the rest during incremental
        while (points.length < 4) {
          // each (re)started replicator first gets to the full load, then dies somewhere in it
          const reached = await waitFor('the full load', async () => {
            const st = (await taskRow(id))?.stage;
            return st === 'full' || st === 'incremental' ? st : null;
          }, 120_000, 50);
          if (reached !== 'full') break;
          await sleep(random(300, 2_000));
          const stage = (await taskRow(id))?.stage;
          if (stage !== 'full') break;
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
      await freshDatabases(pair, children, 20_000);
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
