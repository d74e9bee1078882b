// The WAL a task's replication slot (dts_sync_<task>) keeps on its source: the server's current
// WAL position minus the slot's restart_lsn, with the slot's wal_status and safe_wal_size
// (PostgreSQL 13+; read through to_jsonb so older servers answer the same query with nulls).
// One connection and one query for every task on the server; the connection is closed by
// withClient. Only pg_replication_slots and the WAL position are read: nothing is written.
import type { ConnectionConfig, RetainedFigure, RetainedProbe, RetainedTask } from '../types';
import { catalogQuery } from './catalog-queries';
import { withClient } from './connect';
import { slotName } from './names';

interface SlotRow {
  slot: string;
  found: boolean;
  /** the slot has no restart_lsn: it was invalidated and keeps no WAL */
  invalidated: boolean | null;
  bytes: string | null;
  wal_status: string | null;
  safe_bytes: string | null;
}

const RETAINED_SQL = `
  WITH cur AS (
    SELECT CASE WHEN pg_is_in_recovery() THEN coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) ELSE pg_current_wal_lsn() END AS lsn
  )
  SELECT want.slot, s.slot_name IS NOT NULL AS found, s.restart_lsn IS NULL AS invalidated,
         pg_wal_lsn_diff(cur.lsn, s.restart_lsn)::text AS bytes,
         to_jsonb(s) ->> 'wal_status' AS wal_status,
         to_jsonb(s) ->> 'safe_wal_size' AS safe_bytes
    FROM unnest($1::text[]) AS want(slot)
   CROSS JOIN cur
    LEFT JOIN pg_replication_slots s ON s.slot_name = want.slot`;

const num = (v: string | null): number | null => (v === null ? null : Number(v));

/** what a slot row says, worded for the operator (pure) */
export function slotFigure(taskId: string, r: SlotRow | undefined): RetainedFigure {
  const slot = slotName(taskId);
  if (!r || !r.found) {
    return { taskId, bytes: 0, walStatus: null, safeBytes: null, note: `No replication slot ${slot} on the source, so no WAL is kept for the task.` };
  }
  const bytes = num(r.bytes);
  const figure: RetainedFigure = { taskId, bytes: bytes === null ? null : Math.max(0, bytes), walStatus: r.wal_status, safeBytes: num(r.safe_bytes), note: null };
  if (r.wal_status === 'lost' || r.invalidated) {
    figure.bytes = r.invalidated ? 0 : figure.bytes;
    figure.note = `The slot ${slot} has lost WAL it needed (wal_status lost): the task cannot resume. Release it, and synchronize again with a new task.`;
  } else if (bytes === null) {
    figure.note = 'The server is a standby that has not received WAL yet, so the WAL the slot keeps cannot be computed.';
  } else if (r.wal_status === 'unreserved') {
    figure.note = `The slot ${slot} holds more WAL than max_slot_wal_keep_size allows: the next checkpoint may remove WAL it needs. Resume the task now, or release it.`;
  }
  return figure;
}

export const retainedProbe: RetainedProbe = {
  async measure(cfg: ConnectionConfig, tasks: RetainedTask[]): Promise<RetainedFigure[]> {
    if (!tasks.length) return [];
    const rows = await withClient(cfg, async (c) => catalogQuery<SlotRow>(c, RETAINED_SQL, [tasks.map((t) => slotName(t.taskId))]), {
      applicationName: 'dts-retained',
      statementTimeoutMs: 10_000,
    });
    const bySlot = new Map(rows.map((r) => [r.slot, r]));
    return tasks.map((t) => slotFigure(t.taskId, bySlot.get(slotName(t.taskId))));
  },
};
