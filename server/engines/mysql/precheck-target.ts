// Precheck items that look at the MySQL destination (and some that compare both sides); those
// about what DTS's writes set off there (cascades, triggers) are in precheck-apply.ts.
import type { TableRef } from '../types';
import { tableKey } from '../types';
import { q, qualify, rows, type MyConnection } from './connect';
import { CHECKPOINT, DTS_DATABASE, MARKER } from './names';
import { conflictingTablesCheck, dataSync, listNames, listStatements, pass, tablesExistCheck } from '../shared/precheck-util';
import { grantee, qualifiedList, readGrants, type Check, type CheckContext } from './precheck-util';
import { applyChecks } from './precheck-apply';

/** the destination tables of the mappings that exist */
async function existingTargets(c: MyConnection, refs: TableRef[]): Promise<Set<string>> {
  if (!refs.length) return new Set();
  const r = await rows<{ db: string; tbl: string }>(c,
    'SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)',
    [[...new Set(refs.map((t) => t.schema))]],
  );
  return new Set(r.map((x) => tableKey({ schema: x.db, name: x.tbl })));
}

const targetRefs = (ctx: CheckContext) => ctx.input.mappings.map((m) => m.target);

/** privileges DTS's writer uses on destination tables: TRUNCATE (restart of a load) needs DROP */
const WRITE_PRIVS = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'DROP'];
/** Schema Synchronization: databases, tables, indexes, foreign keys (REFERENCES: MySQL only) */
const SCHEMA_PRIVS = ['CREATE', 'ALTER', 'INDEX', 'REFERENCES'];

export const targetChecks: Check[] = [
  {
    key: 'target.create_privilege',
    name: 'Check the permission of the destination database account to create objects',
    sides: ['target'],
    when: (i) => i.syncTypes.schema,
    async run(ctx) {
      const g = await readGrants(ctx.target);
      const bad = [...new Set(targetRefs(ctx).map((t) => t.schema))]
        .map((db) => ({ db, lacking: SCHEMA_PRIVS.filter((p) => !(p === 'REFERENCES' && ctx.targetVersion.mariadb) && !g.has(p, db)) }))
        .filter((x) => x.lacking.length);
      if (!bad.length) return pass();
      const who = await grantee(ctx.target);
      return {
        result: 'fail',
        cause: `The account "${ctx.targetUser}" cannot create the destination objects: ${listNames(bad.map((b) => `${q(b.db)} (missing ${b.lacking.join(', ')})`), 5)}.`,
        fix: `As an administrator on the destination, run:\n${listStatements(bad.map((b) => `GRANT ${b.lacking.join(', ')} ON ${q(b.db)}.* TO ${who};`))}\nOr create the databases and tables beforehand and clear Schema Synchronization.`,
      };
    },
  },
  tablesExistCheck<CheckContext>(async (ctx) => {
    const existing = await existingTargets(ctx.target, targetRefs(ctx));
    return targetRefs(ctx).filter((t) => !existing.has(tableKey(t)));
  }, qualifiedList),
  {
    key: 'target.write_privilege',
    name: 'Check the write permission of the destination database account',
    sides: ['target'],
    when: dataSync,
    async run(ctx) {
      const g = await readGrants(ctx.target);
      const bad = targetRefs(ctx)
        .map((t) => ({ t, lacking: WRITE_PRIVS.filter((p) => !g.has(p, t.schema, t.name)) }))
        .filter((x) => x.lacking.length);
      if (!bad.length) return pass();
      const who = await grantee(ctx.target);
      const byDb = new Map<string, Set<string>>();
      for (const b of bad) for (const p of b.lacking) byDb.set(b.t.schema, (byDb.get(b.t.schema) ?? new Set()).add(p));
      return {
        result: 'fail',
        cause: `The account "${ctx.targetUser}" may not write to the destination tables: ${listNames(bad.map((b) => `${qualify(b.t)} (missing ${b.lacking.join(', ')})`), 5)}. DTS inserts, updates and deletes rows, and empties a table (TRUNCATE, which needs DROP) when it restarts an interrupted load.`,
        fix: `As an administrator on the destination, run:\n${listStatements([...byDb].map(([db, p]) => `GRANT ${[...p].join(', ')} ON ${q(db)}.* TO ${who};`))}`,
      };
    },
  },
  {
    key: 'target.checkpoint_privilege',
    name: 'Check the permission of the destination database account to create the DTS checkpoint tables',
    sides: ['target'],
    when: (i) => dataSync(i),
    async run(ctx) {
      const g = await readGrants(ctx.target);
      const existing = await existingTargets(ctx.target, [CHECKPOINT, MARKER]);
      const lacking = new Set<string>();
      for (const t of [CHECKPOINT, MARKER]) {
        const need = existing.has(tableKey(t)) ? ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] : ['CREATE', 'SELECT', 'INSERT', 'UPDATE', 'DELETE'];
        for (const p of need) if (!g.has(p, t.schema, t.name)) lacking.add(p);
      }
      if (!lacking.size) return pass();
      return {
        result: 'fail',
        cause: `The account "${ctx.targetUser}" cannot ${existing.size ? 'write' : 'create and write'} DTS's tables ${qualify(CHECKPOINT)} and ${qualify(MARKER)} (missing ${[...lacking].join(', ')}), where the task records its position together with the data it applies.`,
        fix: `As an administrator on the destination, run: GRANT CREATE, SELECT, INSERT, UPDATE, DELETE, DROP, TRIGGER ON ${q(DTS_DATABASE)}.* TO ${await grantee(ctx.target)};`,
      };
    },
  },
  conflictingTablesCheck<CheckContext>(async (ctx) => {
    const existing = await existingTargets(ctx.target, targetRefs(ctx));
    return targetRefs(ctx).filter((t) => existing.has(tableKey(t)));
  }, qualifiedList),
  {
    key: 'target.same_database',
    name: 'Check whether the source and destination databases are the same',
    sides: ['source', 'target'],
    when: () => true,
    async run({ source, target, input }) {
      const ident = 'SELECT @@hostname AS host, @@port AS port, @@server_id AS id, @@datadir AS dir';
      type Ident = { host: string; port: string; id: string; dir: string };
      const [[a], [b]] = [await rows<Ident>(source, ident), await rows<Ident>(target, ident)];
      if (a.host !== b.host || a.port !== b.port || a.id !== b.id || a.dir !== b.dir) return pass();
      const same = input.mappings.filter((m) => tableKey(m.source) === tableKey(m.target)).map((m) => m.source);
      if (!same.length) return pass('The source and destination are the same server; every table is written to a different database or name.');
      return {
        result: 'warn',
        cause: `The source and destination are the same server, and these tables would be written into themselves: ${qualifiedList(same)}.`,
        fix: 'Choose a different destination, or map the tables to a different database or name.',
      };
    },
  },
  // foreign-key cascades and triggers on the rows DTS writes (precheck-apply.ts)
  ...applyChecks,
];
