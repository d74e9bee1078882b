// Net effect of a run of changes per row key, so a writer can apply many source transactions
// with a few set-based statements. Engine-neutral; used by writers.
//
// Within a run, changes to different rows commute, and changes to one row collapse:
//   insert + update* -> upsert with the merged image;  update + update -> update;
//   anything + delete -> delete;  delete + insert -> upsert.
// A key-changing update or a truncate ends the run (a barrier): the writer flushes, applies it
// alone, and starts a new run. The original changes are kept so a writer can replay the run in
// exact order when the set-based form hits a constraint (a unique value moving between rows).
import type { Change, Row, TableMapping } from '../types';
import { tableKey } from '../types';

export type NetKind = 'upsert' | 'update' | 'delete';

/** the first change of a row in the run: what the destination should hold before the run */
export interface FirstChange {
  op: 'insert' | 'update' | 'delete';
  /** its old row image, when the source sent one */
  before: Row | null;
  /** index of the change in `Coalescer.changes` */
  index: number;
}

export interface NetRow {
  kind: NetKind;
  /** source-column image; undefined values are columns the source did not send */
  row: Row;
  /** position of the last change of this row in the run, for stable ordering */
  seq: number;
  first?: FirstChange;
}

/** the source transaction a change came from */
export interface TxnRef {
  position: string;
  commitTime: Date;
}

export interface TableRun {
  mapping: TableMapping;
  rows: Map<string, NetRow>;
}

export function keyString(row: Row, keyColumns: string[]): string {
  if (keyColumns.length === 1) {
    const v = row[keyColumns[0]];
    return v === null ? '\u0000N' : String(v);
  }
  return JSON.stringify(keyColumns.map((k) => row[k] ?? null));
}

/** true when an update moves the row to another key */
export function changesKey(c: Extract<Change, { op: 'update' }>, keyColumns: string[]): boolean {
  if (!c.before) return false;
  return keyColumns.some((k) => c.before?.[k] !== undefined && c.before[k] !== c.after[k]);
}

const NO_TXN: TxnRef = { position: '0/0', commitTime: new Date(0) };

/**
 * An UPDATE sends no value for an unchanged TOASTed column; when the source sent the whole old
 * row (REPLICA IDENTITY FULL), that value is the old one, so the new image can be completed.
 */
export function completeFromBefore(c: Change): void {
  if (c.op !== 'update' || !c.before) return;
  for (const [k, v] of Object.entries(c.after)) {
    if (v === undefined && c.before[k] !== undefined && c.before[k] !== null) c.after[k] = c.before[k];
  }
}

function merge(prev: Row, next: Row): Row {
  // same prototype as the decoded rows (none with properties): a column named "constructor"
  // left out of an image must read as undefined, not as Object's constructor
  const out = Object.assign(Object.create(Object.getPrototypeOf(prev) as object | null) as Row, prev);
  for (const [k, v] of Object.entries(next)) if (v !== undefined) out[k] = v;
  return out;
}

export class Coalescer {
  readonly runs = new Map<string, TableRun>();
  /** the changes of the current run, in order, and the transaction of each */
  readonly changes: Change[] = [];
  readonly txns: TxnRef[] = [];
  private seq = 0;

  constructor(private mappings: Map<string, TableMapping>) {}

  get size(): number {
    return this.changes.length;
  }

  /** Adds a row change. Returns false for a barrier (the caller flushes and applies it alone). */
  add(c: Change, txn: TxnRef = NO_TXN): boolean {
    if (c.op === 'truncate' || c.op === 'ddl') return false;
    const mapping = this.mappings.get(tableKey(c.table));
    if (!mapping) return true; // not selected: nothing to do
    if (c.op === 'update' && changesKey(c, mapping.keyColumns)) return false;
    const tk = tableKey(c.table);
    let run = this.runs.get(tk);
    if (!run) {
      run = { mapping, rows: new Map() };
      this.runs.set(tk, run);
    }
    const image = c.op === 'delete' ? c.before : c.after;
    const k = keyString(image, mapping.keyColumns);
    const prev = run.rows.get(k);
    const seq = this.seq++;
    const first: FirstChange = prev?.first ?? { op: c.op, before: c.op === 'insert' ? null : c.before, index: this.changes.length };
    this.changes.push(c);
    this.txns.push(txn);
    if (c.op === 'insert') {
      run.rows.set(k, { kind: 'upsert', row: c.after, seq, first });
    } else if (c.op === 'delete') {
      run.rows.set(k, { kind: 'delete', row: c.before, seq, first });
    } else if (!prev) {
      run.rows.set(k, { kind: 'update', row: c.after, seq, first });
    } else if (prev.kind === 'delete') {
      run.rows.set(k, { kind: 'upsert', row: c.after, seq, first });
    } else {
      run.rows.set(k, { kind: prev.kind, row: merge(prev.row, c.after), seq, first });
    }
    return true;
  }

  /** the key of a row change in this run's terms (table and key), or null for others */
  rowKey(c: Change): string | null {
    if (c.op !== 'insert' && c.op !== 'update' && c.op !== 'delete') return null;
    const mapping = this.mappings.get(tableKey(c.table));
    if (!mapping) return null;
    return `${tableKey(c.table)}\u0000${keyString(c.op === 'delete' ? c.before : c.after, mapping.keyColumns)}`;
  }

  clear(): void {
    this.runs.clear();
    this.changes.length = 0;
    this.txns.length = 0;
  }
}

/** Columns a row image carries (defined values), as a signature for grouping rows. */
export function definedColumns(row: Row, mapping: TableMapping): string[] {
  return mapping.columns.filter((c) => row[c.source] !== undefined).map((c) => c.source);
}
