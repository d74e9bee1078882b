// DTS's helper tables on customer MySQL servers live in the database `dts` (names.ts): the
// heartbeat on a source, the checkpoint and marker tables on a destination. MySQL has no object
// owner, so before every use DTS checks what can be checked, and a failed check names the object
// and the fix (nothing is touched then, and the task stops with a non-retryable error):
// - each helper name that exists is a BASE TABLE (not a view, whose definition runs with its
//   DEFINER's rights, nor a sequence), with the ENGINE InnoDB (a FEDERATED or CONNECT table
//   would send the rows to another server) and the expected columns;
// - no trigger sits on it (information_schema.TRIGGERS);
// - the account can see triggers there: information_schema.TRIGGERS lists only the triggers of
//   tables the account has the TRIGGER privilege on (MySQL) or a table privilege on (MariaDB), so
//   without it the check would pass blindly.
// Grants of other accounts on `dts` are not checked: an ordinary account cannot read them
// (mysql.db), and what they would allow is caught here. A trigger runs with its DEFINER's rights,
// and naming another account as DEFINER needs SUPER or SET USER, so a trigger another account adds
// cannot use the task account's privileges; it could still change or copy the rows DTS writes
// (positions, markers) in DTS's transaction, which is why none may exist. Each write transaction
// first locks the helper tables' metadata (SELECT ... FOR UPDATE takes the shared-write metadata
// lock that CREATE TRIGGER, ALTER and DROP wait for) and counts their triggers again, so a
// trigger added after the full check never fires.
import type { ConnectionConfig, TableRef } from '../types';
import { NonRetryableError } from '../shared/errors';
import { q, qualify, rows, type MyConnection } from './connect';
import { CHECKPOINT, DTS_DATABASE, HEARTBEAT, MARKER } from './names';
import { serverVersion } from './introspect';
import { grantee, readGrants } from './precheck-util';

export interface MyHelperTable {
  ref: TableRef;
  /** column name and information_schema DATA_TYPE */
  columns: [string, string][];
  ddl: string;
}

const tableDdl = (t: TableRef, body: string) => `CREATE TABLE IF NOT EXISTS ${qualify(t)} (${body}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

export const HEARTBEAT_TABLE: MyHelperTable = {
  ref: HEARTBEAT,
  columns: [['task_id', 'varchar'], ['ts', 'datetime']],
  ddl: tableDdl(HEARTBEAT, 'task_id VARCHAR(191) PRIMARY KEY, ts DATETIME(6) NOT NULL'),
};
export const CHECKPOINT_TABLE: MyHelperTable = {
  ref: CHECKPOINT,
  columns: [['task_id', 'varchar'], ['position', 'varchar'], ['changes', 'bigint'], ['updated_at', 'datetime']],
  ddl: tableDdl(CHECKPOINT, 'task_id VARCHAR(191) PRIMARY KEY, position VARCHAR(512) NOT NULL, changes BIGINT NOT NULL DEFAULT 0, updated_at DATETIME(6) NOT NULL'),
};
export const MARKER_TABLE: MyHelperTable = {
  ref: MARKER,
  columns: [['origin', 'varchar'], ['seq', 'bigint'], ['updated_at', 'datetime']],
  ddl: tableDdl(MARKER, 'origin VARCHAR(191) PRIMARY KEY, seq BIGINT NOT NULL, updated_at DATETIME(6) NOT NULL'),
};

export interface MyHelperProblem {
  object: string;
  cause: string;
  fix: string;
}

/** A helper object failed its check: no retry cures it, the operator must fix it. */
export class MyHelperObjectError extends NonRetryableError {
  constructor(
    readonly problems: MyHelperProblem[],
    where: string,
  ) {
    super(`DTS does not use its helper tables on ${where}, because another account could have set them up to change or run code with what DTS writes: ${problems.map((p) => p.cause).join(' ')} Fix: ${problems.map((p) => p.fix).join(' ')} Then run the precheck and start the task again.`);
    this.name = 'HelperObjectError';
  }
}

export const describeServer = (label: string, cfg: ConnectionConfig): string => `the ${label} server ${cfg.host}:${cfg.port}`;

export interface MyHelperState {
  /** the database dts exists */
  exists: boolean;
  /** helper tables that exist, by name */
  found: Set<string>;
  problems: MyHelperProblem[];
  /** the account cannot see triggers there: the check cannot be made (not in `problems`) */
  blind: MyHelperProblem | null;
}

/** what the caller does when the check cannot be made: an optional table (the heartbeat) is then not used */
export interface UseOptions {
  optional: boolean;
}

const problemsOf = (s: MyHelperState, o: UseOptions): MyHelperProblem[] => (s.blind && !o.optional ? [...s.problems, s.blind] : s.problems);

async function inspectTables(c: MyConnection, tables: MyHelperTable[], state: MyHelperState): Promise<void> {
  const names = tables.map((t) => t.ref.name);
  const objects = await rows<{ name: string; type: string; engine: string | null }>(c,
    'SELECT TABLE_NAME AS name, TABLE_TYPE AS type, ENGINE AS engine FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?)',
    [DTS_DATABASE, names],
  );
  const columns = await rows<{ tbl: string; col: string; type: string }>(c,
    'SELECT TABLE_NAME AS tbl, COLUMN_NAME AS col, DATA_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?)',
    [DTS_DATABASE, names],
  );
  const triggers = await rows<{ tbl: string; name: string }>(c,
    'SELECT EVENT_OBJECT_TABLE AS tbl, TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE IN (?) ORDER BY TRIGGER_NAME',
    [DTS_DATABASE, names],
  );
  for (const t of tables) {
    const o = objects.find((x) => x.name === t.ref.name);
    if (!o) continue;
    state.found.add(t.ref.name);
    const name = qualify(t.ref);
    const add = (cause: string, fix: string) => state.problems.push({ object: `table ${name}`, cause: `${name}: ${cause}.`, fix });
    const dropIt = `drop it (DROP TABLE ${name};) and let DTS create it again`;
    if (o.type !== 'BASE TABLE') {
      add(`it is a ${o.type.toLowerCase()}, not a table DTS created`, `As an administrator, drop it (DROP ${o.type === 'VIEW' ? 'VIEW' : o.type === 'SEQUENCE' ? 'SEQUENCE' : 'TABLE'} ${name};) and let DTS create the table.`);
      continue;
    }
    if (!/^innodb$/i.test(o.engine ?? '')) add(`its storage engine is ${o.engine ?? 'unknown'}, not InnoDB`, `As an administrator, ${dropIt}.`);
    const actual = columns.filter((x) => x.tbl === t.ref.name).map((x) => `${x.col} ${x.type.toLowerCase()}`).sort();
    const expected = t.columns.map(([col, ty]) => `${col} ${ty}`).sort();
    if (actual.join(', ') !== expected.join(', ')) add(`its columns are (${actual.join(', ')}), not (${expected.join(', ')})`, `As an administrator, ${dropIt}.`);
    const mine = triggers.filter((x) => x.tbl === t.ref.name).map((x) => x.name);
    if (mine.length) add(`it has triggers (${mine.join(', ')})`, mine.map((g) => `DROP TRIGGER ${q(DTS_DATABASE)}.${q(g)};`).join(' '));
  }
}

/** privileges that let an account see a table's triggers in information_schema.TRIGGERS */
const MYSQL_SEEING = ['TRIGGER'];
const MARIADB_SEEING = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRIGGER'];

/** reads information_schema (and SHOW GRANTS) only */
export async function inspectMyHelpers(c: MyConnection, tables: MyHelperTable[]): Promise<MyHelperState> {
  const db = await rows(c, 'SELECT 1 AS x FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [DTS_DATABASE]);
  const state: MyHelperState = { exists: db.length > 0, found: new Set(), problems: [], blind: null };
  if (state.exists) await inspectTables(c, tables, state);
  // MySQL lists a table's triggers only to an account with the TRIGGER privilege on it; MariaDB
  // to one with a table privilege (SELECT, INSERT, UPDATE, DELETE or TRIGGER), as the task
  // account has where it uses the table
  const g = await readGrants(c);
  const mariadb = (await serverVersion(c)).mariadb;
  const seeing = mariadb ? MARIADB_SEEING : MYSQL_SEEING;
  const blind = tables.filter((t) => !seeing.some((p) => g.has(p, DTS_DATABASE, t.ref.name)));
  if (blind.length) {
    state.blind = {
      object: `database ${q(DTS_DATABASE)}`,
      cause: `The account cannot see the triggers of ${blind.map((t) => qualify(t.ref)).join(', ')} (it has no ${mariadb ? 'table privilege' : 'TRIGGER privilege'} there), so DTS cannot check that none sits on its tables.`,
      fix: `GRANT ${mariadb ? 'SELECT, INSERT, UPDATE, DELETE' : 'TRIGGER'} ON ${q(DTS_DATABASE)}.* TO ${await grantee(c)};`,
    };
  }
  return state;
}

/**
 * Makes sure the database dts and the tables exist and pass the check, creating what is missing;
 * throws MyHelperObjectError naming what failed (nothing is touched then). False when the check
 * cannot be made and the tables are optional: they are not used. A CREATE the account may not
 * run fails with its own error.
 */
export async function ensureMyHelpers(c: MyConnection, where: string, tables: MyHelperTable[], o: UseOptions): Promise<boolean> {
  let state = await inspectMyHelpers(c, tables);
  const check = () => {
    const problems = problemsOf(state, o);
    if (problems.length) throw new MyHelperObjectError(problems, where);
    return !state.blind;
  };
  if (!check()) return false;
  const missing = tables.filter((t) => !state.found.has(t.ref.name));
  if (!missing.length) return true;
  await c.query(`CREATE DATABASE IF NOT EXISTS ${q(DTS_DATABASE)}`);
  for (const t of missing) await c.query(t.ddl);
  // someone may have been quicker: IF NOT EXISTS then only notes it
  state = await inspectMyHelpers(c, tables);
  return check();
}

/**
 * First statements of a transaction that writes the tables: their metadata is locked for the
 * transaction (no trigger can be added or the table replaced until it ends), then their
 * triggers are counted again. Throws MyHelperObjectError, with the transaction still open.
 */
export async function guardMyHelpers(c: MyConnection, where: string, tables: MyHelperTable[]): Promise<void> {
  await c.query(`SELECT 1 FROM ${tables.map((t) => qualify(t.ref)).join(', ')} WHERE 1 = 0 FOR UPDATE`);
  const r = await rows<{ n: number | string }>(c,
    `SELECT COUNT(*) AS n FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE IN (?)`,
    [DTS_DATABASE, tables.map((t) => t.ref.name)],
  );
  if (Number(r[0]?.n ?? 0) > 0) {
    const state = await inspectMyHelpers(c, tables);
    throw new MyHelperObjectError(state.problems, where);
  }
}

/**
 * Release of helper tables: the rows of the task (`column` = `key` per table) go, each table
 * once empty, and the database dts once it holds no table. Tables that fail the check are left
 * alone and returned as problems.
 */
export async function releaseMyHelpers(
  c: MyConnection,
  where: string,
  parts: { table: MyHelperTable; column: string; key: string }[],
  o: UseOptions,
): Promise<{ dropped: string[]; problems: MyHelperProblem[] }> {
  const dropped: string[] = [];
  const state = await inspectMyHelpers(c, parts.map((p) => p.table));
  if (!state.exists) return { dropped, problems: [] };
  const problems = problemsOf(state, o);
  // optional tables that cannot be checked were never used: they are left alone
  if (problems.length || state.blind) return { dropped, problems };
  for (const p of parts) {
    if (!state.found.has(p.table.ref.name)) continue;
    const t = qualify(p.table.ref);
    await c.query('START TRANSACTION');
    try {
      await guardMyHelpers(c, where, [p.table]);
      await c.query(`DELETE FROM ${t} WHERE ${q(p.column)} = ?`, [p.key]);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
    if (!(await rows(c, `SELECT 1 AS x FROM ${t} LIMIT 1`)).length) {
      await c.query(`DROP TABLE IF EXISTS ${t}`);
      dropped.push(`table ${p.table.ref.schema}.${p.table.ref.name}`);
    }
  }
  const left = await rows(c, 'SELECT 1 AS x FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? LIMIT 1', [DTS_DATABASE]);
  if (!left.length) {
    await c.query(`DROP DATABASE IF EXISTS ${q(DTS_DATABASE)}`);
    dropped.push(`database ${DTS_DATABASE}`);
  }
  return { dropped, problems: [] };
}
