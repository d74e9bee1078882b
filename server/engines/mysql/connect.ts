// Connections to MySQL and MariaDB through mysql2. Every function that opens a connection
// closes it, or returns it to a caller that does (look for `finally { await c.end() }`).
// Values travel as text in one canonical form (see types.ts), whatever the server's defaults.
import mysql from 'mysql2/promise';
import type { ConnectionConfig, ConnectivityResult, TableRef } from '../types';
import { textTypeCast } from './types';
import { tcpOnlyHost } from '../shared/tcp-host';
import { tlsOptions } from '../shared/tls';

export type MyConnection = mysql.Connection;

export interface ConnectOptions {
  /** several statements in one query() (schema sync, test helpers) */
  multipleStatements?: boolean;
  /** rows come back as arrays (bulk reads) */
  rowsAsArray?: boolean;
}

/** where and how to log in (also the binlog reader's) */
export function loginOptions(cfg: ConnectionConfig) {
  const ssl = tlsOptions(cfg);
  // TCP only: no socketPath, ever
  return {
    host: tcpOnlyHost(cfg.host),
    port: cfg.port,
    user: cfg.user,
    password: cfg.password,
    ...(ssl ? { ssl } : {}),
    connectTimeout: cfg.connectTimeoutMs ?? 10_000,
    charset: 'utf8mb4',
  };
}

/**
 * No default database: every statement names its tables, and a task's destination databases
 * may not exist before schema synchronization creates them. `cfg.database` is the database the
 * operator named for the endpoint (the one selected by default), not needed to connect.
 */
export function connectionOptions(cfg: ConnectionConfig, opts: ConnectOptions = {}): mysql.ConnectionOptions {
  return {
    ...loginOptions(cfg),
    // TIMESTAMP values are read and written in UTC, so they pass unchanged between servers
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    jsonStrings: true,
    typeCast: textTypeCast,
    multipleStatements: opts.multipleStatements ?? false,
    rowsAsArray: opts.rowsAsArray ?? false,
    enableKeepAlive: true,
  };
}

/**
 * The session settings every engine connection uses: UTC for TIMESTAMP, strict writes that still
 * take zero dates (no NO_ZERO_DATE), and an explicit 0 in an AUTO_INCREMENT column kept as 0.
 */
export const SESSION_SETUP = "SET SESSION time_zone = '+00:00', SESSION sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION', SESSION group_concat_max_len = 1073741824";

export async function connect(cfg: ConnectionConfig, opts: ConnectOptions = {}): Promise<MyConnection> {
  const c = await mysql.createConnection(connectionOptions(cfg, opts));
  // an error on an idle connection must not crash the process; the next query reports it
  c.on('error', () => undefined);
  try {
    await c.query(SESSION_SETUP);
  } catch (e) {
    c.destroy();
    throw e;
  }
  return c;
}

/** Runs `fn` with a fresh connection and always closes it. */
export async function withConnection<T>(cfg: ConnectionConfig, fn: (c: MyConnection) => Promise<T>, opts: ConnectOptions = {}): Promise<T> {
  const c = await connect(cfg, opts);
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => c.destroy());
  }
}

/** rows of a SELECT (mysql2 types its results as a union) */
export async function rows<T>(c: MyConnection, sql: string, params: unknown[] = []): Promise<T[]> {
  const [r] = await c.query(sql, params);
  return r as unknown as T[];
}

export const q = (ident: string): string => `\`${ident.replace(/`/g, '``')}\``;
export const lit = (s: string): string => mysql.escape(s);
export const qualify = (t: TableRef): string => `${q(t.schema)}.${q(t.name)}`;

const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR', 'ER_CONNECTION_KILLED', 'ER_NET_READ_ERROR', 'ER_NET_WRITE_INTERRUPTED',
]);

/** True when the error means the server could not be reached or the connection dropped. */
export function isConnectionError(e: unknown): boolean {
  const err = e as { code?: string; message?: string; fatal?: boolean } | undefined;
  if (!err) return false;
  if (err.code && CONNECTION_CODES.has(err.code)) return true;
  const m = err.message ?? '';
  return /Connection lost|connection is in closed state|Can't add new command when connection is in closed state|socket hang up|connect ETIMEDOUT|Server shutdown in progress/i.test(m);
}

/** Explains a failed connection for the operator: which check failed, why, and the fix. */
export function describeConnectError(e: unknown, cfg: ConnectionConfig): ConnectivityResult {
  const err = e as { code?: string; message?: string };
  const where = `${cfg.host}:${cfg.port}`;
  const m = err.message ?? String(e);
  if (/auth_gssapi|client_ed25519|unknown plugin|AUTH_SWITCH_PLUGIN_ERROR|authentication plugin/i.test(m) || err.code === 'ER_NOT_SUPPORTED_AUTH_MODE') {
    return {
      ok: false,
      kind: 'auth',
      error: `The account "${cfg.user}" on ${where} uses an authentication plugin DTS does not support (${m}). Use an account with mysql_native_password or caching_sha2_password: ALTER USER '${cfg.user}'@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('...').`,
    };
  }
  if (err.code === 'ER_ACCESS_DENIED_ERROR' || err.code === 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR') {
    return { ok: false, kind: 'auth', error: `Access denied for user "${cfg.user}" on ${where}. Check the Database Account and Database Password, and that the account may connect from this host.` };
  }
  if (err.code === 'ER_BAD_DB_ERROR' || err.code === 'ER_DBACCESS_DENIED_ERROR') {
    return { ok: false, kind: 'database', error: `Database "${cfg.database}" does not exist on ${where}, or the account may not use it. Check the Database Name.` };
  }
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
    return { ok: false, kind: 'unreachable', error: `Host "${cfg.host}" cannot be resolved. Check the host name.` };
  }
  if (isConnectionError(e)) {
    return { ok: false, kind: 'unreachable', error: `Cannot reach ${where} (${err.code ?? m}). Check the host and port, that the server is running, and that its firewall and bind-address allow this machine.` };
  }
  return { ok: false, kind: 'other', error: `Connection to ${where} failed: ${m}` };
}
