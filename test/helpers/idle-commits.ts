// What an idle two-way pair writes on each of its servers (issue 14, item 9): the transactions a
// server commits in a window, told apart into the heartbeat that DTS writes there (the task that
// reads this server as its source) and everything else, which is what the other direction's
// reader then sees. Counted on the servers themselves, never through DTS.
import assert from 'node:assert/strict';
import type { MariaDbServer } from './mysql';
import type { PgServer } from './pg';

/** the idle window of the tests */
export const IDLE_WINDOW_MS = 15_000;
/** what an idle pair may commit on a server beyond the heartbeat (the limit) */
export const IDLE_COMMITS_PER_S = 1;

export interface IdleCount {
  /** write transactions committed on the server in the window */
  transactions: number;
  /** of those, the heartbeat's own */
  heartbeats: number;
  /** WAL or binlog bytes written in the window */
  bytes: number;
  /** COMMITs by any session (MariaDB Com_commit, PostgreSQL xact_commit: read-only ones too), for the report */
  commits: number;
}

/**
 * The most an idle pair may commit on one server in `ms` beyond the heartbeat: the limit
 * (IDLE_COMMITS_PER_S), and within it what the design allows, the other direction's checkpoint
 * once every `idleCheckpointMs` (server/pipeline/incremental.ts), plus one for a window that
 * opens between two.
 */
export function idleLimit(ms: number, idleCheckpointMs: number): number {
  return Math.min(IDLE_COMMITS_PER_S * (ms / 1000), Math.floor(ms / idleCheckpointMs) + 1);
}

/** transactions beyond the heartbeat */
export function beyondHeartbeat(c: IdleCount): number {
  return c.transactions - c.heartbeats;
}

export function describeCount(name: string, c: IdleCount, ms: number): string {
  const s = ms / 1000;
  const rate = (n: number) => (n / s).toFixed(2);
  return `${name}: ${c.transactions} write transactions (${rate(c.transactions)}/s), ${c.heartbeats} of them heartbeats, ${beyondHeartbeat(c)} beyond (${rate(beyondHeartbeat(c))}/s); ${c.commits} commits of any kind (${rate(c.commits)}/s); ${(c.bytes / s / 1024).toFixed(1)} KiB/s of log`;
}

export interface CountedServer<M> {
  name: string;
  mark(): Promise<M>;
  count(from: M, to: M): Promise<IdleCount>;
}

/**
 * Leaves the pair idle for IDLE_WINDOW_MS and counts what each server commits meanwhile; asserts
 * that what goes beyond the heartbeat stays within idleLimit, and that the heartbeat beats (at
 * least one every two seconds: latency is still known). Prints the counts.
 */
export async function assertIdleWindow<M>(servers: CountedServer<M>[]): Promise<void> {
  const { IDLE_CHECKPOINT_MS } = await import('../../server/pipeline/incremental');
  const from = await Promise.all(servers.map((s) => s.mark()));
  const started = Date.now();
  await new Promise((r) => setTimeout(r, IDLE_WINDOW_MS));
  const to = await Promise.all(servers.map((s) => s.mark()));
  const ms = Date.now() - started;
  const counts = await Promise.all(servers.map((s, i) => s.count(from[i], to[i])));
  const report = counts.map((c, i) => describeCount(servers[i].name, c, ms)).join('\n');
  console.log(report);
  const limit = idleLimit(ms, IDLE_CHECKPOINT_MS);
  for (const [i, c] of counts.entries()) {
    assert.ok(beyondHeartbeat(c) <= limit, `${servers[i].name}: at most ${Math.floor(limit)} transactions beyond the heartbeat in ${ms} ms (${IDLE_COMMITS_PER_S}/s, and one checkpoint every ${IDLE_CHECKPOINT_MS} ms):\n${report}`);
    assert.ok(c.heartbeats >= (ms / 1000) * 0.5, `${servers[i].name}: the heartbeat beats:\n${report}`);
  }
}

// ------------------------------------------------------------------ MariaDB

interface MyMark {
  file: string;
  pos: number;
  commits: number;
}

export async function myMark(s: MariaDbServer): Promise<MyMark> {
  const [m] = await s.query<{ File: string; Position: number | string }>('SHOW MASTER STATUS');
  const [c] = await s.query<{ Value: string }>(`SHOW GLOBAL STATUS LIKE 'Com_commit'`);
  return { file: m.File, pos: Number(m.Position), commits: Number(c.Value) };
}

interface BinlogEvent {
  Log_name: string;
  Pos: number | string;
  Event_type: string;
  End_log_pos: number | string;
  Info: string;
}

/**
 * The binlog between two marks, read with SHOW BINLOG EVENTS: a transaction is a GTID event
 * group (what a binlog reader of the other direction receives); a heartbeat is a group whose
 * only table is dts.dts_heartbeat.
 */
export async function myCount(s: MariaDbServer, from: MyMark, to: MyMark): Promise<IdleCount> {
  const files = (await s.query<{ Log_name: string; File_size: number | string }>('SHOW BINARY LOGS')).filter((f) => f.Log_name >= from.file && f.Log_name <= to.file);
  let transactions = 0;
  let heartbeats = 0;
  let bytes = 0;
  let tables: Set<string> | null = null;
  const close = () => {
    if (tables === null) return;
    transactions++;
    if (tables.size === 1 && tables.has('dts.dts_heartbeat')) heartbeats++;
    tables = null;
  };
  for (const f of files) {
    const start = f.Log_name === from.file ? from.pos : 4;
    const end = f.Log_name === to.file ? to.pos : Number(f.File_size);
    bytes += end - start;
    const events = await s.query<BinlogEvent>(`SHOW BINLOG EVENTS IN '${f.Log_name}' FROM ${start}`);
    for (const e of events) {
      if (Number(e.Pos) >= end) break;
      if (e.Event_type === 'Gtid') {
        close();
        tables = new Set();
      } else if (e.Event_type === 'Table_map' && tables) {
        const m = /\(([^)]+)\)\s*$/.exec(e.Info);
        if (m) tables.add(m[1].replace(/`/g, ''));
      }
    }
    close();
  }
  return { transactions, heartbeats, bytes, commits: to.commits - from.commits };
}

// ------------------------------------------------------------------ PostgreSQL

interface PgMark {
  /** the next transaction id: every write transaction on the server takes one */
  xid: bigint;
  lsn: string;
  /** the heartbeat row's counter: one a beat */
  beats: bigint;
  commits: bigint;
}

/** `db` holds the heartbeat of task `taskId` (the server is that task's source) */
export async function pgMark(s: PgServer, db: string, taskId: string): Promise<PgMark> {
  const [r] = await s.query<{ xid: string; lsn: string; commits: string }>(
    'postgres',
    `SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xid, pg_current_wal_lsn()::text AS lsn, (SELECT sum(xact_commit) FROM pg_stat_database)::text AS commits`,
  );
  const [b] = await s.query<{ seq: string }>(db, 'SELECT seq::text AS seq FROM dts.dts_postgres_heartbeat WHERE task_id = $1', [taskId]);
  return { xid: BigInt(r.xid), lsn: r.lsn, beats: BigInt(b?.seq ?? 0), commits: BigInt(r.commits) };
}

export async function pgCount(s: PgServer, from: PgMark, to: PgMark): Promise<IdleCount> {
  const [w] = await s.query<{ bytes: string }>('postgres', 'SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::text AS bytes', [to.lsn, from.lsn]);
  return { transactions: Number(to.xid - from.xid), heartbeats: Number(to.beats - from.beats), bytes: Number(w.bytes), commits: Number(to.commits - from.commits) };
}
