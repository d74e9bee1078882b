// Precheck items about what happens on the destination when DTS writes there (issue 14, items 5
// and 7), part of the destination items of precheck-target.ts:
//   - target.foreign_key_cascades: the rows an ON DELETE / ON UPDATE CASCADE or SET NULL changes
//     on the source are not in the binlog; the writer applies them from the destination's
//     foreign keys between the synchronized tables (cascades.ts). Every source key with such an
//     action where that cannot give the source's rows is named, with the fix: its parent table
//     is not selected, not all its columns are, a WHERE filter applies, the destination has no
//     such key (and Schema Synchronization will not create it) or has other actions.
//   - target.triggers: MySQL has no session_replication_role, so destination triggers fire on
//     the rows DTS writes. The writer sets @dts_apply in every session; each trigger on a
//     destination table that does not check it is named, with the guarded definition.
import type { TableMapping, TableRef } from '../types';
import { tableKey } from '../types';
import { q, qualify, rows, type MyConnection } from './connect';
import { changesChildren, fkActions } from './cascades';
import { readForeignKeys, type TableForeignKey } from './foreign-keys';
import { dataSync, incremental, listNames, listStatements, pass } from '../shared/precheck-util';
import { readGrants, type Check } from './precheck-util';
import { APPLY_VARIABLE } from './writer';

const schemasOf = (refs: TableRef[]) => [...new Set(refs.map((t) => t.schema))];

/** a foreign key in destination terms: child table and columns, parent table and columns */
const signature = (child: TableRef, cols: string[], parent: TableRef, refCols: string[]) => JSON.stringify([tableKey(child), cols, tableKey(parent), refCols]);

const targetColumns = (m: TableMapping, cols: string[]) => cols.map((c) => m.columns.find((x) => x.source === c)?.target);

function actionsText(definition: string): string {
  const a = fkActions(definition);
  return a ? `ON DELETE ${a.onDelete} ON UPDATE ${a.onUpdate}` : 'unknown actions';
}

/** InnoDB treats RESTRICT and NO ACTION alike (and stores RESTRICT as NO ACTION for a key added with checks off) */
const sameActions = (a: string, b: string) => actionsText(a).replace(/RESTRICT/g, 'NO ACTION') === actionsText(b).replace(/RESTRICT/g, 'NO ACTION');

async function foreignKeys(c: MyConnection, refs: TableRef[]): Promise<TableForeignKey[]> {
  const schemas = schemasOf(refs);
  return schemas.length ? readForeignKeys(c, schemas) : [];
}

const cascadesCheck: Check = {
  key: 'target.foreign_key_cascades',
  name: 'Check that the cascades of foreign keys can be applied on the destination',
  sides: ['source', 'target'],
  when: incremental,
  async run(ctx) {
    const maps = ctx.input.mappings;
    const bySource = new Map(maps.map((m) => [tableKey(m.source), m]));
    const [sourceKeys, targetKeys] = await Promise.all([foreignKeys(ctx.source, maps.map((m) => m.source)), foreignKeys(ctx.target, maps.map((m) => m.target))]);
    const onTarget = new Map(targetKeys.map((k) => [signature({ schema: k.schema, name: k.table }, k.columns, { schema: k.refSchema, name: k.refTable }, k.refColumns), k]));
    const problems: string[] = [];
    const fixes: string[] = [];
    for (const fk of sourceKeys) {
      const child = bySource.get(tableKey({ schema: fk.schema, name: fk.table }));
      if (!child) continue;
      const ref = { schema: fk.refSchema, name: fk.refTable };
      const what = `${q(fk.name)} of ${qualify(child.source)}`;
      const actions = fkActions(fk.definition);
      if (!actions) {
        problems.push(`${what}: its ON DELETE and ON UPDATE actions cannot be read${fk.unreadable ? ` (${fk.unreadable})` : ''}, so whether it cascades is unknown`);
        fixes.push(`Grant the source account SELECT on ${q(fk.schema)}.* so SHOW CREATE TABLE shows the actions.`);
        continue;
      }
      if (!changesChildren(actions.onDelete) && !changesChildren(actions.onUpdate)) continue;
      const label = `${what} (${actionsText(fk.definition)}, references ${qualify(ref)})`;
      const parent = bySource.get(tableKey(ref));
      if (!parent) {
        problems.push(`${label}: ${qualify(ref)} is not selected, so the rows its deletes and updates change in ${qualify(child.source)} are not synchronized`);
        fixes.push(`Select ${qualify(ref)} as well, or do not delete or update its referenced rows while the task runs.`);
        continue;
      }
      const cols = targetColumns(child, fk.columns);
      const refCols = targetColumns(parent, fk.refColumns);
      if (!cols.every((c) => c !== undefined) || !refCols.every((c) => c !== undefined)) {
        problems.push(`${label}: not all of its columns are selected, so DTS cannot find the rows its cascades change`);
        fixes.push(`Select the columns ${listNames([...fk.columns.map((c) => `${qualify(child.source)}.${q(c)}`), ...fk.refColumns.map((c) => `${qualify(ref)}.${q(c)}`)])}.`);
        continue;
      }
      if (child.where || parent.where) {
        problems.push(`${label}: a WHERE filter applies to ${listNames([child, parent].filter((m) => m.where).map((m) => qualify(m.source)))}, so its cascades reach rows the destination does not have, or move rows across the filter there`);
        fixes.push(`Remove the WHERE filter of ${qualify(child.where ? child.source : parent.source)}, or do not delete or update referenced rows of ${qualify(ref)} while the task runs.`);
      }
      const there = onTarget.get(signature(child.target, cols as string[], parent.target, refCols as string[]));
      const wanted = ` ${actionsText(fk.definition)}`;
      const add = `ALTER TABLE ${qualify(child.target)} ADD CONSTRAINT ${q(fk.name)} FOREIGN KEY (${(cols as string[]).map(q).join(', ')}) REFERENCES ${qualify(parent.target)} (${(refCols as string[]).map(q).join(', ')})${wanted};`;
      if (!there) {
        // Schema Synchronization creates it after the full load (schema.ts)
        if (ctx.input.syncTypes.schema) continue;
        problems.push(`${label}: the destination has no such foreign key on ${qualify(child.target)}, and DTS applies the cascades the destination's foreign keys define`);
        fixes.push(`On the destination, run: SET SESSION foreign_key_checks = 0; ${add}`);
      } else if (!sameActions(there.definition, fk.definition)) {
        problems.push(`${label}: on the destination, ${q(there.name)} of ${qualify(child.target)} has ${actionsText(there.definition)}`);
        fixes.push(`On the destination, run: SET SESSION foreign_key_checks = 0; ALTER TABLE ${qualify(child.target)} DROP FOREIGN KEY ${q(there.name)}; ${add}`);
      }
    }
    if (!problems.length) return pass();
    return {
      result: 'warn',
      cause: `InnoDB applies ON DELETE and ON UPDATE CASCADE and SET NULL inside the server, so the rows they change are not in the binary log; DTS applies them on the destination from its foreign keys. For these foreign keys the destination would not end equal to the source: ${listNames(problems, 5)}.`,
      fix: listStatements([...new Set(fixes)]),
    };
  },
};

interface TriggerRow { db: string; name: string; tbl: string; timing: string; event: string; body: string; definer: string }

/** a trigger body that leaves DTS's rows alone: it checks that @dts_apply is NULL */
const GUARDED = new RegExp(`${APPLY_VARIABLE}\\s+IS\\s+NULL`, 'i');

function quoteDefiner(definer: string): string {
  const at = definer.lastIndexOf('@');
  const part = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return at < 0 ? part(definer) : `${part(definer.slice(0, at))}@${part(definer.slice(at + 1))}`;
}

/** the statements that recreate a trigger guarded by @dts_apply, for the mysql client with DELIMITER // */
export function guardedTrigger(t: TriggerRow): string {
  const body = t.body.trim().replace(/;\s*$/, '');
  const name = qualify({ schema: t.db, name: t.name });
  return (
    `DROP TRIGGER ${name}//\n` +
    `CREATE DEFINER=${quoteDefiner(t.definer)} TRIGGER ${name} ${t.timing} ${t.event} ON ${qualify({ schema: t.db, name: t.tbl })} FOR EACH ROW ` +
    `IF ${APPLY_VARIABLE} IS NULL THEN ${body}; END IF//`
  );
}

const triggersCheck: Check = {
  key: 'target.triggers',
  name: 'Check the triggers of the destination tables',
  sides: ['target'],
  when: dataSync,
  async run(ctx) {
    const refs = ctx.input.mappings.map((m) => m.target);
    const schemas = schemasOf(refs);
    if (!schemas.length) return pass();
    // MySQL lists only the triggers of tables the account has TRIGGER on (MariaDB: any privilege)
    if (!ctx.targetVersion.mariadb) {
      const g = await readGrants(ctx.target);
      const blind = schemas.filter((db) => !g.has('TRIGGER', db));
      if (blind.length) {
        return {
          result: 'warn',
          cause: `The account "${ctx.targetUser}" may not see the triggers of ${listNames(blind.map(q))} (MySQL lists triggers only to accounts with the TRIGGER privilege), and a trigger there would fire on the rows DTS writes.`,
          fix: `Grant it: ${listStatements(blind.map((db) => `GRANT TRIGGER ON ${q(db)}.* TO '${ctx.targetUser}'@'%';`))}\nOr check the triggers of the destination tables yourself (SHOW TRIGGERS).`,
        };
      }
    }
    const wanted = new Set(refs.map((t) => tableKey(t)));
    const found = (
      await rows<TriggerRow>(ctx.target,
        `SELECT TRIGGER_SCHEMA AS db, TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS tbl, ACTION_TIMING AS timing, EVENT_MANIPULATION AS event, ACTION_STATEMENT AS body, DEFINER AS definer
           FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA IN (?) ORDER BY TRIGGER_SCHEMA, EVENT_OBJECT_TABLE, ACTION_ORDER, TRIGGER_NAME`,
        [schemas])
    ).filter((t) => wanted.has(tableKey({ schema: t.db, name: t.tbl })));
    const unguarded = found.filter((t) => !GUARDED.test(t.body));
    if (!unguarded.length) return pass(found.length ? `${found.length} trigger(s) on the destination tables check ${APPLY_VARIABLE} and leave the rows DTS writes alone.` : undefined);
    return {
      result: 'warn',
      cause:
        `These triggers on destination tables fire on the rows DTS writes (MySQL has no session_replication_role), so they can change those rows or other tables and the destination would differ from the source: ` +
        `${listNames(unguarded.map((t) => `${qualify({ schema: t.db, name: t.name })} (${t.timing} ${t.event} on ${qualify({ schema: t.db, name: t.tbl })})`))}.`,
      fix:
        `DTS sets the session variable ${APPLY_VARIABLE} in every session it writes with. Make each trigger leave those rows alone by wrapping its body in IF ${APPLY_VARIABLE} IS NULL THEN … END IF, ` +
        `or drop it on the destination while a task writes there. In the mysql client, run:\n` +
        `DELIMITER //\n${listStatements(unguarded.map(guardedTrigger), 5)}\nDELIMITER ;`,
    };
  },
};

export const applyChecks: Check[] = [cascadesCheck, triggersCheck];
