// Shared steps of the fault suite: fresh databases, a seeded random source, the baseline of the
// exact counts, and the final verification (ordered checksums, exact count of changes applied).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { checksum, waitFor } from './pg';
import { killHard, waitCaughtUp, type Pair } from './harness';
import { appliedChanges, createItems, ITEM_COLS, ITEMS, sourceChanges, type SourceWriter } from './workload';

export const seed = Number(process.env.DTS_FAULT_SEED ?? Date.now() % 100_000);
let state = seed;
/** a seeded generator, so a failing run can be repeated with DTS_FAULT_SEED */
export function random(lo: number, hi: number): number {
  state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
  return lo + (state / 2 ** 31) * (hi - lo);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** new src and dst databases with `rows` items; replicators of the previous scenario are killed */
export async function freshDatabases(pair: Pair, children: ChildProcess[], rows: number): Promise<void> {
  for (const c of children.splice(0)) await killHard(c);
  await pair.source.query('postgres', `SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE active_pid IS NOT NULL`);
  await waitFor('slots to be idle', async () => (await pair.source.query('postgres', 'SELECT 1 FROM pg_replication_slots WHERE active')).length === 0);
  await pair.source.query('postgres', `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots`);
  await pair.source.query('postgres', 'DROP DATABASE IF EXISTS src WITH (FORCE)');
  await pair.target.query('postgres', 'DROP DATABASE IF EXISTS dst WITH (FORCE)');
  await pair.source.createDatabase('src');
  await pair.target.createDatabase('dst');
  await createItems(pair.source, 'src', rows);
}

export interface Baseline {
  source: number;
  applied: number;
}

/** pauses the writer, waits until the task caught up, and reads both counters */
export async function baseline(pair: Pair, taskId: string, writer: SourceWriter): Promise<Baseline> {
  await writer.pause();
  await waitCaughtUp(pair, 'src', taskId, 120_000);
  const b = { source: await sourceChanges(pair.source, 'src'), applied: await appliedChanges(pair.target, 'dst', taskId) };
  writer.unpause();
  return b;
}

/** ordered checksums equal, and the destination applied exactly what the source wrote since the baseline */
export async function verify(pair: Pair, taskId: string, base: Baseline): Promise<void> {
  await waitCaughtUp(pair, 'src', taskId, 120_000);
  assert.deepEqual(await checksum(pair.target, 'dst', ITEMS, ITEM_COLS, ['id']), await checksum(pair.source, 'src', ITEMS, ITEM_COLS, ['id']), 'ordered checksums');
  const wrote = (await sourceChanges(pair.source, 'src')) - base.source;
  const applied = (await appliedChanges(pair.target, 'dst', taskId)) - base.applied;
  assert.ok(wrote > 0, 'the writer wrote during the faults');
  assert.equal(applied, wrote, `applied ${applied} source changes for ${wrote} written: none lost, none twice`);
}
