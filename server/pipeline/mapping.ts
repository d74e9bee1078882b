// From the task's object selection to TableMappings: which source tables and columns are
// synchronized, under which destination names, with which key, filter and DML operations.
// Pure logic over a Catalog; no database access.
//
// Destination names, in order:
//   1. a name the operator typed for the object (targetName) is used as it is;
//   2. otherwise the first Batch Edit rule (renameRules) of the object's level whose pattern
//      (RE2 syntax, matched in linear time: naming.ts) matches the whole source name gives the name;
//   3. otherwise the source name;
//   and names from 2 and 3 then follow "Capitalization of Object Names in Destination Instance"
//   ('default' and 'source' keep them, 'lower' and 'upper' change them). A typed name is what
//   the operator asked for, so capitalization does not change it.
import { badRequest } from '../errors';
import type { Catalog, CatalogTable, DmlOp, TableMapping } from '../engines/types';
import { tableKey } from '../engines/types';
import type { ObjectSelection } from '../services/task-config';
import { applyCapitalization, compileRenameRules, destinationName, firstRuleError, type NamingRule } from '../domain/naming';

export type Capitalization = ObjectSelection['capitalization'];
type RenameRule = ObjectSelection['renameRules'][number];
type Level = RenameRule['level'];

const ALL_OPS: DmlOp[] = ['insert', 'update', 'delete'];

export { applyCapitalization };

/**
 * The Batch Edit rules, compiled with RE2 (naming.ts). A rule stored before patterns were checked
 * at create and configure may be one RE2 cannot run: it fails here, naming the rule and the fix.
 */
function compileRules(rules: RenameRule[]): NamingRule[] {
  const compiled = compileRenameRules(rules);
  const error = firstRuleError(compiled);
  if (error) throw badRequest(error.message, `objects.${error.field}`);
  return compiled.rules;
}

/** Input accepted by resolveMappings: the parsed selection, with defaults optional. */
export type SelectionInput = Pick<ObjectSelection, 'schemas'> & Partial<Pick<ObjectSelection, 'renameRules' | 'capitalization'>>;

export function resolveMappings(catalog: Catalog, selection: SelectionInput): TableMapping[] {
  const rules = compileRules(selection.renameRules ?? []);
  const cap: Capitalization = selection.capitalization ?? 'default';
  const nameFor = (level: Level, source: string, typed: string | undefined): string => {
    const name = destinationName(rules, level, source, typed, cap);
    if (!name) throw badRequest(`Batch Edit renames the ${level} "${source}" to an empty name. Change the rule.`, 'objects.renameRules');
    return name;
  };

  const tablesBySchema = new Map<string, CatalogTable[]>();
  for (const t of catalog.tables) {
    const list = tablesBySchema.get(t.schema) ?? [];
    list.push(t);
    tablesBySchema.set(t.schema, list);
  }
  const knownSchemas = new Set([...catalog.schemas, ...tablesBySchema.keys()]);

  const out: TableMapping[] = [];
  const seenSource = new Set<string>();
  const byTarget = new Map<string, TableMapping>();

  selection.schemas.forEach((s, si) => {
    if (!knownSchemas.has(s.name)) {
      throw badRequest(`Schema "${s.name}" does not exist in the source database. Remove it from the selected objects or refresh the object list.`, `objects.schemas.${si}.name`);
    }
    const targetSchema = nameFor('schema', s.name, s.targetName);
    const tables = tablesBySchema.get(s.name) ?? [];
    const picks = s.tables
      ? s.tables.map((sel, ti) => {
          const t = tables.find((x) => x.name === sel.name);
          if (!t) {
            throw badRequest(`Table "${s.name}"."${sel.name}" does not exist in the source database. Remove it from the selected objects or refresh the object list.`, `objects.schemas.${si}.tables.${ti}.name`);
          }
          return { t, sel, field: `objects.schemas.${si}.tables.${ti}` };
        })
      : tables.map((t) => ({ t, sel: undefined, field: `objects.schemas.${si}` }));

    for (const { t, sel, field } of picks) {
      const label = `"${t.schema}"."${t.name}"`;
      const srcKey = tableKey(t);
      if (seenSource.has(srcKey)) throw badRequest(`Table ${label} is selected twice. Select it once.`, field);
      seenSource.add(srcKey);

      const byName = new Map(t.columns.map((c) => [c.name, c]));
      let chosen: { name: string; targetName?: string }[];
      if (sel?.columns) {
        sel.columns.forEach((c, ci) => {
          if (!byName.has(c.name)) {
            throw badRequest(`Column "${c.name}" does not exist in table ${label}. Remove it from the selected columns or refresh the object list.`, `${field}.columns.${ci}.name`);
          }
        });
        const wanted = new Map(sel.columns.map((c) => [c.name, c]));
        chosen = t.columns.filter((c) => wanted.has(c.name)).map((c) => ({ name: c.name, targetName: wanted.get(c.name)?.targetName }));
      } else {
        chosen = t.columns.map((c) => ({ name: c.name }));
      }
      const columns = chosen
        .filter((c) => !byName.get(c.name)?.generatedExpr)
        .map((c) => ({ source: c.name, target: nameFor('column', c.name, c.targetName) }));
      if (columns.length === 0) throw badRequest(`No column of table ${label} can be synchronized (generated columns are computed on the destination). Select at least one other column.`, field);

      const colTargets = new Map<string, string>();
      for (const c of columns) {
        const prev = colTargets.get(c.target);
        if (prev) throw badRequest(`Columns "${prev}" and "${c.source}" of table ${label} would both be named "${c.target}" in the destination. Rename one of them.`, field);
        colTargets.set(c.target, c.source);
      }

      const selected = new Set(columns.map((c) => c.source));
      const keyColumns = chooseKey(t, selected, label, field);

      const mapping: TableMapping = {
        source: { schema: t.schema, name: t.name },
        target: { schema: targetSchema, name: nameFor('table', t.name, sel?.targetName) },
        columns,
        keyColumns,
        where: sel?.where?.trim() ? sel.where.trim() : null,
        ops: [...(sel?.ops ?? s.ops ?? ALL_OPS)],
      };
      const tKey = tableKey(mapping.target);
      const other = byTarget.get(tKey);
      if (other) {
        throw badRequest(
          `Tables "${other.source.schema}"."${other.source.name}" and ${label} would both be synchronized to "${mapping.target.schema}"."${mapping.target.name}". Rename one of them with object name mapping.`,
          field,
        );
      }
      byTarget.set(tKey, mapping);
      out.push(mapping);
    }
  });
  return out;
}

/**
 * The columns that identify a row on the destination. They must be the columns the source's
 * replica identity publishes, because the old-row images of deletes and key-changing updates
 * carry only those:
 *   1. REPLICA IDENTITY USING INDEX: that index's columns (PostgreSQL uses it instead of the
 *      primary key, even when the table has one);
 *   2. the primary key (the default identity);
 *   3. the first unique key whose columns are all NOT NULL: REPLICA IDENTITY FULL images
 *      carry it; with DEFAULT (no primary key, so nothing published) the precheck fails the
 *      table for incremental, and full data uses it;
 *   4. REPLICA IDENTITY FULL without such a key: every selected column;
 *   5. none of these: [] (full data only: the precheck fails it for incremental).
 */
function chooseKey(t: CatalogTable, selected: Set<string>, label: string, field: string): string[] {
  const missing = (cols: string[]) => cols.find((c) => !selected.has(c));
  const ri = t.replicaIdentity === 'i' ? t.replicaIdentityColumns : null;
  if (ri && ri.length > 0) {
    const m = missing(ri);
    if (m) {
      const index = t.indexes.find((x) => x.unique && x.columns.length === ri.length && x.columns.every((c, i) => c === ri[i]));
      throw badRequest(
        `Column "${m}" is part of the replica identity index ${index ? `${index.name} ` : ''}of ${label}, which identifies its rows in the changes the source publishes, and must be selected. Select it, or select the whole table.`,
        field,
      );
    }
    return [...ri];
  }
  if (t.primaryKey) {
    const m = missing(t.primaryKey.columns);
    if (m) throw badRequest(`Column "${m}" is part of the primary key of ${label} and must be selected. Select it, or select the whole table.`, field);
    return [...t.primaryKey.columns];
  }
  const candidates = t.uniqueKeys.filter((u) => u.allNotNull);
  const usable = candidates.find((u) => !missing(u.columns));
  if (usable) return [...usable.columns];
  if (candidates.length > 0) {
    const u = candidates[0];
    throw badRequest(`Column "${missing(u.columns)}" is part of the unique key ${u.name} of ${label}, which identifies its rows, and must be selected.`, field);
  }
  if (t.replicaIdentity === 'f') return t.columns.filter((c) => selected.has(c.name)).map((c) => c.name);
  return [];
}
