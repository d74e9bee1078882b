// sysbench's OLTP tables (sbtest1..N: id INT AUTO_INCREMENT PRIMARY KEY, k INT with index k_1,
// c CHAR(120), pad CHAR(60)) and what sysbench printed. parseSysbench is pure.
import type { MariaDbServer } from '../../test/helpers/mysql';
import { exec, type ExecResult } from '../lib/exec';
import { qi, recreateDb, sysbenchConn } from './servers';

export const sbTables = (n: number): string[] => Array.from({ length: n }, (_, i) => `sbtest${i + 1}`);

/** `sysbench oltp_read_write prepare` into a fresh database, then ANALYZE (sizes) */
export async function prepareSbtest(s: MariaDbServer, db: string, tables: number, rows: number, signal: AbortSignal): Promise<void> {
  await recreateDb(s, db);
  await exec('sysbench', ['oltp_read_write', ...sysbenchConn(s, db), `--tables=${tables}`, `--table-size=${rows}`, `--threads=${Math.min(tables, 2)}`, 'prepare'], { signal }).catch((e: Error) => {
    throw new Error(`sysbench prepare failed: ${e.message}`);
  });
  await s.query(`ANALYZE TABLE ${sbTables(tables).map((t) => `${qi(db)}.${qi(t)}`).join(', ')}`);
}

/** `sysbench <script> run` for `seconds` */
export function sysbenchRun(s: MariaDbServer, db: string, script: string, args: string[], seconds: number, signal: AbortSignal): Promise<ExecResult> {
  return exec('sysbench', [script, ...sysbenchConn(s, db), ...args, `--time=${seconds}`, '--report-interval=0', 'run'], { signal });
}

export interface SysbenchFigures {
  transactions: number | null;
  tps: number | null;
  /** errors sysbench ignored (deadlocks, retried) */
  ignoredErrors: number | null;
  latencyAvgMs: number | null;
}

function num(re: RegExp, text: string): number | null {
  const m = re.exec(text);
  const n = m ? Number(m[1]) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

export function parseSysbench(stdout: string): SysbenchFigures {
  return {
    transactions: num(/transactions:\s+(\d+)/, stdout),
    tps: num(/transactions:\s+\d+\s+\(([\d.]+) per sec/, stdout),
    ignoredErrors: num(/ignored errors:\s+(\d+)/, stdout),
    latencyAvgMs: num(/avg:\s+([\d.]+)/, stdout),
  };
}

/** data + index bytes and rows of the tables (information_schema after ANALYZE; rows counted exactly) */
export async function tablesSize(s: MariaDbServer, db: string, tables: string[]): Promise<{ rows: number; bytes: number }> {
  let rows = 0;
  for (const t of tables) rows += Number((await s.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${qi(db)}.${qi(t)}`))[0].n);
  const r = await s.query<{ b: number | string | null }>(
    `SELECT SUM(DATA_LENGTH) AS b FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (${tables.map(() => '?').join(', ')})`,
    [db, ...tables],
  );
  return { rows, bytes: Number(r[0]?.b ?? 0) };
}
