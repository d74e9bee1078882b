// Fault suite: the databases misbehave. A writer runs on the source throughout; each scenario
// ends with ordered checksums equal and the exact count of source changes applied.
//  2. the source restarted, fast and immediate, during incremental: Retrying, then Running;
//  3. the target restarted during full load and during incremental;
//  4. the network cut for 20 s to the source, then to the destination (a TCP proxy on loopback);
//  5. a retry window shorter than the outage: Failed with the cause; started again, no loss;
//  7. the metadata database restarted while the task runs;
//  8. the slot dropped behind the task's back: Failed with a clear error, never a silent gap.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { testVersions, waitFor, type PgServer } from '../helpers/pg';
import { createTask, killHard, setDesired, spawnReplicator, startMeta, startPair, stopMeta, taskRow, waitStatus, type Pair } from '../helpers/harness';
import { baseline, freshDatabases, seed, sleep, verify } from '../helpers/faults';
import { startTcpProxy } from '../helpers/tcp-proxy';
import { SourceWriter } from '../helpers/workload';

const CUT_MS = 20_000;

for (const version of testVersions()) {
  describe(`PostgreSQL ${version} faults: the databases (seed ${seed})`, () => {
    let pair: Pair;
    let meta: PgServer;
    const children: ChildProcess[] = [];
    let writer: SourceWriter | null = null;

    before(async () => {
      meta = await startMeta();
      pair = await startPair(version);
    });
    after(async () => {
      await writer?.stop();
      for (const c of children) await killHard(c);
      await pair?.stop();
    });

    /** a task started over fresh databases (through proxies when `ports` are given) */
    async function running(rows: number, settings: Record<string, unknown> = {}, ports?: { source: number; target: number }) {
      await writer?.stop();
      await freshDatabases(pair, children, rows);
      const id = await createTask(pair, 'src', 'dst', { objects: { schemas: [{ name: 'app' }] }, settings, ports });
      children.push(spawnReplicator());
      await setDesired(id, 'Running');
      return id;
    }

    async function restart(server: PgServer, mode: 'fast' | 'immediate', taskId: string): Promise<void> {
      await server.local.stop(mode);
      await waitStatus(taskId, 'Retrying', 60_000);
      const t = await taskRow(taskId);
      assert.match(t?.statusReason ?? '', /Cannot connect/, `the cause is shown (${t?.statusReason})`);
      await sleep(1_000);
      await server.local.start();
      await waitStatus(taskId, 'Running', 120_000);
    }

    it('2. the source restarted, fast and immediate, during incremental', async () => {
      const id = await running(20_000);
      await waitStatus(id, 'Running', 120_000);
      writer = new SourceWriter(pair.source, 'src', 10_000_000, 20_000);
      const base = await baseline(pair, id, writer);
      await sleep(2_000);
      await restart(pair.source, 'fast', id);
      await sleep(2_000);
      await restart(pair.source, 'immediate', id);
      await sleep(2_000);
      await writer.stop();
      assert.ok(writer.failures > 0, 'the writer saw the source go away too');
      await verify(pair, id, base);
    });

    it('3. the target restarted during full load and during incremental', async () => {
      const id = await running(300_000, { fullBps: 30_000_000 });
      writer = new SourceWriter(pair.source, 'src', 10_000_000, 300_000);
      await waitFor('the full load', async () => (await taskRow(id))?.stage === 'full', 60_000, 50);
      await sleep(800);
      assert.equal((await taskRow(id))?.stage, 'full', 'the restart comes during the full load');
      await restart(pair.target, 'immediate', id);
      const base = await baseline(pair, id, writer);
      await sleep(2_000);
      await restart(pair.target, 'fast', id);
      await sleep(2_000);
      await writer.stop();
      await verify(pair, id, base);
    });

    it('4. the network cut for 20 s to the source, then for 20 s to the destination', async () => {
      const proxies = { source: await startTcpProxy(pair.source.port), target: await startTcpProxy(pair.target.port) };
      try {
        const id = await running(20_000, {}, { source: proxies.source.port, target: proxies.target.port });
        await waitStatus(id, 'Running', 120_000);
        writer = new SourceWriter(pair.source, 'src', 10_000_000, 20_000);
        const base = await baseline(pair, id, writer);
        for (const side of ['source', 'target'] as const) {
          await sleep(2_000);
          const cutAt = Date.now();
          proxies[side].cut();
          await waitStatus(id, 'Retrying', 60_000);
          const t = await taskRow(id);
          assert.match(t?.statusReason ?? '', /Cannot connect/, `the cause is shown (${t?.statusReason})`);
          await sleep(Math.max(0, CUT_MS - (Date.now() - cutAt)));
          proxies[side].restore();
          await waitStatus(id, 'Running', 120_000);
        }
        await sleep(2_000);
        await writer.stop();
        await verify(pair, id, base);
      } finally {
        await proxies.source.close();
        await proxies.target.close();
      }
    });

    it('5. a retry window shorter than the outage: Failed with the cause, then resumed with no loss', async () => {
      const id = await running(20_000, { retryConnectionMinutes: 10, retryOtherMinutes: 5 });
      await waitStatus(id, 'Running', 120_000);
      writer = new SourceWriter(pair.source, 'src', 10_000_000, 20_000);
      const base = await baseline(pair, id, writer);
      await pair.target.local.stop('fast');
      await waitStatus(id, 'Retrying', 60_000);
      // the outage has lasted 11 minutes: the window of 10 is over
      const { db } = await import('../../server/db');
      await db().task.update({ where: { id }, data: { retryingSince: new Date(Date.now() - 11 * 60_000) } });
      await waitStatus(id, 'Failed', 60_000);
      const failed = await taskRow(id);
      assert.match(failed?.statusReason ?? '', /Retried for 11 min: Retry Time for Failed Connections is 10 min/, failed?.statusReason ?? '');
      await pair.target.local.start();
      const { startTask } = await import('../../server/services/start-task');
      await startTask(id);
      await waitStatus(id, 'Running', 120_000);
      await sleep(2_000);
      await writer.stop();
      await verify(pair, id, base);
    });

    it('7. the metadata database restarted while the task runs', async () => {
      const id = await running(20_000);
      await waitStatus(id, 'Running', 120_000);
      writer = new SourceWriter(pair.source, 'src', 10_000_000, 20_000);
      const base = await baseline(pair, id, writer);
      await sleep(2_000);
      await meta.local.stop('fast');
      await sleep(3_000);
      await meta.local.start();
      await sleep(3_000);
      await writer.stop();
      await waitStatus(id, 'Running', 120_000);
      await verify(pair, id, base);
    });

    it('8. the slot dropped behind the task: Failed with a clear error, never a silent gap', async () => {
      const id = await running(20_000);
      await waitStatus(id, 'Running', 120_000);
      writer = new SourceWriter(pair.source, 'src', 10_000_000, 20_000);
      await sleep(1_000);
      const slot = `dts_sync_${id}`;
      await waitFor('the slot to be dropped', async () => {
        await pair.source.query('postgres', 'SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NOT NULL', [slot]);
        const r = await pair.source.query('postgres', 'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active', [slot]);
        return r.length === 1;
      }, 30_000, 50);
      await waitStatus(id, 'Failed', 60_000);
      const t = await taskRow(id);
      assert.match(t?.statusReason ?? '', /replication slot dts_sync_\w+ no longer exists .* changes made since it was dropped are lost/, t?.statusReason ?? '');
      // started again, it fails again: it never resumes over the gap
      const { startTask } = await import('../../server/services/start-task');
      await startTask(id);
      await waitFor('the task to fail again', async () => (await taskRow(id))?.desiredState === 'Stopped' && (await taskRow(id))?.status === 'Failed', 60_000);
      const slots = await pair.source.query('postgres', 'SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot]);
      assert.equal(slots.length, 0, 'no slot was created again behind the operator');
      await writer.stop();
    });
  });
}

after(async () => stopMeta());
