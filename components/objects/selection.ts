// The selected objects as the tree the Selected Objects pane shows (Maps keyed by name), and
// the conversion to and from ObjectSelection, the shape the API takes. A schema whose `tables`
// is null is the whole schema (tables created later included); a table whose `columns` is null
// has every column. Moving checked source objects in and removing checked selected objects out
// are here too; per-object edits are in selection-edit.ts.
import {
  tableKey,
  keyColumns,
  qualified,
  selectableTables,
  type CatalogIndex,
  type DmlOp,
  type ObjectSelection,
  type RenameRule,
} from './catalog-index';
import { tableTri, type CheckState, type TreeChildren } from './checks';

export interface ColSel {
  name: string;
  targetName?: string;
}
export interface TableSel {
  name: string;
  targetName?: string;
  where?: string;
  ops?: DmlOp[];
  columns: ReadonlyMap<string, ColSel> | null;
}
export interface SchemaSel {
  name: string;
  targetName?: string;
  ops?: DmlOp[];
  tables: ReadonlyMap<string, TableSel> | null;
}
export interface SelState {
  schemas: ReadonlyMap<string, SchemaSel>;
  renameRules: RenameRule[];
  capitalization: ObjectSelection['capitalization'];
}
/** what an operation did besides its result, for the operator to read */
export interface Outcome {
  state: SelState;
  notes: string[];
}

const fromCache = new WeakMap<ObjectSelection, SelState>();

export function fromSelection(value: ObjectSelection | null): SelState {
  if (!value) return { schemas: new Map(), renameRules: [], capitalization: undefined };
  const cached = fromCache.get(value);
  if (cached) return cached;
  const schemas = new Map<string, SchemaSel>();
  for (const s of value.schemas) {
    const tables = s.tables
      ? new Map(
          s.tables.map((t) => [
            t.name,
            { name: t.name, targetName: t.targetName, where: t.where, ops: t.ops, columns: t.columns ? new Map(t.columns.map((c) => [c.name, { ...c }])) : null },
          ]),
        )
      : null;
    schemas.set(s.name, { name: s.name, targetName: s.targetName, ops: s.ops, tables });
  }
  const state: SelState = { schemas, renameRules: value.renameRules ?? [], capitalization: value.capitalization };
  fromCache.set(value, state);
  return state;
}

const byOrder = (order: Map<string, number>, key: (x: string) => string) => (a: string, b: string) =>
  (order.get(key(a)) ?? Number.MAX_SAFE_INTEGER) - (order.get(key(b)) ?? Number.MAX_SAFE_INTEGER) || (a < b ? -1 : a > b ? 1 : 0);

/** the ObjectSelection for the API, in catalog order; null when nothing is selected */
export function toSelection(state: SelState, index: CatalogIndex): ObjectSelection | null {
  if (state.schemas.size === 0) return null;
  const schemaNames = [...state.schemas.keys()].sort(byOrder(index.schemaOrder, (s) => s));
  const out: ObjectSelection = {
    schemas: schemaNames.map((sn) => {
      const s = state.schemas.get(sn)!;
      const tables = s.tables
        ? [...s.tables.keys()].sort(byOrder(index.tableOrder, (t) => tableKey(sn, t))).map((tn) => {
            const t = s.tables!.get(tn)!;
            const cols = t.columns ? columnsInOrder(index, sn, t) : undefined;
            return compact({ name: t.name, targetName: t.targetName, columns: cols, where: t.where, ops: t.ops });
          })
        : undefined;
      return compact({ name: s.name, targetName: s.targetName, tables, ops: s.ops });
    }),
    renameRules: state.renameRules,
    capitalization: state.capitalization,
  };
  if (out.capitalization === undefined) delete out.capitalization;
  fromCache.set(out, state);
  return out;
}

function columnsInOrder(index: CatalogIndex, schema: string, t: TableSel): ColSel[] {
  const cat = index.tables.get(tableKey(schema, t.name));
  const names = cat ? cat.columns.map((c) => c.name).filter((n) => t.columns!.has(n)) : [];
  for (const n of t.columns!.keys()) if (!names.includes(n)) names.push(n);
  return names.map((n) => compact({ ...t.columns!.get(n)! }));
}

/** drops undefined fields, so the JSON the API gets carries only what was chosen */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

export const catalogColumns = (index: CatalogIndex, schema: string, table: string) => index.tables.get(tableKey(schema, table))?.columns.map((c) => c.name) ?? [];

/** the children the Selected Objects tree shows: what is selected, whole schemas and tables expanded from the catalog */
export function selectedChildren(state: SelState, index: CatalogIndex): TreeChildren {
  return {
    tables: (schema) => {
      const s = state.schemas.get(schema);
      if (!s) return [];
      return s.tables ? [...s.tables.keys()] : selectableTables(index, schema).map((t) => t.name);
    },
    columns: (schema, table) => {
      const t = state.schemas.get(schema)?.tables?.get(table);
      return t?.columns ? [...t.columns.keys()] : catalogColumns(index, schema, table);
    },
  };
}

export const hasTableEdits = (t: TableSel): boolean =>
  t.targetName !== undefined || t.where !== undefined || t.ops !== undefined || (t.columns !== null && [...t.columns.values()].some((c) => c.targetName !== undefined));

/** the schema selected table by table: every selectable table of it, with its current edits */
export function listTables(s: SchemaSel, index: CatalogIndex): Map<string, TableSel> {
  if (s.tables) return new Map(s.tables);
  return new Map(selectableTables(index, s.name).map((t) => [t.name, { name: t.name, columns: null }]));
}

export function listColumns(t: TableSel, schema: string, index: CatalogIndex): Map<string, ColSel> {
  if (t.columns) return new Map(t.columns);
  return new Map(catalogColumns(index, schema, t.name).map((n) => [n, { name: n }]));
}

/** `>`: adds the checked source objects to the selection */
export function moveToSelected(state: SelState, checks: CheckState, index: CatalogIndex): Outcome {
  const schemas = new Map(state.schemas);
  const notes: string[] = [];
  const schemaSel = (name: string): SchemaSel => schemas.get(name) ?? { name, tables: new Map() };

  for (const name of checks.schemas) {
    const prev = schemas.get(name);
    if (index.schemasWithDisabled.has(name)) {
      const tables = prev?.tables ? new Map(prev.tables) : new Map<string, TableSel>();
      for (const t of selectableTables(index, name)) tables.set(t.name, { ...(tables.get(t.name) ?? { name: t.name }), columns: null });
      schemas.set(name, { ...schemaSel(name), tables });
    } else if (prev?.tables && [...prev.tables.values()].some(hasTableEdits)) {
      const tables = listTables({ ...prev, tables: null }, index);
      for (const [n, t] of prev.tables) tables.set(n, { ...t, columns: null });
      schemas.set(name, { ...prev, tables });
      notes.push(`Schema ${name} stays selected table by table to keep the edits of its tables; tables created later are not included.`);
    } else schemas.set(name, { ...(prev ?? { name }), tables: null });
  }

  const tablesTouched = new Map<string, Map<string, TableSel>>();
  const tablesOf = (schema: string): Map<string, TableSel> | null => {
    let m = tablesTouched.get(schema);
    if (m) return m;
    const s = schemaSel(schema);
    if (!s.tables) return null; // the whole schema is already selected
    m = new Map(s.tables);
    tablesTouched.set(schema, m);
    return m;
  };
  for (const t of checks.tables.values()) {
    const m = tablesOf(t.schema);
    if (m) m.set(t.name, { ...(m.get(t.name) ?? { name: t.name }), columns: null });
  }
  for (const c of checks.columns.values()) {
    const m = tablesOf(c.schema);
    if (!m) continue;
    const prev = m.get(c.name);
    if (prev && prev.columns === null) continue;
    const all = catalogColumns(index, c.schema, c.name);
    const cols = new Map(prev?.columns ?? []);
    for (const n of c.columns) if (!cols.has(n)) cols.set(n, { name: n });
    const added = keyColumns(index, c.schema, c.name).filter((k) => !cols.has(k));
    for (const k of added) cols.set(k, { name: k });
    if (added.length) notes.push(`Added the primary key column${added.length > 1 ? 's' : ''} ${added.join(', ')} of ${qualified(c.schema, c.name)}: the key columns must be synchronized.`);
    const everything = all.length > 0 && all.every((n) => cols.has(n)) && [...cols.values()].every((x) => x.targetName === undefined);
    m.set(c.name, { ...(prev ?? { name: c.name }), columns: everything ? null : cols });
  }
  for (const [schema, tables] of tablesTouched) schemas.set(schema, { ...schemaSel(schema), tables });
  return { state: { ...state, schemas }, notes };
}

/** `<`: removes the checked selected objects; a key column stays, with a note why */
export function removeChecked(state: SelState, checks: CheckState, index: CatalogIndex): Outcome {
  const schemas = new Map(state.schemas);
  const notes: string[] = [];
  for (const name of checks.schemas) schemas.delete(name);
  const touched = new Map<string, Map<string, TableSel>>();
  const tablesOf = (schema: string) => {
    let m = touched.get(schema);
    const s = schemas.get(schema);
    if (!m && s) touched.set(schema, (m = listTables(s, index)));
    return m;
  };
  for (const t of checks.tables.values()) tablesOf(t.schema)?.delete(t.name);
  for (const c of checks.columns.values()) {
    if (tableTri(checks, c.schema, c.name) === 'all') continue;
    const keys = new Set(keyColumns(index, c.schema, c.name));
    const kept = [...c.columns].filter((n) => keys.has(n));
    if (kept.length) notes.push(keyColumnHint(c.schema, c.name, kept));
    if (kept.length === c.columns.size) continue;
    const m = tablesOf(c.schema);
    const t = m?.get(c.name);
    if (!m || !t) continue;
    const cols = listColumns(t, c.schema, index);
    for (const n of c.columns) if (!keys.has(n)) cols.delete(n);
    if (cols.size === 0) m.delete(c.name);
    else m.set(c.name, { ...t, columns: cols });
  }
  for (const [schema, tables] of touched) {
    const s = schemas.get(schema)!;
    if (tables.size === 0) schemas.delete(schema);
    else schemas.set(schema, { ...s, tables });
  }
  return { state: { ...state, schemas }, notes };
}

export function keyColumnHint(schema: string, table: string, columns: string[]): string {
  const one = columns.length === 1;
  return `${one ? 'Column' : 'Columns'} ${columns.join(', ')} ${one ? 'is' : 'are'} part of the primary key of ${qualified(schema, table)} and must stay selected. Remove the whole table instead.`;
}

