// DTS's helper tables on customer PostgreSQL databases (the heartbeat on a source, the checkpoint
// on a destination) live in the schema dts, which the task's account creates and owns. A schema
// or table someone else made first could carry a trigger, rule or policy that runs with the
// account's rights (on PostgreSQL 14 and older a low-privilege role became superuser that way),
// so the catalog is checked before every use, and a failed check names the object and the fix:
// such an object is never touched, and the task stops with a non-retryable error.
//
// What is checked, and why:
// - schema dts: owned by exactly current_user (not a role it belongs to: other members of that
//   role could then change it), and no other role may CREATE in it (it could add objects);
// - each helper table that exists: an ordinary table (relkind 'r': not a view, whose rules run
//   code, nor a partitioned or foreign table), owned by current_user, with no user trigger
//   (pg_trigger, not tgisinternal: constraint triggers included), no rule (pg_rewrite), no
//   row-level security policy and RLS off (policy expressions run as the querying account), the
//   expected columns and types (a domain or another type's input function would run code), no
//   column default or generated expression calling a function outside pg_catalog, no CHECK,
//   exclusion or trigger constraint, no expression or partial index, no inheritance or
//   partition link (rows of a child table are deleted through the parent, firing the child's
//   triggers), no foreign key of another table pointing at it, and no privilege other than
//   SELECT granted to another role (TRIGGER would let it add a trigger later).
// Writes are guarded in their own transaction: the table is locked in ROW EXCLUSIVE mode (which
// CREATE TRIGGER, CREATE RULE, CREATE POLICY and ALTER TABLE wait for) and the check runs again
// before the write, so nothing added after the last full check can fire.
// Function calls in DTS's own statements resolve in pg_catalog first, and every helper object is
// schema-qualified, so objects other roles create elsewhere (in public) are never picked up.
import type pg from 'pg';
import type { ConnectionConfig, TableRef } from '../types';
import { NonRetryableError } from '../shared/errors';
import { catalogQuery } from './catalog-queries';
import { lit, q, qualify } from './connect';
import { CHECKPOINT, HEARTBEAT, HELPER_SCHEMA, LEGACY_CHECKPOINT, LEGACY_HEARTBEAT } from './names';

export interface HelperTable {
  ref: TableRef;
  /** the columns in order, as format_type prints their types */
  columns: [string, string][];
  /** columns a legacy table may lack */
  optional?: string[];
  /** the previous version's table in public: its schema is not ours to judge */
  legacy?: boolean;
  /** how DTS creates it (legacy tables are never created) */
  ddl?: string;
}

const HEARTBEAT_COLUMNS: [string, string][] = [['task_id', 'text'], ['beat_at', 'timestamp with time zone'], ['seq', 'bigint']];
const CHECKPOINT_COLUMNS: [string, string][] = [['task_id', 'text'], ['lsn', 'text'], ['changes', 'bigint'], ['updated_at', 'timestamp with time zone']];

export const HEARTBEAT_TABLE: HelperTable = {
  ref: HEARTBEAT,
  columns: HEARTBEAT_COLUMNS,
  ddl: `CREATE TABLE IF NOT EXISTS ${qualify(HEARTBEAT)} (task_id text PRIMARY KEY, beat_at timestamptz NOT NULL DEFAULT now(), seq bigint NOT NULL DEFAULT 0)`,
};
export const CHECKPOINT_TABLE: HelperTable = {
  ref: CHECKPOINT,
  columns: CHECKPOINT_COLUMNS,
  ddl: `CREATE TABLE IF NOT EXISTS ${qualify(CHECKPOINT)} (task_id text PRIMARY KEY, lsn text NOT NULL, changes bigint NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL)`,
};
export const LEGACY_HEARTBEAT_TABLE: HelperTable = { ref: LEGACY_HEARTBEAT, columns: HEARTBEAT_COLUMNS, legacy: true };
export const LEGACY_CHECKPOINT_TABLE: HelperTable = { ref: LEGACY_CHECKPOINT, columns: CHECKPOINT_COLUMNS, optional: ['changes'], legacy: true };

/** the SQLSTATE a guarded write raises when its table no longer passes the check */
export const GUARD_CODE = 'DTS01';

export interface HelperProblem {
  /** e.g. table "dts"."dts_sync_checkpoint" */
  object: string;
  cause: string;
  fix: string;
}

/** A helper object failed its check: no retry cures it, the operator must fix it. */
export class HelperObjectError extends NonRetryableError {
  constructor(
    readonly problems: HelperProblem[],
    where: string,
  ) {
    super(`DTS does not use its helper objects in ${where}, because they could run another role's code with the task account's rights: ${problems.map((p) => p.cause).join(' ')} Fix: ${problems.map((p) => p.fix).join(' ')} Then run the precheck and start the task again.`);
    this.name = 'HelperObjectError';
  }
}

/** "the source database "src" on 127.0.0.1:5432", for messages */
export const describeDatabase = (label: string, cfg: ConnectionConfig): string => `the ${label} database "${cfg.database}" on ${cfg.host}:${cfg.port}`;

export interface SchemaState {
  user: string;
  database: string;
  exists: boolean;
  /** the account may create the schema (CREATE on the database) */
  canCreate: boolean;
}

export interface HelperState {
  schema: SchemaState;
  /** the tables that exist, by qualified name */
  found: Set<string>;
  problems: HelperProblem[];
}

interface SchemaRow {
  me: string;
  db: string;
  can_create: boolean;
  exists: boolean;
  owner: string | null;
  mine: boolean | null;
  creators: string | null;
}

interface TableRow {
  found: boolean;
  kind: string | null;
  owner: string | null;
  mine: boolean | null;
  triggers: string | null;
  rules: string | null;
  policies: string | null;
  rls: boolean | null;
  columns: string | null;
  grantees: string | null;
  links: boolean | null;
  constraints: string | null;
  indexes: string | null;
  functions: string | null;
}

const ME = `(SELECT oid FROM pg_roles WHERE rolname = current_user)`;
const grantees = (acl: string, owner: string, which: string) =>
  `(SELECT string_agg(DISTINCT CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(x.grantee)) END, ', ')
      FROM aclexplode(${acl}) x WHERE x.grantee <> ${owner} AND ${which})`;

const SCHEMA_SQL = `SELECT current_user::text AS me, current_database()::text AS db, has_database_privilege(current_database(), 'CREATE') AS can_create,
        n.oid IS NOT NULL AS exists, pg_get_userbyid(n.nspowner)::text AS owner, n.nspowner = ${ME} AS mine,
        ${grantees('n.nspacl', 'n.nspowner', `x.privilege_type = 'CREATE'`)} AS creators
   FROM (SELECT 1) one LEFT JOIN pg_namespace n ON n.nspname = $1`;

// catalogs only (no to_regclass): they are readable without USAGE on a schema someone else owns
const TABLE_SQL = `SELECT c.oid IS NOT NULL AS found, c.relkind::text AS kind, pg_get_userbyid(c.relowner)::text AS owner, c.relowner = ${ME} AS mine,
        (SELECT string_agg(quote_ident(t.tgname), ', ' ORDER BY t.tgname) FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal) AS triggers,
        (SELECT string_agg(quote_ident(r.rulename), ', ' ORDER BY r.rulename) FROM pg_rewrite r WHERE r.ev_class = c.oid) AS rules,
        (SELECT string_agg(quote_ident(p.polname), ', ' ORDER BY p.polname) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
        c.relrowsecurity OR c.relforcerowsecurity AS rls,
        (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
           FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
        ${grantees('c.relacl', 'c.relowner', `x.privilege_type <> 'SELECT'`)} AS grantees,
        EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid OR i.inhparent = c.oid) AS links,
        (SELECT string_agg(quote_ident(k.conname) || ' on ' || k.conrelid::regclass::text, ', ' ORDER BY k.conname) FROM pg_constraint k
          WHERE (k.confrelid = c.oid AND k.conrelid <> c.oid) OR (k.conrelid = c.oid AND k.contype IN ('c', 'x', 't'))) AS constraints,
        (SELECT string_agg(quote_ident(ic.relname), ', ' ORDER BY ic.relname) FROM pg_index ix JOIN pg_class ic ON ic.oid = ix.indexrelid
          WHERE ix.indrelid = c.oid AND (ix.indexprs IS NOT NULL OR ix.indpred IS NOT NULL)) AS indexes,
        (SELECT string_agg(DISTINCT p.oid::regprocedure::text, ', ') FROM pg_attrdef d
           JOIN pg_depend dp ON dp.classid = 'pg_attrdef'::regclass AND dp.objid = d.oid AND dp.refclassid = 'pg_proc'::regclass
           JOIN pg_proc p ON p.oid = dp.refobjid
          WHERE d.adrelid = c.oid AND p.pronamespace <> 'pg_catalog'::regnamespace) AS functions
   FROM (SELECT 1) one LEFT JOIN pg_namespace n ON n.nspname = $1 LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = $2`;

const KIND: Record<string, string> = { v: 'VIEW', m: 'MATERIALIZED VIEW', p: 'TABLE', f: 'FOREIGN TABLE', S: 'SEQUENCE', i: 'INDEX', c: 'TYPE' };

function schemaProblems(r: SchemaRow): HelperProblem[] {
  if (!r.exists) return [];
  const object = `schema ${q(HELPER_SCHEMA)}`;
  const out: HelperProblem[] = [];
  if (!r.mine) {
    out.push({
      object,
      cause: `The schema ${q(HELPER_SCHEMA)} in database "${r.db}" is owned by ${q(r.owner ?? '?')}, not by the task's account ${q(r.me)}.`,
      fix: `Check what it holds, then, as a superuser, rename it so DTS creates its own (ALTER SCHEMA ${q(HELPER_SCHEMA)} RENAME TO ${q(`${HELPER_SCHEMA}_untrusted`)};), or, if it and every object in it are trusted, give it to the account (ALTER SCHEMA ${q(HELPER_SCHEMA)} OWNER TO ${q(r.me)};). If it is the schema of another DTS task's account, use that account for this task too.`,
    });
  }
  if (r.creators) {
    out.push({
      object,
      cause: `Other roles may create objects in the schema ${q(HELPER_SCHEMA)}: ${r.creators}.`,
      fix: r.creators.split(', ').map((g) => `REVOKE CREATE ON SCHEMA ${q(HELPER_SCHEMA)} FROM ${g};`).join(' '),
    });
  }
  return out;
}

function tableProblems(t: HelperTable, r: TableRow, me: string): HelperProblem[] {
  if (!r.found) return [];
  const name = qualify(t.ref);
  const object = `table ${name}`;
  const out: HelperProblem[] = [];
  const add = (cause: string, fix: string) => out.push({ object, cause: `${name}: ${cause}.`, fix });
  const drop = t.legacy ? `drop it (DROP TABLE ${name};)` : `drop it (DROP TABLE ${name};) and let DTS create it again`;
  if (r.kind !== 'r') {
    const kind = KIND[r.kind ?? ''] ?? 'object';
    add(`it is a ${kind.toLowerCase()}, not an ordinary table`, `As its owner or a superuser, drop or rename it: DROP ${kind} ${name};`);
    return out;
  }
  if (!r.mine) add(`owned by ${q(r.owner ?? '?')}, not by the task's account ${q(me)}`, `Check it, then, as a superuser, ${drop}, or, if it is trusted, ALTER TABLE ${name} OWNER TO ${q(me)};`);
  if (r.triggers) add(`it has triggers (${r.triggers})`, `${r.triggers.split(', ').map((g) => `DROP TRIGGER ${g} ON ${name};`).join(' ')}`);
  if (r.rules) add(`it has rules (${r.rules})`, `${r.rules.split(', ').map((g) => `DROP RULE ${g} ON ${name};`).join(' ')}`);
  if (r.policies || r.rls) {
    const drops = (r.policies ?? '').split(', ').filter(Boolean).map((g) => `DROP POLICY ${g} ON ${name};`);
    add(`row-level security is ${r.rls ? 'on' : 'off'}${r.policies ? ` and it has policies (${r.policies})` : ''}`, [...drops, `ALTER TABLE ${name} NO FORCE ROW LEVEL SECURITY;`, `ALTER TABLE ${name} DISABLE ROW LEVEL SECURITY;`].join(' '));
  }
  // in any order: a column added by ALTER TABLE in an older version comes last
  const expected = t.columns.map(([c, ty]) => `${c} ${ty}`);
  const actual = new Set((r.columns ?? '').split(', ').filter(Boolean));
  const optional = new Set((t.optional ?? []).map((c) => expected.find((e) => e.startsWith(`${c} `))));
  const need = expected.filter((e) => !optional.has(e) || actual.has(e));
  if (actual.size !== need.length || !need.every((e) => actual.has(e))) {
    add(`its columns are (${r.columns ?? ''}), not (${expected.join(', ')})`, `As a superuser, ${drop}.`);
  }
  if (r.functions) add(`a column default or generated column calls ${r.functions}`, `As a superuser, ${drop}.`);
  if (r.constraints) add(`constraints involve it (${r.constraints})`, `Drop them: ALTER TABLE <table> DROP CONSTRAINT <name>; for each of ${r.constraints}.`);
  if (r.indexes) add(`it has expression or partial indexes (${r.indexes})`, r.indexes.split(', ').map((i) => `DROP INDEX ${q(t.ref.schema)}.${i};`).join(' '));
  if (r.links) add('it is part of an inheritance tree or a partitioned table', `As a superuser, ${drop}.`);
  if (r.grantees) add(`other roles hold privileges beyond SELECT on it: ${r.grantees}`, r.grantees.split(', ').map((g) => `REVOKE ALL ON ${name} FROM ${g};`).join(' '));
  return out;
}

/** reads the catalog only: the schema dts and the given helper tables */
export async function inspectHelpers(c: pg.Client, tables: HelperTable[]): Promise<HelperState> {
  const [s] = await catalogQuery<SchemaRow>(c, SCHEMA_SQL, [HELPER_SCHEMA]);
  const state: HelperState = {
    schema: { user: s.me, database: s.db, exists: s.exists, canCreate: s.can_create },
    found: new Set(),
    problems: tables.some((t) => !t.legacy) ? schemaProblems(s) : [],
  };
  for (const t of tables) {
    const [r] = await catalogQuery<TableRow>(c, TABLE_SQL, [t.ref.schema, t.ref.name]);
    if (r.found) state.found.add(qualify(t.ref));
    state.problems.push(...tableProblems(t, r, s.me));
  }
  return state;
}

/**
 * Makes sure the schema dts and the tables exist and pass the check, creating what is missing;
 * throws HelperObjectError naming what failed (nothing is touched then). A CREATE the account
 * may not run fails with its own error (42501).
 */
export async function ensureHelpers(c: pg.Client, where: string, tables: HelperTable[]): Promise<void> {
  let state = await inspectHelpers(c, tables);
  if (state.problems.length) throw new HelperObjectError(state.problems, where);
  if (!state.schema.exists) {
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${q(HELPER_SCHEMA)}`);
    // someone may have been quicker: IF NOT EXISTS then only notices
    state = await inspectHelpers(c, tables);
    if (state.problems.length) throw new HelperObjectError(state.problems, where);
  }
  const missing = tables.filter((t) => t.ddl && !state.found.has(qualify(t.ref)));
  if (!missing.length) return;
  for (const t of missing) await c.query(t.ddl as string);
  state = await inspectHelpers(c, tables);
  if (state.problems.length) throw new HelperObjectError(state.problems, where);
}

/** true when the table passes the parts of the check a write depends on (SQL condition) */
function trustedSql(t: HelperTable): string {
  const schemaOk = t.legacy
    ? ''
    : `AND n.nspowner = ${ME} AND NOT EXISTS (SELECT 1 FROM aclexplode(n.nspacl) x WHERE x.grantee <> n.nspowner AND x.privilege_type = 'CREATE')`;
  return `EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ${lit(t.ref.schema)} AND c.relname = ${lit(t.ref.name)} AND c.relkind = 'r' AND c.relowner = ${ME} ${schemaOk}
       AND NOT c.relrowsecurity AND NOT c.relforcerowsecurity
       AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND NOT g.tgisinternal)
       AND NOT EXISTS (SELECT 1 FROM pg_rewrite r WHERE r.ev_class = c.oid)
       AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)
       AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid OR i.inhparent = c.oid))`;
}

/**
 * Statements to run inside a transaction right before writing the tables: each is locked in
 * ROW EXCLUSIVE mode (so no trigger, rule or policy can be added until the transaction ends),
 * then checked again; a failure raises GUARD_CODE and the write never runs.
 */
export function guardStatements(tables: HelperTable[]): string[] {
  return [
    ...tables.map((t) => `LOCK TABLE ${qualify(t.ref)} IN ROW EXCLUSIVE MODE`),
    `DO $dts$ BEGIN IF NOT (${tables.map(trustedSql).join(' AND ')}) THEN RAISE EXCEPTION 'a DTS helper table failed its check' USING ERRCODE = '${GUARD_CODE}'; END IF; END $dts$`,
  ];
}

export const isGuardFailure = (e: unknown): boolean => (e as { code?: string } | undefined)?.code === GUARD_CODE;

/** the error to throw after a guard failed: what the check finds now */
export async function refusal(c: pg.Client, where: string, tables: HelperTable[]): Promise<HelperObjectError> {
  const state = await inspectHelpers(c, tables);
  const problems = state.problems.length
    ? state.problems
    : tables.map((t) => ({ object: `table ${qualify(t.ref)}`, cause: `${qualify(t.ref)} changed while DTS was writing it.`, fix: `Check ${qualify(t.ref)} for triggers, rules and policies.` }));
  return new HelperObjectError(problems, where);
}

/** Runs `stmts` in one transaction behind the guard of `tables`. */
export async function guardedWrite(c: pg.Client, where: string, tables: HelperTable[], stmts: string[]): Promise<void> {
  try {
    await c.query(['BEGIN', ...guardStatements(tables), ...stmts, 'COMMIT'].join(';\n'));
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    if (isGuardFailure(e)) throw await refusal(c, where, tables);
    throw e;
  }
}

/** Drops the schema dts when it is ours and empty; true when it was dropped. */
async function dropSchemaIfEmpty(c: pg.Client): Promise<boolean> {
  const [s] = await catalogQuery<SchemaRow>(c, SCHEMA_SQL, [HELPER_SCHEMA]);
  if (!s.exists || !s.mine) return false;
  try {
    await c.query(`DROP SCHEMA ${q(HELPER_SCHEMA)}`);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === '2BP01') return false; // something else lives there
    throw e;
  }
}

/**
 * Release of one helper table: deletes the row (`column` = `key`), drops the table when no row
 * is left, and the schema dts when it is then empty. A table that fails the check is left alone
 * and reported in `problems`; a legacy table that fails it is not ours and is only left alone.
 */
export async function releaseHelper(c: pg.Client, where: string, t: HelperTable, column: string, key: string): Promise<{ dropped: string[]; problems: HelperProblem[] }> {
  const state = await inspectHelpers(c, [t]);
  const dropped: string[] = [];
  const exists = state.found.has(qualify(t.ref));
  if (state.problems.length) return { dropped, problems: t.legacy ? [] : state.problems };
  if (exists) {
    await guardedWrite(c, where, [t], [`DELETE FROM ${qualify(t.ref)} WHERE ${q(column)} = ${lit(key)}`]);
    if (!(await c.query(`SELECT 1 FROM ${qualify(t.ref)} LIMIT 1`)).rowCount) {
      await c.query(`DROP TABLE ${qualify(t.ref)}`);
      dropped.push(`table ${t.ref.schema}.${t.ref.name}`);
    }
  }
  if (!t.legacy && (await dropSchemaIfEmpty(c))) dropped.push(`schema ${HELPER_SCHEMA}`);
  return { dropped, problems: [] };
}

/**
 * Upgrade from the previous version, which kept the checkpoint in public.dts_sync_checkpoint:
 * the task's row (its resume position and exact change count) moves to dts.dts_sync_checkpoint
 * in one transaction, only from a legacy table that passes the check, and the legacy table is
 * dropped once empty. An untrusted legacy table is never read: when the task may have its
 * position there (`mayHaveRow`), that is an error naming it; otherwise it is left alone.
 */
export async function carryCheckpoint(c: pg.Client, where: string, taskId: string, mayHaveRow: boolean): Promise<void> {
  const mine = await c.query(`SELECT 1 FROM ${qualify(CHECKPOINT)} WHERE task_id = $1`, [taskId]);
  if (mine.rowCount) return;
  const legacy = await inspectHelpers(c, [LEGACY_CHECKPOINT_TABLE]);
  if (!legacy.found.has(qualify(LEGACY_CHECKPOINT))) return;
  if (legacy.problems.length) {
    if (mayHaveRow) throw new HelperObjectError(legacy.problems, where);
    return;
  }
  const hasChanges = (await c.query(`SELECT 1 FROM pg_attribute WHERE attrelid = ${lit(qualify(LEGACY_CHECKPOINT))}::regclass AND attname = 'changes' AND NOT attisdropped`)).rowCount;
  const from = qualify(LEGACY_CHECKPOINT);
  await guardedWrite(c, where, [CHECKPOINT_TABLE, LEGACY_CHECKPOINT_TABLE], [
    `INSERT INTO ${qualify(CHECKPOINT)} (task_id, lsn, changes, updated_at)
       SELECT task_id, lsn, ${hasChanges ? 'changes' : '0'}, updated_at FROM ${from} WHERE task_id = ${lit(taskId)} ON CONFLICT (task_id) DO NOTHING`,
    `DELETE FROM ${from} WHERE task_id = ${lit(taskId)}`,
  ]);
  if (!(await c.query(`SELECT 1 FROM ${from} LIMIT 1`)).rowCount) await c.query(`DROP TABLE ${from}`);
}

/** the previous version's heartbeat row of the task goes, and the table once empty (if it passes the check) */
export async function retireLegacyHeartbeat(c: pg.Client, where: string, taskId: string): Promise<string[]> {
  return (await releaseHelper(c, where, LEGACY_HEARTBEAT_TABLE, 'task_id', taskId)).dropped;
}
