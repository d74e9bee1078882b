// Engine-neutral steps of assembling a Catalog from the rows an introspector reads: a table
// starts empty, its columns, keys and indexes are added, then the unique keys learn whether they
// identify rows (every column NOT NULL).
import type { CatalogTable } from '../types';

export type TableHeader = Pick<CatalogTable, 'schema' | 'name' | 'rowEstimate' | 'bytesEstimate' | 'replicaIdentity' | 'partitioned' | 'tableOptions'>;

/** a table without columns, keys or indexes yet */
export function emptyTable(h: TableHeader): CatalogTable {
  return {
    schema: h.schema,
    name: h.name,
    columns: [],
    primaryKey: null,
    uniqueKeys: [],
    foreignKeys: [],
    indexes: [],
    rowEstimate: h.rowEstimate,
    bytesEstimate: h.bytesEstimate,
    replicaIdentity: h.replicaIdentity,
    replicaIdentityColumns: null,
    partitioned: h.partitioned,
    ...(h.tableOptions !== undefined ? { tableOptions: h.tableOptions } : {}),
  };
}

/** sets allNotNull on every unique key, once the tables have their columns and keys */
export function markNotNullKeys(tables: CatalogTable[]): void {
  for (const t of tables) {
    const notNull = new Set(t.columns.filter((c) => !c.nullable).map((c) => c.name));
    for (const u of t.uniqueKeys) u.allNotNull = u.columns.every((c) => notNull.has(c));
  }
}
