// Source Objects helpers: what its checkboxes can check, which source objects are already
// selected, and the hint shown when a key column is unchecked.
import { qualified, selectableTables, type CatalogIndex } from './catalog-index';
import type { TreeChildren } from './checks';
import { catalogColumns, type SelState } from './selection';

/** the children the Source Objects tree checks: the catalog, less the tables that cannot be selected */
export function sourceChildren(index: CatalogIndex): TreeChildren {
  return {
    tables: (schema) => selectableTables(index, schema).map((t) => t.name),
    columns: (schema, table) => catalogColumns(index, schema, table),
    wholeSchema: (schema) => !index.schemasWithDisabled.has(schema),
  };
}

/** whether a source object is already in the selection (shown muted in Source Objects) */
export function isSelected(state: SelState, schema: string, table?: string): boolean {
  const s = state.schemas.get(schema);
  if (!s) return false;
  if (table === undefined) return s.tables === null;
  return s.tables === null || s.tables.has(table);
}

/** shown when a key column is unchecked in Source Objects */
export function sourceKeyColumnHint(schema: string, table: string, column: string): string {
  return `Column ${column} is part of the primary key of ${qualified(schema, table)} and must stay selected: it is added back when you move the other columns of the table.`;
}
