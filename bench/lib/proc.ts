// CPU seconds and peak memory of processes, from /proc (Linux). The parsers are pure; the
// readers return null where /proc cannot tell (a process that has gone, another OS).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  ppid: number;
  /** clock ticks in user and system mode, own and of waited-for children */
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
}

/** parses /proc/<pid>/stat; the command name may hold spaces and parentheses */
export function parseStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  const pid = Number(text.slice(0, open).trim());
  // fields from the 3rd (state) on
  const f = text.slice(close + 1).trim().split(/\s+/);
  if (f.length < 15) throw new Error(`short /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  return { pid, ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]), cutime: Number(f[13]), cstime: Number(f[14]) };
}

/** a "Key:   123 kB" line of /proc/<pid>/status, in kB; null when absent */
export function parseStatusKb(text: string, key: string): number | null {
  const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

/** every process's ticks including its waited-for children */
export function totalTicks(s: ProcStat): number {
  return s.utime + s.stime + s.cutime + s.cstime;
}

/** pids of `root` and all its descendants, from a ppid table */
export function descendants(root: number, stats: Iterable<ProcStat>): number[] {
  const children = new Map<number, number[]>();
  for (const s of stats) {
    const list = children.get(s.ppid) ?? [];
    list.push(s.pid);
    children.set(s.ppid, list);
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length) {
    const p = todo.pop() as number;
    out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}

/**
 * CPU ticks of a process tree: every live process's own and reaped children's time. A child
 * that exits between two readings moves from its own line to its parent's cutime, so the
 * difference of two readings is the tree's CPU time in between.
 */
export function treeTicks(root: number, stats: readonly ProcStat[]): number {
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  return descendants(root, stats).reduce((sum, p) => sum + (byPid.has(p) ? totalTicks(byPid.get(p) as ProcStat) : 0), 0);
}

let ticksPerSecond: number | null = null;
export function clockTicks(): number {
  if (ticksPerSecond === null) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number(r.stdout?.trim());
    ticksPerSecond = r.status === 0 && n > 0 ? n : 100;
  }
  return ticksPerSecond;
}

function readStat(pid: number): ProcStat | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** every process's stat line (processes that exit while being read are left out) */
export function allStats(): ProcStat[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    const s = readStat(Number(n));
    if (s) out.push(s);
  }
  return out;
}

/** CPU seconds so far of a process and its descendants; null when it is gone */
export function treeCpuSeconds(pid: number): number | null {
  const stats = allStats();
  if (!stats.some((s) => s.pid === pid)) return null;
  return treeTicks(pid, stats) / clockTicks();
}

/** a kB figure of /proc/<pid>/status in MB; null when the process is gone */
function statusMb(pid: number, key: string): number | null {
  try {
    const kb = parseStatusKb(readFileSync(`/proc/${pid}/status`, 'utf8'), key);
    return kb === null ? null : kb / 1024;
  } catch {
    return null;
  }
}

/** peak resident set size (VmHWM) of one process in MB; null when it is gone */
export const peakRssMb = (pid: number): number | null => statusMb(pid, 'VmHWM');

/** resident set size (VmRSS) of one process in MB; null when it is gone */
export const rssMb = (pid: number): number | null => statusMb(pid, 'VmRSS');

/** resets VmHWM to the current RSS (Linux 4.0+, own processes or root); false when refused */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** the postmaster's pid from a data directory */
export function postmasterPid(dataDir: string): number | null {
  try {
    const n = Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** what GNU time(1) writes with -f '%e %U %S %M': elapsed, user, system seconds, max RSS kB */
export interface Rusage {
  cpuSeconds: number;
  maxRssMb: number;
}

export const TIME_FORMAT = 'BENCH_RUSAGE %e %U %S %M';

export function parseTimeOutput(text: string): Rusage | null {
  const m = /BENCH_RUSAGE\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)/.exec(text);
  if (!m) return null;
  return { cpuSeconds: Number(m[2]) + Number(m[3]), maxRssMb: Number(m[4]) / 1024 };
}

/** several commands of one run: CPU adds up, peak memory is the largest */
export function addRusage(a: Rusage | null, b: Rusage | null): Rusage | null {
  if (!a) return b;
  if (!b) return a;
  return { cpuSeconds: a.cpuSeconds + b.cpuSeconds, maxRssMb: Math.max(a.maxRssMb, b.maxRssMb) };
}

