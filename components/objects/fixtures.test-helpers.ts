// Catalogs for the object selector's unit tests.
import type { Catalog, CatalogTable } from './catalog-index';

export function table(schema: string, name: string, columns: string[] = ['id', 'name'], primaryKey: string[] | null = ['id']): CatalogTable {
  return {
    schema,
    name,
    rowEstimate: 10,
    bytesEstimate: 8192,
    primaryKey,
    partitioned: false,
    columns: columns.map((c) => ({ name: c, nativeType: 'integer', nullable: false, generated: false })),
  };
}

export const shop: Catalog = {
  engine: 'postgres',
  serverVersion: '18.0',
  schemas: ['public', 'sales', 'empty'],
  tables: [
    table('public', 'customers', ['id', 'email', 'name']),
    table('public', 'orders', ['id', 'customer_id', 'total', 'status']),
    table('public', 'audit_log', ['at', 'message'], null),
    table('sales', 'invoices'),
  ],
};

export function bigCatalog(tables: number): Catalog {
  return {
    engine: 'postgres',
    serverVersion: '18.0',
    schemas: ['public', 'big'],
    tables: [table('public', 'orders'), ...Array.from({ length: tables }, (_, i) => table('big', `t_${String(i).padStart(4, '0')}`, ['id', 'v', 'note']))],
  };
}
