// Our product as a user runs it: the replicator as its own process (`npm run replicator`),
// tasks created through the create-task service, started and paused by desired state + NOTIFY.
import type { ChildProcess } from 'node:child_process';
import { killHard, setDesired, spawnReplicator, stopMeta, taskRow } from '../../test/helpers/harness';
import { SUPER_PASSWORD, type PgServer } from '../../test/helpers/pg';
import { createTask } from '../../server/services/create-task';
import { originFor } from '../../server/pipeline/task-runner';
import { lastLines } from './exec';
import { peakRssMb, resetPeakRss, rssMb, treeCpuSeconds } from './proc';
import { pollUntil, sleep, withTimeout } from './timeout';
import type { TableSpec } from './workloads';

/** the replicator child process, with the CPU and memory figures /proc has for it */
export class ReplicatorProcess {
  private output = '';
  private constructor(private child: ChildProcess) {
    const keep = (b: Buffer) => {
      this.output = (this.output + b.toString('utf8')).slice(-16_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start(timeoutMs = 120_000): Promise<ReplicatorProcess> {
    const rep = new ReplicatorProcess(spawnReplicator());
    try {
      await withTimeout('replicator start', timeoutMs, (signal) =>
        pollUntil(async () => {
          if (!rep.alive) throw new Error(`the replicator exited: ${lastLines(rep.output, 8)}`);
          return /replicator started/.test(rep.output);
        }, signal, 100),
      );
    } catch (e) {
      await rep.stop();
      throw e;
    }
    return rep;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** CPU seconds of the process and its children so far */
  cpuSeconds(): number | null {
    return treeCpuSeconds(this.pid);
  }

  /** starts a new peak-memory window (false when /proc refuses, so the peak covers the whole life) */
  resetPeak(): boolean {
    return resetPeakRss(this.pid);
  }

  peakRssMb(): number | null {
    return peakRssMb(this.pid);
  }

  rssMb(): number | null {
    return rssMb(this.pid);
  }

  recentOutput(lines = 8): string {
    return lastLines(this.output, lines);
  }

  /** SIGTERM (the replicator stops its tasks), SIGKILL after 30 s */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
    if (!done) await killHard(this.child);
  }
}

export function endpoint(s: PgServer, database: string) {
  return { engine: 'postgres' as const, host: '127.0.0.1', port: s.port, database, user: 'postgres', password: SUPER_PASSWORD };
}

/** a task over the given tables of schema public: schema + full + incremental, 2 copy workers */
export async function createBenchTask(name: string, source: PgServer, srcDb: string, target: PgServer, dstDb: string, tables: TableSpec[]): Promise<string> {
  const t = await createTask({
    name,
    source: endpoint(source, srcDb),
    destination: endpoint(target, dstDb),
    syncTypes: { schema: true, full: true, incremental: true },
    objects: { schemas: [{ name: 'public', tables: tables.map((x) => ({ name: x.name })) }] },
    // a failure shows as Retrying at once; the benchmark takes that as failed rather than wait
    settings: { fullParallelism: 2, retryConnectionMinutes: 10, retryOtherMinutes: 1 },
  });
  return t.id;
}

export interface TaskState {
  stage: string;
  status: string;
}

/** the task's stage and status; throws when it failed or retries */
export async function taskState(id: string): Promise<TaskState> {
  const t = await taskRow(id);
  if (!t) throw new Error(`task ${id} is gone`);
  if (t.status === 'Failed' || t.status === 'Retrying') throw new Error(`task ${t.status}: ${t.statusReason ?? 'no reason given'}`);
  return { stage: t.stage, status: t.status };
}

/**
 * The replicator processes of a benchmark: one at a time, started on first use and again if it
 * dies. Each suite gets a fresh one, so that its memory figures do not carry what earlier suites
 * left in the heap; a suite that fails is recorded in `errors` and the next one still runs.
 */
export class SuiteReplicators {
  private current: ReplicatorProcess | null = null;
  readonly errors: Record<string, string> = {};

  constructor(private log: (m: string) => void) {}

  /** the running replicator (for suites and the full load) */
  readonly get = async (): Promise<ReplicatorProcess> => {
    if (this.current?.alive) return this.current;
    if (this.current) this.log(`  the replicator exited (${this.current.recentOutput(4)}); starting another`);
    this.current = await ReplicatorProcess.start();
    return this.current;
  };

  async suite<T>(name: string, fn: () => Promise<T>): Promise<T | null> {
    const previous = this.current;
    this.current = null;
    await previous?.stop();
    try {
      return await fn();
    } catch (e) {
      this.errors[name] = (e as Error).message;
      this.log(`${name}: FAILED: ${(e as Error).message}`);
      return null;
    }
  }

  async stop(): Promise<void> {
    await this.current?.stop().catch(() => undefined);
  }
}

/**
 * Stops what a benchmark started, once: the replicator, the servers (when started) and the
 * metadata database; also on Ctrl-C (then the process exits with 130).
 */
export function teardown(replicators: SuiteReplicators, servers: () => { stop(): Promise<void> } | null, log: (m: string) => void): () => Promise<void> {
  let done: Promise<void> | null = null;
  const stop = () =>
    (done ??= (async () => {
      await replicators.stop();
      await servers()?.stop();
      await stopMeta().catch(() => undefined);
    })());
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping the servers`);
      void stop().finally(() => process.exit(130));
    });
  }
  return stop;
}

/** waits until the task is Running; a Failed or Retrying task fails the wait (taskState) */
export async function waitTaskRunning(id: string, signal: AbortSignal, everyMs = 200): Promise<void> {
  await pollUntil(async () => (await taskState(id)).status === 'Running', signal, everyMs);
}

export async function startTask(id: string): Promise<void> {
  await setDesired(id, 'Running');
}

export async function pauseTask(id: string, signal: AbortSignal): Promise<void> {
  await setDesired(id, 'Paused');
  await pollUntil(async () => (await taskState(id)).status === 'Paused', signal, 100);
}

/** Release: the replicator drops the slot, publication and origin, then deletes the task */
export async function releaseTask(id: string, timeoutMs = 120_000): Promise<void> {
  await setDesired(id, 'Released');
  await withTimeout(`release of task ${id}`, timeoutMs, (signal) => pollUntil(async () => (await taskRow(id)) === null, signal, 200));
}

/** what the task has applied on the target, from its replication origin */
export async function appliedLsnReached(target: PgServer, id: string, lsn: string): Promise<boolean> {
  const r = await target.query<{ ok: boolean | null }>('postgres', 'SELECT pg_replication_origin_progress($1, true) >= $2::pg_lsn AS ok', [originFor(id), lsn]);
  return r[0]?.ok === true;
}
