// Runs the peers' client programs (psql, pg_dump, pgcopydb, pgbench) as child processes, each
// in its own process group so that a timeout kills the whole pipeline. Optionally under GNU
// time(1), which reports the CPU and peak memory of the command and everything it waited for.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseTimeOutput, TIME_FORMAT, type Rusage } from './proc';

export const GNU_TIME = '/usr/bin/time';
const KEEP = 64 * 1024;

export interface ExecOptions {
  env?: Record<string, string>;
  signal?: AbortSignal;
  /** measure with GNU time (when installed) */
  measure?: boolean;
  /** text for the command's standard input */
  input?: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  rusage: Rusage | null;
}

export class ExecError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'ExecError';
  }
}

/** the last `KEEP` characters: enough for an error message without holding a big output */
function tail(s: string, add: Buffer): string {
  const t = s + add.toString('utf8');
  return t.length > KEEP ? t.slice(-KEEP) : t;
}

export async function exec(cmd: string, args: string[], o: ExecOptions = {}): Promise<ExecResult> {
  o.signal?.throwIfAborted();
  const measured = o.measure === true && existsSync(GNU_TIME);
  const dir = measured ? mkdtempSync(path.join(os.tmpdir(), 'bench-time-')) : null;
  const timeFile = dir ? path.join(dir, 'rusage') : '';
  const [file, argv] = measured ? [GNU_TIME, ['-f', TIME_FORMAT, '-o', timeFile, cmd, ...args]] : [cmd, args];
  const child = spawn(file, argv, {
    env: { ...process.env, ...o.env },
    stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (stdout = tail(stdout, b)));
  child.stderr?.on('data', (b: Buffer) => (stderr = tail(stderr, b)));
  if (o.input !== undefined) child.stdin?.end(o.input);
  const kill = () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }
  };
  o.signal?.addEventListener('abort', kill, { once: true });
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c) => resolve(c));
    });
    const rusage = measured ? parseTimeOutput(readOrEmpty(timeFile)) : null;
    if (o.signal?.aborted) throw o.signal.reason instanceof Error ? o.signal.reason : new Error('aborted');
    if (code !== 0) {
      const msg = lastLines(stderr || stdout, 6);
      throw new ExecError(`${path.basename(cmd)} exited with ${code}${msg ? `: ${msg}` : ''}`, stderr);
    }
    return { stdout, stderr, rusage };
  } finally {
    o.signal?.removeEventListener('abort', kill);
    kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export function lastLines(s: string, n: number): string {
  return s
    .trim()
    .split('\n')
    .filter((l) => l.trim())
    .slice(-n)
    .join(' | ');
}

/** `bash -c script` with `set -euo pipefail` and values passed as environment variables */
export function bash(script: string, o: ExecOptions = {}): Promise<ExecResult> {
  return exec('bash', ['-c', `set -euo pipefail\n${script}`], o);
}
