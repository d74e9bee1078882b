// Connections to PostgreSQL. Every function that opens a client closes it, or returns it to a
// caller that does (look for `finally { await c.end() }`).
import pg from 'pg';
import type { ConnectionConfig, ConnectivityResult, TableRef } from '../types';
import { tcpOnlyHost } from '../shared/tcp-host';
import { tlsOptions } from '../shared/tls';

// int8, numeric and friends stay strings; timestamps and dates stay text: values travel as text.
const identity = (v: string) => v;
const textTypes = new pg.TypeOverrides();
for (const oid of [20, 700, 701, 1700, 1082, 1083, 1114, 1184, 1186, 1266, 16, 17, 114, 3802, 600, 601, 602, 603, 604, 718]) {
  textTypes.setTypeParser(oid, identity);
}

export interface ConnectOptions {
  replication?: boolean;
  applicationName?: string;
  /** statement_timeout in ms; 0 for none */
  statementTimeoutMs?: number;
}

export function clientConfig(cfg: ConnectionConfig, opts: ConnectOptions = {}): pg.ClientConfig {
  const ssl = tlsOptions(cfg);
  const c: pg.ClientConfig & { replication?: string } = {
    // never a Unix socket directory (a host starting with "/"): TCP only
    host: tcpOnlyHost(cfg.host),
    port: cfg.port,
    database: cfg.database,
    user: cfg.user,
    password: cfg.password,
    ssl,
    connectionTimeoutMillis: cfg.connectTimeoutMs ?? 10_000,
    application_name: opts.applicationName ?? 'dts',
    types: textTypes,
    // Values travel as text, so every session uses the formats the other side parses
    // unambiguously, whatever the server's defaults (as built-in logical replication does).
    // default_transaction_read_only=off: DTS's sessions write through a switchover's fence (fence.ts)
    options: '-c DateStyle=ISO -c IntervalStyle=postgres -c extra_float_digits=3 -c default_transaction_read_only=off',
    keepAlive: true,
    ...(opts.statementTimeoutMs !== undefined ? { statement_timeout: opts.statementTimeoutMs } : {}),
  };
  if (opts.replication) c.replication = 'database';
  return c;
}

export async function connect(cfg: ConnectionConfig, opts: ConnectOptions = {}): Promise<pg.Client> {
  const c = new pg.Client(clientConfig(cfg, opts));
  // an error on an idle client must not crash the process; the next query reports it
  c.on('error', () => undefined);
  try {
    await c.connect();
  } catch (e) {
    await c.end().catch(() => undefined);
    throw e;
  }
  return c;
}

/** Runs `fn` with a fresh client and always closes it. */
export async function withClient<T>(cfg: ConnectionConfig, fn: (c: pg.Client) => Promise<T>, opts: ConnectOptions = {}): Promise<T> {
  const c = await connect(cfg, opts);
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

export const q = (ident: string): string => pg.escapeIdentifier(ident);
export const lit = (s: string): string => pg.escapeLiteral(s);
export const qualify = (t: TableRef): string => `${q(t.schema)}.${q(t.name)}`;

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);

/** True when the error means the server could not be reached or the connection dropped. */
export function isConnectionError(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | undefined;
  if (!err) return false;
  if (err.code && CONNECTION_CODES.has(err.code)) return true;
  // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 08xxx connection exceptions
  if (err.code && (/^08/.test(err.code) || ['57P01', '57P02', '57P03'].includes(err.code))) return true;
  const m = err.message ?? '';
  return /Connection terminated|connection timeout|timeout expired|Client has encountered a connection error|socket hang up|not queryable|Connection ended/i.test(m);
}

/** Explains a failed connection for the operator: which check failed, why, and the fix. */
export function describeConnectError(e: unknown, cfg: ConnectionConfig): ConnectivityResult {
  const err = e as { code?: string; message?: string };
  const where = `${cfg.host}:${cfg.port}`;
  if (err.code === '28P01' || err.code === '28000') {
    return { ok: false, kind: 'auth', error: `Password authentication failed for user "${cfg.user}" on ${where}. Check the Database Account and Database Password.` };
  }
  if (err.code === '3D000') {
    return { ok: false, kind: 'database', error: `Database "${cfg.database}" does not exist on ${where}. Check the Database Name.` };
  }
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
    return { ok: false, kind: 'unreachable', error: `Host "${cfg.host}" cannot be resolved. Check the host name.` };
  }
  if (isConnectionError(e)) {
    return { ok: false, kind: 'unreachable', error: `Cannot reach ${where} (${err.code ?? err.message}). Check the host and port, that the server is running, and that its firewall and pg_hba.conf allow this machine.` };
  }
  return { ok: false, kind: 'other', error: `Connection to ${where} failed: ${err.message ?? String(e)}` };
}
