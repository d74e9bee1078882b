// The source catalog as lookups: tables by schema, tables and columns by key, catalog order,
// and the tables that cannot be selected. Built once per catalog (memoized by the selector).
import type { RouterInputs, RouterOutputs } from '../data/tasks';

export type Catalog = RouterOutputs['endpoints']['introspect'];
export type CatalogTable = Catalog['tables'][number];
export type ObjectSelection = RouterInputs['tasks']['create']['objects'];
export type SelectedSchemaInput = ObjectSelection['schemas'][number];
export type SelectedTableInput = NonNullable<SelectedSchemaInput['tables']>[number];
export type RenameRule = NonNullable<ObjectSelection['renameRules']>[number];
export type DmlOp = NonNullable<SelectedSchemaInput['ops']>[number];
export interface TableRef {
  schema: string;
  name: string;
}

export const ALL_OPS: readonly DmlOp[] = ['insert', 'update', 'delete'];

/** one string per table; the separator cannot appear in an identifier we get from the catalog */
export const tableKey = (schema: string, name: string): string => `${schema}\u0000${name}`;
/** the name an operator reads: public.orders */
export const qualified = (...parts: string[]): string => parts.join('.');

export interface CatalogIndex {
  catalog: Catalog;
  /** schemas in catalog order, including those only named by tables */
  schemas: string[];
  schemaOrder: Map<string, number>;
  tablesBySchema: Map<string, CatalogTable[]>;
  tables: Map<string, CatalogTable>;
  tableOrder: Map<string, number>;
  /** tables that cannot be selected (the forward direction's, for a reverse direction) */
  disabled: Set<string>;
  /** schemas holding at least one disabled table: they can only be selected table by table */
  schemasWithDisabled: Set<string>;
}

export function indexCatalog(catalog: Catalog, disabledTables: TableRef[] = []): CatalogIndex {
  const tablesBySchema = new Map<string, CatalogTable[]>();
  for (const s of catalog.schemas) tablesBySchema.set(s, []);
  const tables = new Map<string, CatalogTable>();
  const tableOrder = new Map<string, number>();
  catalog.tables.forEach((t, i) => {
    let list = tablesBySchema.get(t.schema);
    if (!list) tablesBySchema.set(t.schema, (list = []));
    list.push(t);
    const k = tableKey(t.schema, t.name);
    tables.set(k, t);
    tableOrder.set(k, i);
  });
  const schemas = [...tablesBySchema.keys()];
  const disabled = new Set(disabledTables.map((t) => tableKey(t.schema, t.name)));
  const schemasWithDisabled = new Set(disabledTables.filter((t) => tables.has(tableKey(t.schema, t.name))).map((t) => t.schema));
  return { catalog, schemas, schemaOrder: new Map(schemas.map((s, i) => [s, i])), tablesBySchema, tables, tableOrder, disabled, schemasWithDisabled };
}

export function tableOf(index: CatalogIndex, schema: string, name: string): CatalogTable | undefined {
  return index.tables.get(tableKey(schema, name));
}

/** the table's columns that identify its rows (its primary key); empty when it has none */
export function keyColumns(index: CatalogIndex, schema: string, name: string): string[] {
  return tableOf(index, schema, name)?.primaryKey ?? [];
}

/** the selectable tables of a schema, in catalog order */
export function selectableTables(index: CatalogIndex, schema: string): CatalogTable[] {
  const all = index.tablesBySchema.get(schema) ?? [];
  return index.schemasWithDisabled.has(schema) ? all.filter((t) => !index.disabled.has(tableKey(t.schema, t.name))) : all;
}
