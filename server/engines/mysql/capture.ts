// Change capture on a MySQL source: there is no slot, the binlog itself is the capture. DTS
// only adds the heartbeat table (dts.dts_heartbeat), whose row per task is rewritten every
// second so the binlog position advances and latency is known while the source is idle. The
// table is checked before every use (helper-objects.ts).
import type { ConnectionConfig, Position } from '../types';
import { connect, qualify, rows, withConnection, type MyConnection } from './connect';
import { describeServer, ensureMyHelpers, guardMyHelpers, HEARTBEAT_TABLE, MyHelperObjectError, releaseMyHelpers } from './helper-objects';
import { HEARTBEAT } from './names';
import { formatPos } from './types';
import { heartbeatLoop } from '../shared/heartbeat';

export const sourceWhere = (cfg: ConnectionConfig): string => describeServer('source', cfg);

function errno(e: unknown): number | undefined {
  return (e as { errno?: number } | undefined)?.errno;
}

/** access denied (database, table, command) */
function isDenied(e: unknown): boolean {
  return [1044, 1045, 1142, 1143, 1227, 1370].includes(errno(e) ?? 0);
}

/**
 * Checks dts.dts_heartbeat and creates it if missing (MyHelperObjectError when it fails the
 * check). Returns false when the account may not create it, or cannot see its triggers: the task
 * then runs without heartbeat (latency only from real transactions).
 */
export async function ensureHeartbeat(c: MyConnection, where: string): Promise<boolean> {
  try {
    return await ensureMyHelpers(c, where, [HEARTBEAT_TABLE], { optional: true });
  } catch (e) {
    if (isDenied(e)) return false;
    throw e;
  }
}

/** one heartbeat, behind the table's guard: the task's row gets the current time (UTC, microseconds) */
export async function beat(c: MyConnection, where: string, taskId: string): Promise<void> {
  await c.query('START TRANSACTION');
  try {
    await guardMyHelpers(c, where, [HEARTBEAT_TABLE]);
    await c.query(`INSERT INTO ${qualify(HEARTBEAT)} (task_id, ts) VALUES (?, NOW(6)) ON DUPLICATE KEY UPDATE ts = NOW(6)`, [taskId]);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
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
    await ensureHeartbeat(c, sourceWhere(cfg));
    return { created: true, position: await currentPosition(c) };
  });
}

/**
 * Writes the task's heartbeat row every `everyMs` on one connection (reopened after a failure,
 * closed by stop()). A source where the table cannot be created beats nothing; a table that
 * fails its check stops the beats and is reported to `onRefused`.
 */
export function startHeartbeat(
  cfg: ConnectionConfig,
  taskId: string,
  everyMs: number,
  onError: (e: unknown) => void,
  onRefused: (e: MyHelperObjectError) => void = () => undefined,
): { stop(): Promise<void> } {
  let usable: boolean | null = null;
  const where = sourceWhere(cfg);
  return heartbeatLoop<MyConnection>(
    everyMs,
    {
      open: () => connect(cfg),
      async beat(c) {
        try {
          usable ??= await ensureHeartbeat(c, where);
          if (usable) await beat(c, where, taskId);
          return usable;
        } catch (e) {
          if (!(e instanceof MyHelperObjectError)) throw e;
          onRefused(e);
          return false;
        }
      },
      close: (c) => c.end().catch(() => c.destroy()),
    },
    onError,
  );
}

/**
 * Deletes the task's heartbeat row; drops the table once no task uses it, and the dts database
 * once it holds no table. Returns what was dropped. A table that fails its check is left alone,
 * and release says why.
 */
export async function dropCapture(cfg: ConnectionConfig, taskId: string): Promise<string[]> {
  const where = sourceWhere(cfg);
  return withConnection(cfg, async (c) => {
    const r = await releaseMyHelpers(c, where, [{ table: HEARTBEAT_TABLE, column: 'task_id', key: taskId }], { optional: true });
    if (r.problems.length) throw new MyHelperObjectError(r.problems, where);
    return r.dropped;
  });
}
