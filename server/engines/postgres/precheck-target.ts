// Precheck items that look at the destination database (and one that compares both sides).
import { catalogQuery } from './catalog-queries';
import { q, qualify } from './connect';
import { conflictingTablesCheck, dataSync, listNames, listStatements, pass, tablesExistCheck } from '../shared/precheck-util';
import { qualifiedList, refParams, type Check, type CheckContext } from './precheck-util';

interface TargetTable {
  schema: string;
  name: string;
  found: boolean;
  usage: boolean;
  ins: boolean;
  upd: boolean;
  del: boolean;
  trunc: boolean;
}

async function targetTables(ctx: CheckContext): Promise<TargetTable[]> {
  const refs = ctx.input.mappings.map((m) => m.target);
  return await catalogQuery<TargetTable>(ctx.target,
    `SELECT x.s AS schema, x.n AS name, c.oid IS NOT NULL AS found,
            coalesce(has_schema_privilege(c.relnamespace, 'USAGE'), false) AS usage,
            coalesce(has_table_privilege(c.oid, 'INSERT'), false) AS ins, coalesce(has_table_privilege(c.oid, 'UPDATE'), false) AS upd,
            coalesce(has_table_privilege(c.oid, 'DELETE'), false) AS del, coalesce(has_table_privilege(c.oid, 'TRUNCATE'), false) AS trunc
       FROM unnest($1::text[], $2::text[]) AS x(s, n) LEFT JOIN pg_class c ON c.oid = to_regclass(format('%I.%I', x.s, x.n))`,
    refParams(refs),
  );
}

export const targetChecks: Check[] = [
  {
    key: 'target.create_privilege',
    name: 'Check the permission of the destination database account to create objects',
    sides: ['target'],
    when: (i) => i.syncTypes.schema,
    async run({ target, input, targetUser }) {
      const schemas = [...new Set(input.mappings.map((m) => m.target.schema))];
      const rows = (await catalogQuery<{ s: string; exists: boolean; ok: boolean }>(target,
        `SELECT x.s, n.oid IS NOT NULL AS exists,
                CASE WHEN n.oid IS NULL THEN has_database_privilege(current_database(), 'CREATE') ELSE has_schema_privilege(n.oid, 'CREATE') END AS ok
           FROM unnest($1::text[]) AS x(s) LEFT JOIN pg_namespace n ON n.nspname = x.s`,
        [schemas],
      ));
      const bad = rows.filter((r) => !r.ok);
      if (!bad.length) return pass();
      const fixes = bad.map((r) => (r.exists ? `GRANT USAGE, CREATE ON SCHEMA ${q(r.s)} TO ${q(targetUser)};` : `GRANT CREATE ON DATABASE ${q(input.target.database)} TO ${q(targetUser)};`));
      return {
        result: 'fail',
        cause: `The account "${targetUser}" cannot create ${bad.map((r) => (r.exists ? `tables in schema ${q(r.s)}` : `the schema ${q(r.s)}`)).join(', ')}.`,
        fix: `Run as the owner or a superuser on the destination:\n${listStatements([...new Set(fixes)])}\nOr create the schemas beforehand and give the account CREATE on them.`,
      };
    },
  },
  tablesExistCheck<CheckContext>(async (ctx) => (await targetTables(ctx)).filter((t) => !t.found), qualifiedList),
  {
    key: 'target.write_privilege',
    name: 'Check the write permission of the destination database account',
    sides: ['target'],
    when: dataSync,
    async run(ctx) {
      const existing = (await targetTables(ctx)).filter((t) => t.found);
      const bad = existing.filter((t) => !(t.usage && t.ins && t.upd && t.del && t.trunc));
      if (!bad.length) return pass();
      const privs = (t: TargetTable) => [!t.ins && 'INSERT', !t.upd && 'UPDATE', !t.del && 'DELETE', !t.trunc && 'TRUNCATE'].filter(Boolean).join(', ');
      const user = q(ctx.targetUser);
      const fixes = [
        ...[...new Set(bad.filter((t) => !t.usage).map((t) => t.schema))].map((s) => `GRANT USAGE ON SCHEMA ${q(s)} TO ${user};`),
        ...bad.filter((t) => privs(t)).map((t) => `GRANT ${privs(t)} ON ${qualify(t)} TO ${user};`),
      ];
      return {
        result: 'fail',
        cause: `The account "${ctx.targetUser}" may not write to existing destination tables: ${listNames(bad.map((t) => `${qualify(t)}${privs(t) ? ` (missing ${privs(t)})` : ' (no USAGE on its schema)'}`), 5)}.`,
        fix: `Run as the owner or a superuser on the destination:\n${listStatements(fixes)}`,
      };
    },
  },
  conflictingTablesCheck<CheckContext>(async (ctx) => (await targetTables(ctx)).filter((t) => t.found), qualifiedList),
  {
    key: 'target.session_replication_role',
    name: 'Check whether the destination database account can set session_replication_role',
    sides: ['target'],
    when: dataSync,
    async run({ target, targetUser }) {
      let ok = true;
      await target.query('BEGIN');
      try {
        await target.query('SET LOCAL session_replication_role = replica');
      } catch {
        ok = false;
      } finally {
        await target.query('ROLLBACK');
      }
      if (ok) return pass();
      return {
        result: 'warn',
        cause: `The account "${targetUser}" may not set session_replication_role to replica, so triggers and foreign keys of the destination tables fire while DTS writes (rows may be rejected or written twice by triggers).`,
        fix: `Use a superuser as the destination account, or, as a superuser, run ALTER ROLE ${q(targetUser)} SET session_replication_role = replica; (PostgreSQL 15+: GRANT SET ON PARAMETER session_replication_role TO ${q(targetUser)};)`,
      };
    },
  },
  {
    key: 'target.same_database',
    name: 'Check whether the source and destination databases are the same',
    sides: ['source', 'target'],
    when: () => true,
    async run({ source, target }) {
      const ident = `SELECT current_database() AS db, pg_postmaster_start_time()::text AS started, current_setting('port') AS port`;
      type Ident = { db: string; started: string; port: string };
      const [[a], [b]] = [await catalogQuery<Ident>(source, ident), await catalogQuery<Ident>(target, ident)];
      if (a.db !== b.db || a.started !== b.started || a.port !== b.port) return pass();
      return {
        result: 'warn',
        cause: `The source and destination are the same database (${a.db}): the task would write into the tables it reads.`,
        fix: 'Choose a different destination database, or map every table to a different schema or name.',
      };
    },
  },
];
