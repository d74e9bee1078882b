// Change-capture objects on the source: the publication, the replication slot and the
// heartbeat table (dts.dts_postgres_heartbeat, checked before every use: helper-objects.ts).
// Created before the first snapshot; dropped by release.
import type pg from 'pg';
import type { ConnectionConfig, TableMapping } from '../types';
import { catalogQuery } from './catalog-queries';
import { connect, lit, q, qualify, withClient } from './connect';
import { describeDatabase, ensureHelpers, guardedWrite, HEARTBEAT_TABLE, HelperObjectError, releaseHelper, retireLegacyHeartbeat, type HelperProblem } from './helper-objects';
import { HEARTBEAT, LEGACY_HEARTBEAT, publicationName, slotName } from './names';

export const sourceWhere = (cfg: ConnectionConfig): string => describeDatabase('source', cfg);

export async function slotExists(cfg: ConnectionConfig, slot: string): Promise<boolean> {
  return withClient(cfg, async (c) => (await c.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot])).rowCount === 1);
}

/** the heartbeat table, checked (and created), with the task's row */
async function ensureHeartbeat(c: pg.Client, where: string, taskId: string): Promise<void> {
  await ensureHelpers(c, where, [HEARTBEAT_TABLE]);
  await guardedWrite(c, where, [HEARTBEAT_TABLE], [`INSERT INTO ${qualify(HEARTBEAT)} (task_id) VALUES (${lit(taskId)}) ON CONFLICT (task_id) DO NOTHING`]);
}

/** the task's publication: null when missing; an error when another role owns it */
async function publication(c: pg.Client, where: string, taskId: string): Promise<{ tables: Set<string> } | null> {
  const pub = publicationName(taskId);
  const [r] = await catalogQuery<{ mine: boolean; owner: string; me: string }>(c,
    `SELECT p.pubowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AS mine, pg_get_userbyid(p.pubowner)::text AS owner, current_user::text AS me
       FROM pg_publication p WHERE p.pubname = $1`,
    [pub],
  );
  if (!r) return null;
  if (!r.mine) {
    const problem: HelperProblem = {
      object: `publication ${q(pub)}`,
      cause: `The publication ${q(pub)} is owned by ${q(r.owner)}, not by the task's account ${q(r.me)}, so DTS did not create it.`,
      fix: `Check it, then drop it as its owner or a superuser (DROP PUBLICATION ${q(pub)};) so DTS creates its own.`,
    };
    throw new HelperObjectError([problem], where);
  }
  const t = await c.query<{ schema: string; name: string }>('SELECT schemaname AS schema, tablename AS name FROM pg_publication_tables WHERE pubname = $1', [pub]);
  return { tables: new Set(t.rows.map((x) => qualify(x))) };
}

/**
 * Upgrade and repair of a task's publication: it lists dts.dts_postgres_heartbeat (created and
 * checked here) and no longer the previous version's public.dts_postgres_heartbeat, whose row
 * of the task goes (and the table, once empty and if it passes the check). Run before the
 * stream starts; a missing publication is left to the stream's own error.
 */
export async function syncHeartbeatCapture(cfg: ConnectionConfig, taskId: string): Promise<void> {
  const where = sourceWhere(cfg);
  await withClient(cfg, async (c) => {
    const pub = await publication(c, where, taskId);
    if (!pub) return;
    await ensureHeartbeat(c, where, taskId);
    const name = q(publicationName(taskId));
    if (!pub.tables.has(qualify(HEARTBEAT))) await c.query(`ALTER PUBLICATION ${name} ADD TABLE ${qualify(HEARTBEAT)}`);
    if (pub.tables.has(qualify(LEGACY_HEARTBEAT))) await c.query(`ALTER PUBLICATION ${name} DROP TABLE ${qualify(LEGACY_HEARTBEAT)}`);
    await retireLegacyHeartbeat(c, where, taskId);
  });
}

/** The publication lists exactly the selected tables plus the heartbeat table. */
export async function ensureCaptureObjects(cfg: ConnectionConfig, taskId: string, mappings: TableMapping[]): Promise<void> {
  const where = sourceWhere(cfg);
  await withClient(cfg, async (c) => {
    const existing = await publication(c, where, taskId);
    await ensureHeartbeat(c, where, taskId);
    const pub = publicationName(taskId);
    const tables = [...new Map(mappings.map((m) => [qualify(m.source), true])).keys(), qualify(HEARTBEAT)].join(', ');
    if (!existing) {
      const version = Number((await c.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0].v);
      const via = version >= 130000 ? ' WITH (publish_via_partition_root = true)' : '';
      await c.query(`CREATE PUBLICATION ${q(pub)} FOR TABLE ${tables}${via}`);
    } else {
      // SET TABLE also leaves out the previous version's heartbeat table
      await c.query(`ALTER PUBLICATION ${q(pub)} SET TABLE ${tables}`);
    }
    await retireLegacyHeartbeat(c, where, taskId);
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

/**
 * Writes the heartbeat row behind the guard of its table (a trigger added meanwhile never
 * fires: HelperObjectError); the stream turns it into the latency figure and slot progress.
 */
export async function beat(c: pg.Client, where: string, taskId: string): Promise<void> {
  await guardedWrite(c, where, [HEARTBEAT_TABLE], [`UPDATE ${qualify(HEARTBEAT)} SET beat_at = now(), seq = seq + 1 WHERE task_id = ${lit(taskId)}`]);
}

/**
 * Drops slot, publication and the task's heartbeat row (the table too when no task uses it, and
 * the schema dts once empty), and the previous version's heartbeat row and table.
 */
export async function dropCaptureObjects(cfg: ConnectionConfig, taskId: string): Promise<string[]> {
  const where = sourceWhere(cfg);
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
    // the heartbeat table (checked first: one that fails is left alone, and release says so)
    const released = await releaseHelper(c, where, HEARTBEAT_TABLE, 'task_id', taskId);
    dropped.push(...released.dropped);
    dropped.push(...(await retireLegacyHeartbeat(c, where, taskId)));
    if (released.problems.length) throw new HelperObjectError(released.problems, where);
  });
  return dropped;
}
