// The binlog a task keeps on its MySQL or MariaDB source: there is no slot, so nothing stops the
// server from purging binlog files (expire_logs_days, PURGE BINARY LOGS), but for the task to
// resume, every file from the one its stored position ("file:offset") names onward must still be
// there. That is the figure: the sum of those files' sizes from SHOW BINARY LOGS. One connection
// and one statement for every task on the server; withConnection closes it. An account without
// REPLICATION CLIENT (MariaDB 10.5+: BINLOG MONITOR) cannot list the files: the figure is then
// unknown, with that reason.
import type { ConnectionConfig, Position, RetainedFigure, RetainedProbe, RetainedTask } from '../types';
import { rows, withConnection } from './connect';
import { parsePos } from './types';

export interface BinlogFile {
  Log_name: string;
  File_size: number | string;
}

/** ER_NO_BINARY_LOGGING: "You are not using binary logging" */
const NO_BINARY_LOGGING = 1381;
/** access denied (database, table, command) */
const DENIED = [1044, 1045, 1142, 1143, 1227, 1370];

const unknown = (taskId: string, note: string): RetainedFigure => ({ taskId, bytes: null, walStatus: null, safeBytes: null, note });

/** the binlog kept for a task at `position`, from the server's list of files (pure) */
export function binlogFigure(taskId: string, position: Position | null, logs: BinlogFile[]): RetainedFigure {
  if (position === null) return unknown(taskId, 'The task has no binlog position recorded yet, so it keeps no binlog.');
  let file: string;
  try {
    file = parsePos(position).file;
  } catch (e) {
    return unknown(taskId, (e as Error).message);
  }
  const at = logs.findIndex((l) => l.Log_name === file);
  if (at < 0) {
    return {
      ...unknown(taskId, `The binlog file ${file} of the task's position (${position}) is no longer on the source (purged): the task cannot resume. Release it, and synchronize again with a new task.`),
      bytes: 0,
    };
  }
  const bytes = logs.slice(at).reduce((sum, l) => sum + Number(l.File_size), 0);
  return { taskId, bytes, walStatus: null, safeBytes: null, note: null };
}

export const retainedProbe: RetainedProbe = {
  async measure(cfg: ConnectionConfig, tasks: RetainedTask[]): Promise<RetainedFigure[]> {
    if (!tasks.length) return [];
    return withConnection(cfg, async (c) => {
      let logs: BinlogFile[];
      try {
        logs = await rows<BinlogFile>(c, 'SHOW BINARY LOGS');
      } catch (e) {
        const errno = (e as { errno?: number }).errno ?? 0;
        if (errno === NO_BINARY_LOGGING) return tasks.map((t) => unknown(t.taskId, 'The source has no binary log (log_bin is OFF).'));
        if (!DENIED.includes(errno)) throw e;
        const reason = `unknown: the source account may not run SHOW BINARY LOGS (${(e as Error).message}). Grant it REPLICATION CLIENT (MariaDB 10.5+: BINLOG MONITOR) to see the binlog the task keeps.`;
        return tasks.map((t) => unknown(t.taskId, reason));
      }
      return tasks.map((t) => binlogFigure(t.taskId, t.position, logs));
    });
  },
};
