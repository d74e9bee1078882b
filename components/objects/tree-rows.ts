// The rows of the two trees, flattened for a windowed list: schemas (open by default), their
// tables (closed by default) and, for open tables, their columns. `flipped` holds the rows the
// operator opened or closed against that default.
import { tableKey, qualified, selectableTables, type CatalogIndex } from './catalog-index';
import type { SelState } from './selection';

export type RowKind = 'schema' | 'table' | 'column';
export interface TreeRow {
  id: string;
  kind: RowKind;
  depth: 0 | 1 | 2;
  schema: string;
  table?: string;
  column?: string;
  expandable: boolean;
  open: boolean;
  /** public / public.orders / public.orders.id */
  label: string;
}

export const rowId = (schema: string, table?: string, column?: string): string => [schema, table, column].filter((x) => x !== undefined).join('\u0000');

export const isOpen = (flipped: ReadonlySet<string>, kind: RowKind, id: string): boolean => (kind === 'schema') !== flipped.has(id);

export function toggleFlip(flipped: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(flipped);
  if (!next.delete(id)) next.add(id);
  return next;
}

function pushTable(rows: TreeRow[], flipped: ReadonlySet<string>, schema: string, table: string, columns: () => string[]) {
  const id = rowId(schema, table);
  const open = isOpen(flipped, 'table', id);
  rows.push({ id, kind: 'table', depth: 1, schema, table, expandable: true, open, label: qualified(schema, table) });
  if (!open) return;
  for (const c of columns()) rows.push({ id: rowId(schema, table, c), kind: 'column', depth: 2, schema, table, column: c, expandable: false, open: false, label: qualified(schema, table, c) });
}

const catalogColumns = (index: CatalogIndex, schema: string, table: string) => () => index.tables.get(tableKey(schema, table))?.columns.map((c) => c.name) ?? [];

/** the tables a search shows: every table of a schema whose name matches, else the tables whose name matches */
export function searchTables(index: CatalogIndex, schema: string, search: string): string[] {
  const all = index.tablesBySchema.get(schema) ?? [];
  const q = search.trim().toLowerCase();
  if (!q || schema.toLowerCase().includes(q)) return all.map((t) => t.name);
  return all.filter((t) => t.name.toLowerCase().includes(q)).map((t) => t.name);
}

/** the selectable tables the search shows, for "Select All" */
export function visibleSelectable(index: CatalogIndex, search: string): Array<{ schema: string; name: string }> {
  const out: Array<{ schema: string; name: string }> = [];
  for (const s of index.schemas) {
    const names = new Set(searchTables(index, s, search));
    for (const t of selectableTables(index, s)) if (names.has(t.name)) out.push({ schema: s, name: t.name });
  }
  return out;
}

export function sourceRows(index: CatalogIndex, flipped: ReadonlySet<string>, search: string): TreeRow[] {
  const rows: TreeRow[] = [];
  const searching = search.trim() !== '';
  for (const s of index.schemas) {
    const tables = searchTables(index, s, search);
    if (searching && tables.length === 0 && !s.toLowerCase().includes(search.trim().toLowerCase())) continue;
    const id = rowId(s);
    const open = isOpen(flipped, 'schema', id);
    rows.push({ id, kind: 'schema', depth: 0, schema: s, expandable: tables.length > 0, open, label: s });
    if (open) for (const t of tables) pushTable(rows, flipped, s, t, catalogColumns(index, s, t));
  }
  return rows;
}

export function selectedRows(state: SelState, index: CatalogIndex, flipped: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  const names = [...state.schemas.keys()].sort((a, b) => (index.schemaOrder.get(a) ?? 1e9) - (index.schemaOrder.get(b) ?? 1e9));
  for (const name of names) {
    const s = state.schemas.get(name)!;
    const id = rowId(name);
    const open = isOpen(flipped, 'schema', id);
    const tables = s.tables ? [...s.tables.keys()].sort((a, b) => (index.tableOrder.get(tableKey(name, a)) ?? 1e9) - (index.tableOrder.get(tableKey(name, b)) ?? 1e9)) : null;
    rows.push({ id, kind: 'schema', depth: 0, schema: name, expandable: true, open, label: name });
    if (!open) continue;
    for (const t of tables ?? selectableTables(index, name).map((x) => x.name)) {
      const cols = s.tables?.get(t)?.columns;
      pushTable(rows, flipped, name, t, cols ? () => [...cols.keys()] : catalogColumns(index, name, t));
    }
  }
  return rows;
}
