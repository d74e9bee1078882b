// Edits of one selected object (Selected Objects → right-click → Edit): its name in the
// destination, the SQL operations to synchronize, a table's WHERE filter; removing one object;
// and the counts and warnings shown over the Selected Objects pane.
import { ALL_OPS, qualified, tableKey, type CatalogIndex, type DmlOp } from './catalog-index';
import { emptyChecks, type CheckState } from './checks';
import { hasTableEdits, listColumns, listTables, removeChecked, type Outcome, type SchemaSel, type SelState, type TableSel } from './selection';

export interface ObjRef {
  schema: string;
  table?: string;
  column?: string;
}

export const refLabel = (r: ObjRef): string => qualified(...[r.schema, r.table, r.column].filter((x): x is string => x !== undefined));

export interface EditValues {
  /** '' for "the source name" (then Batch Edit rules and capitalization apply) */
  targetName: string;
  /** the operations in effect (inherited from the schema when the table sets none) */
  ops: DmlOp[];
  where: string;
}

function findTable(state: SelState, schema: string, table: string): TableSel | undefined {
  const s = state.schemas.get(schema);
  if (!s) return undefined;
  return s.tables ? s.tables.get(table) : { name: table, columns: null };
}

export function currentEdit(state: SelState, ref: ObjRef): EditValues {
  const s = state.schemas.get(ref.schema);
  const schemaOps = s?.ops ?? [...ALL_OPS];
  if (!ref.table) return { targetName: s?.targetName ?? '', ops: schemaOps, where: '' };
  const t = findTable(state, ref.schema, ref.table);
  if (!ref.column) return { targetName: t?.targetName ?? '', ops: t?.ops ?? schemaOps, where: t?.where ?? '' };
  return { targetName: t?.columns?.get(ref.column)?.targetName ?? '', ops: [], where: '' };
}

/** the operations as the API takes them: omitted for all three; an error for none */
export function normalizeOps(ops: DmlOp[]): { ops?: DmlOp[]; error?: string } {
  if (ops.length === 0) return { error: 'Select at least one SQL operation to synchronize.' };
  const set = new Set(ops);
  return ALL_OPS.every((o) => set.has(o)) ? {} : { ops: ALL_OPS.filter((o) => set.has(o)) };
}

const name = (v: string): string | undefined => (v.trim() === '' ? undefined : v.trim());
const sameOps = (a: DmlOp[] | undefined, b: DmlOp[] | undefined) => (a ?? ALL_OPS).join() === (b ?? ALL_OPS).join();

/** applies the Edit dialog's values to one object; a table edit in a whole schema lists the schema's tables */
export function applyEdit(state: SelState, ref: ObjRef, values: EditValues, index: CatalogIndex): Outcome {
  const s = state.schemas.get(ref.schema);
  if (!s) return { state, notes: [] };
  const schemas = new Map(state.schemas);
  const notes: string[] = [];
  if (!ref.table) {
    const { ops, error } = normalizeOps(values.ops);
    if (error) throw new Error(error);
    schemas.set(ref.schema, { ...s, targetName: name(values.targetName), ops });
    return { state: { ...state, schemas }, notes };
  }
  if (!s.tables) notes.push(`Schema ${s.name} is now selected table by table so that ${refLabel(ref)} can be edited; tables created later are not included.`);
  const tables = listTables(s, index);
  const t = tables.get(ref.table);
  if (!t) return { state, notes: [] };
  let next: TableSel;
  if (ref.column) {
    const columns = listColumns(t, ref.schema, index);
    const c = columns.get(ref.column);
    if (!c) return { state, notes: [] };
    columns.set(ref.column, { name: c.name, targetName: name(values.targetName) });
    next = { ...t, columns };
  } else {
    const { ops, error } = normalizeOps(values.ops);
    if (error) throw new Error(error);
    next = { ...t, targetName: name(values.targetName), where: name(values.where), ops: sameOps(ops, s.ops) ? undefined : ops };
  }
  tables.set(ref.table, next);
  schemas.set(ref.schema, { ...s, tables } satisfies SchemaSel);
  return { state: { ...state, schemas }, notes };
}

/** removes one object (Selected Objects → right-click → Remove) */
export function removeObject(state: SelState, ref: ObjRef, index: CatalogIndex): Outcome {
  const c = emptyChecks();
  const k = tableKey(ref.schema, ref.table ?? '');
  const checks: CheckState = !ref.table
    ? { ...c, schemas: new Set([ref.schema]) }
    : !ref.column
      ? { ...c, tables: new Map([[k, { schema: ref.schema, name: ref.table }]]) }
      : { ...c, columns: new Map([[k, { schema: ref.schema, name: ref.table, columns: new Set([ref.column]) }]]) };
  return removeChecked(state, checks, index);
}

export interface SelectionStats {
  schemas: number;
  wholeSchemas: number;
  /** tables selected one by one (in a schema's tables list) */
  listedTables: number;
  editedTables: number;
}

export function selectionStats(state: SelState): SelectionStats {
  const st: SelectionStats = { schemas: state.schemas.size, wholeSchemas: 0, listedTables: 0, editedTables: 0 };
  for (const s of state.schemas.values()) {
    if (!s.tables) st.wholeSchemas++;
    else {
      st.listedTables += s.tables.size;
      for (const t of s.tables.values()) if (hasTableEdits(t) || t.columns) st.editedTables++;
    }
  }
  return st;
}

export const TABLE_LIMIT = 5000;

/** seed 003: more than 5,000 tables selected one by one and edited is refused with a request error */
export function tooManyTablesWarning(st: SelectionStats, hasRules: boolean): string | null {
  if (st.listedTables <= TABLE_LIMIT || (st.editedTables === 0 && !hasRules)) return null;
  return `${st.listedTables.toLocaleString('en-US')} tables are selected one by one with edits. If you run a task to synchronize more than 5,000 tables this way, a request error occurs. Configure multiple tasks to synchronize the tables, or configure a task to synchronize the entire database (select whole schemas).`;
}
