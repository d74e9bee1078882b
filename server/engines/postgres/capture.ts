// Change-capture objects on the source: the publication, the replication slot and the
// heartbeat table. Created before the first snapshot; dropped by release.
import type pg from 'pg';
import type { ConnectionConfig, TableMapping } from '../types';
import { connect, lit, q, qualify, withClient } from './connect';
import { HEARTBEAT, publicationName, slotName } from './names';

export async function slotExists(cfg: ConnectionConfig, slot: string): Promise<boolean> {
  return withClient(cfg, async (c) => (await c.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot])).rowCount === 1);
}

async function ensureHeartbeat(c: pg.Client, taskId: string): Promise<void> {
  await c.query(
    `CREATE TABLE IF NOT EXISTS ${qualify(HEARTBEAT)} (task_id text PRIMARY KEY, beat_at timestamptz NOT NULL DEFAULT now(), seq bigint NOT NULL DEFAULT 0)`,
  );
  await c.query(`INSERT INTO ${qualify(HEARTBEAT)} (task_id) VALUES ($1) ON CONFLICT (task_id) DO NOTHING`, [taskId]);
}

/** The publication lists exactly the selected tables plus the heartbeat table. */
export async function ensureCaptureObjects(cfg: ConnectionConfig, taskId: string, mappings: TableMapping[]): Promise<void> {
  await withClient(cfg, async (c) => {
    await ensureHeartbeat(c, taskId);
    const pub = publicationName(taskId);
    const tables = [...new Map(mappings.map((m) => [qualify(m.source), true])).keys(), qualify(HEARTBEAT)].join(', ');
    const exists = (await c.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [pub])).rowCount === 1;
    if (!exists) {
      const version = Number((await c.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0].v);
      const via = version >= 130000 ? ' WITH (publish_via_partition_root = true)' : '';
      await c.query(`CREATE PUBLICATION ${q(pub)} FOR TABLE ${tables}${via}`);
    } else {
      await c.query(`ALTER PUBLICATION ${q(pub)} SET TABLE ${tables}`);
    }
  });
}

/** Creates the slot without a snapshot (incremental-only tasks); returns its consistent point. */
export async function createSlot(cfg: ConnectionConfig, taskId: string): Promise<string> {
  const repl = await connect(cfg, { replication: true, applicationName: 'dts-slot' });
  try {
    const r = await repl.query<{ consistent_point: string }>(`CREATE_REPLICATION_SLOT ${q(slotName(taskId))} LOGICAL pgoutput (SNAPSHOT 'nothing')`);
    return r.rows[0].consistent_point;
  } finally {
    await repl.end().catch(() => undefined);
  }
}

/** Writes the heartbeat row; the stream turns it into the latency figure and slot progress. */
export async function beat(c: pg.Client, taskId: string): Promise<void> {
  await c.query(`UPDATE ${qualify(HEARTBEAT)} SET beat_at = now(), seq = seq + 1 WHERE task_id = $1`, [taskId]);
}

/** Drops slot, publication and the task's heartbeat row (the table too when no task uses it). */
export async function dropCaptureObjects(cfg: ConnectionConfig, taskId: string): Promise<string[]> {
  const dropped: string[] = [];
  await withClient(cfg, async (c) => {
    const slot = slotName(taskId);
    // a walsender may still hold the slot for a moment after the stream closed
    for (let i = 0; i < 50; i++) {
      const r = await c.query<{ active_pid: number | null }>('SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1', [slot]);
      if (r.rowCount === 0) break;
      if (r.rows[0].active_pid) {
        if (i > 20) await c.query('SELECT pg_terminate_backend($1)', [r.rows[0].active_pid]);
        await new Promise((res) => setTimeout(res, 200));
        continue;
      }
      await c.query('SELECT pg_drop_replication_slot($1)', [slot]);
      dropped.push(`replication slot ${slot}`);
      break;
    }
    const pub = publicationName(taskId);
    if ((await c.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [pub])).rowCount === 1) {
      await c.query(`DROP PUBLICATION ${q(pub)}`);
      dropped.push(`publication ${pub}`);
    }
    const hb = await c.query<{ t: string | null }>(`SELECT to_regclass(${lit(qualify(HEARTBEAT))})::text AS t`);
    if (hb.rows[0].t) {
      await c.query(`DELETE FROM ${qualify(HEARTBEAT)} WHERE task_id = $1`, [taskId]);
      const left = await c.query(`SELECT 1 FROM ${qualify(HEARTBEAT)} LIMIT 1`);
      if (left.rowCount === 0) {
        await c.query(`DROP TABLE ${qualify(HEARTBEAT)}`);
        dropped.push(`table ${HEARTBEAT.schema}.${HEARTBEAT.name}`);
      }
    }
  });
  return dropped;
}
