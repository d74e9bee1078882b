// The checkboxes of an object tree (schemas → tables → columns), as an immutable value. A
// checked node stands for all of its children: a checked schema holds no table entries, a
// checked table no column entries. Checking the last unchecked child checks the parent;
// unchecking a child of a checked parent checks the siblings instead. Used by both panes:
// the children come from the catalog (Source Objects) or from the selection (Selected Objects).
import { tableKey } from './catalog-index';

export interface TreeChildren {
  /** the tables that can be checked under a schema */
  tables: (schema: string) => string[];
  columns: (schema: string, table: string) => string[];
  /** false when the schema itself cannot be checked as a whole (it holds disabled tables) */
  wholeSchema?: (schema: string) => boolean;
}

export interface CheckState {
  schemas: ReadonlySet<string>;
  /** tableKey → checked table, its schema not checked */
  tables: ReadonlyMap<string, { schema: string; name: string }>;
  /** tableKey → checked columns, its table not checked */
  columns: ReadonlyMap<string, { schema: string; name: string; columns: ReadonlySet<string> }>;
}

export type Tri = 'all' | 'some' | 'none';

export const emptyChecks = (): CheckState => ({ schemas: new Set(), tables: new Map(), columns: new Map() });

export const isEmptyChecks = (c: CheckState): boolean => c.schemas.size === 0 && c.tables.size === 0 && c.columns.size === 0;

function withoutSchemaEntries(c: CheckState, schema: string) {
  const tables = new Map([...c.tables].filter(([, t]) => t.schema !== schema));
  const columns = new Map([...c.columns].filter(([, t]) => t.schema !== schema));
  return { tables, columns };
}

export function setSchema(c: CheckState, schema: string, on: boolean, kids: TreeChildren): CheckState {
  const { tables, columns } = withoutSchemaEntries(c, schema);
  const schemas = new Set(c.schemas);
  schemas.delete(schema);
  if (on) {
    if (kids.wholeSchema?.(schema) === false) {
      for (const name of kids.tables(schema)) tables.set(tableKey(schema, name), { schema, name });
    } else schemas.add(schema);
  }
  return { schemas, tables, columns };
}

/** checks the schema itself when every table of it is checked */
function promote(c: { schemas: Set<string>; tables: Map<string, { schema: string; name: string }>; columns: Map<string, unknown> }, schema: string, kids: TreeChildren) {
  if (kids.wholeSchema?.(schema) === false) return;
  const names = kids.tables(schema);
  if (names.length === 0 || !names.every((n) => c.tables.has(tableKey(schema, n)))) return;
  for (const n of names) c.tables.delete(tableKey(schema, n));
  c.schemas.add(schema);
}

export function setTable(c: CheckState, schema: string, name: string, on: boolean, kids: TreeChildren): CheckState {
  const k = tableKey(schema, name);
  const schemas = new Set(c.schemas);
  const tables = new Map(c.tables);
  const columns = new Map(c.columns);
  columns.delete(k);
  if (on) {
    if (schemas.has(schema)) return c;
    tables.set(k, { schema, name });
    const next = { schemas, tables, columns };
    promote(next, schema, kids);
    return next;
  }
  if (schemas.has(schema)) {
    schemas.delete(schema);
    for (const n of kids.tables(schema)) if (n !== name) tables.set(tableKey(schema, n), { schema, name: n });
  } else tables.delete(k);
  return { schemas, tables, columns };
}

export function setColumn(c: CheckState, schema: string, table: string, column: string, on: boolean, kids: TreeChildren): CheckState {
  const k = tableKey(schema, table);
  const state = tableTri(c, schema, table);
  if (on && state === 'all') return c;
  const all = kids.columns(schema, table);
  let cols: Set<string>;
  let base = c;
  if (state === 'all') {
    base = setTable(c, schema, table, false, kids);
    cols = new Set(all.filter((x) => x !== column));
  } else {
    cols = new Set(c.columns.get(k)?.columns ?? []);
    if (on) cols.add(column);
    else cols.delete(column);
  }
  if (on && all.every((x) => cols.has(x))) return setTable(base, schema, table, true, kids);
  const columns = new Map(base.columns);
  if (cols.size === 0) columns.delete(k);
  else columns.set(k, { schema, name: table, columns: cols });
  return { ...base, columns };
}

/** checks (or unchecks) many tables at once, e.g. every table the search shows */
export function setTables(c: CheckState, refs: Array<{ schema: string; name: string }>, on: boolean, kids: TreeChildren): CheckState {
  const schemas = new Set(c.schemas);
  const tables = new Map(c.tables);
  const columns = new Map(c.columns);
  const touched = new Set<string>();
  for (const r of refs) {
    const k = tableKey(r.schema, r.name);
    columns.delete(k);
    if (on) {
      if (!schemas.has(r.schema)) tables.set(k, { schema: r.schema, name: r.name });
    } else if (schemas.has(r.schema)) {
      schemas.delete(r.schema);
      for (const n of kids.tables(r.schema)) tables.set(tableKey(r.schema, n), { schema: r.schema, name: n });
      tables.delete(k);
    } else tables.delete(k);
    touched.add(r.schema);
  }
  const next = { schemas, tables, columns };
  if (on) for (const s of touched) promote(next, s, kids);
  return next;
}

const summaries = new WeakMap<CheckState, Map<string, { tables: number; partial: number }>>();
/** per schema: how many of its tables are checked, and how many partly (some columns) */
function perSchema(c: CheckState): Map<string, { tables: number; partial: number }> {
  let m = summaries.get(c);
  if (!m) {
    const mm = new Map<string, { tables: number; partial: number }>();
    const at = (s: string) => mm.get(s) ?? (mm.set(s, { tables: 0, partial: 0 }), mm.get(s)!);
    for (const t of c.tables.values()) at(t.schema).tables++;
    for (const t of c.columns.values()) at(t.schema).partial++;
    summaries.set(c, (m = mm));
  }
  return m;
}

/** kids: for a schema that cannot be checked as a whole, every checkable table checked counts as all */
export function schemaTri(c: CheckState, schema: string, kids?: TreeChildren): Tri {
  if (c.schemas.has(schema)) return 'all';
  const n = perSchema(c).get(schema);
  if (!n) return 'none';
  if (kids?.wholeSchema?.(schema) === false && n.partial === 0 && n.tables === kids.tables(schema).length) return 'all';
  return n.tables + n.partial > 0 ? 'some' : 'none';
}

export function tableTri(c: CheckState, schema: string, name: string): Tri {
  const k = tableKey(schema, name);
  if (c.schemas.has(schema) || c.tables.has(k)) return 'all';
  return c.columns.has(k) ? 'some' : 'none';
}

export function columnChecked(c: CheckState, schema: string, table: string, column: string): boolean {
  return tableTri(c, schema, table) === 'all' || (c.columns.get(tableKey(schema, table))?.columns.has(column) ?? false);
}
