// Change capture on a MySQL source: there is no slot, the binlog itself is the capture. DTS
// only adds the heartbeat table (dts.dts_heartbeat), whose row per task is rewritten every
// second so the binlog position advances and latency is known while the source is idle.
import type { ConnectionConfig, Position } from '../types';
import { connect, q, qualify, rows, withConnection, type MyConnection } from './connect';
import { DTS_DATABASE, HEARTBEAT } from './names';
import { formatPos } from './types';
import { heartbeatLoop } from '../shared/heartbeat';

const HEARTBEAT_DDL = `CREATE TABLE IF NOT EXISTS ${qualify(HEARTBEAT)} (task_id VARCHAR(191) PRIMARY KEY, ts DATETIME(6) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

function errno(e: unknown): number | undefined {
  return (e as { errno?: number } | undefined)?.errno;
}

/** access denied (database, table, command) */
function isDenied(e: unknown): boolean {
  return [1044, 1045, 1142, 1143, 1227, 1370].includes(errno(e) ?? 0);
}

/**
 * Creates dts.dts_heartbeat if missing. Returns false when the account may not create it: the
 * task then runs without heartbeat (latency only from real transactions).
 */
export async function ensureHeartbeat(c: MyConnection): Promise<boolean> {
  try {
    await c.query(`CREATE DATABASE IF NOT EXISTS ${q(DTS_DATABASE)}`);
    await c.query(HEARTBEAT_DDL);
    return true;
  } catch (e) {
    if (isDenied(e)) return false;
    throw e;
  }
}

/** one heartbeat: the task's row gets the current time (UTC, microseconds) */
export async function beat(c: MyConnection, taskId: string): Promise<void> {
  await c.query(`INSERT INTO ${qualify(HEARTBEAT)} (task_id, ts) VALUES (?, NOW(6)) ON DUPLICATE KEY UPDATE ts = NOW(6)`, [taskId]);
}

/** The server's current binlog position (end of the last written event). */
export async function currentPosition(c: MyConnection): Promise<Position> {
  let r: { File?: string; Position?: string | number }[];
  try {
    r = await rows(c, 'SHOW MASTER STATUS');
  } catch (e) {
    if (isDenied(e)) {
      throw new Error(
        `The source account may not read the binlog position (${(e as Error).message}). Grant it the replication privileges: GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO the account (MariaDB 10.5+: BINLOG MONITOR, REPLICATION SLAVE).`,
      );
    }
    throw e;
  }
  const file = r[0]?.File;
  if (!file) {
    throw new Error('The source has no binary log (log_bin is OFF), so incremental synchronization cannot read changes. Start the server with log_bin (e.g. log-bin=mysql-bin), binlog_format=ROW and binlog_row_image=FULL.');
  }
  return formatPos({ file, pos: Number(r[0].Position) });
}

/** The binlog files the server still has, oldest first (null when the account may not list them). */
export async function binaryLogs(c: MyConnection): Promise<string[] | null> {
  try {
    const r = await rows<{ Log_name: string }>(c, 'SHOW BINARY LOGS');
    return r.map((x) => x.Log_name);
  } catch (e) {
    if (isDenied(e)) return null;
    throw e;
  }
}

/** Makes sure the heartbeat table exists (when permitted); returns the current binlog position. */
export async function prepareCapture(cfg: ConnectionConfig): Promise<{ created: boolean; position: Position }> {
  return withConnection(cfg, async (c) => {
    await ensureHeartbeat(c);
    return { created: true, position: await currentPosition(c) };
  });
}

/**
 * Writes the task's heartbeat row every `everyMs` on one connection (reopened after a failure,
 * closed by stop()). A source where the table cannot be created beats nothing.
 */
export function startHeartbeat(cfg: ConnectionConfig, taskId: string, everyMs: number, onError: (e: unknown) => void): { stop(): Promise<void> } {
  let usable: boolean | null = null;
  return heartbeatLoop<MyConnection>(
    everyMs,
    {
      open: () => connect(cfg),
      async beat(c) {
        usable ??= await ensureHeartbeat(c);
        if (usable) await beat(c, taskId);
        return usable;
      },
      close: (c) => c.end().catch(() => c.destroy()),
    },
    onError,
  );
}

/**
 * Deletes the task's heartbeat row; drops the table once no task uses it, and the dts database
 * once it holds no table. Returns what was dropped.
 */
export async function dropCapture(cfg: ConnectionConfig, taskId: string): Promise<string[]> {
  const dropped: string[] = [];
  await withConnection(cfg, async (c) => {
    const exists = await rows(c, 'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [HEARTBEAT.schema, HEARTBEAT.name]);
    if (exists.length) {
      await c.query(`DELETE FROM ${qualify(HEARTBEAT)} WHERE task_id = ?`, [taskId]);
      const left = await rows(c, `SELECT 1 FROM ${qualify(HEARTBEAT)} LIMIT 1`);
      if (!left.length) {
        await c.query(`DROP TABLE IF EXISTS ${qualify(HEARTBEAT)}`);
        dropped.push(`table ${HEARTBEAT.schema}.${HEARTBEAT.name}`);
      }
    }
    const db = await rows(c, 'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [DTS_DATABASE]);
    const tables = await rows(c, 'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? LIMIT 1', [DTS_DATABASE]);
    if (db.length && !tables.length) {
      await c.query(`DROP DATABASE IF EXISTS ${q(DTS_DATABASE)}`);
      dropped.push(`database ${DTS_DATABASE}`);
    }
  });
  return dropped;
}
