// Engine-neutral steps of a WHERE filter on incremental data (mysql/binlog-filter.ts,
// postgres/row-filter.ts): find the inserted and updated rows of a filtered table, and turn each
// that the source server says does not match into a DELETE of its key on the destination.
import type { Change, Row, TableMapping, Transaction } from '../types';
import { tableKey } from '../types';

/** an insert or update of a filtered table: change `i` of transaction `t`, with its new row */
export interface FilterHit {
  t: Transaction;
  i: number;
  row: Row;
}

/** the inserts and updates of `m`'s source table in `txns`, in order */
export function filterHits(txns: Transaction[], m: TableMapping): FilterHit[] {
  const key = tableKey(m.source);
  const hits: FilterHit[] = [];
  for (const t of txns) {
    t.changes.forEach((c, i) => {
      if ((c.op === 'insert' || c.op === 'update') && tableKey(c.table) === key) hits.push({ t, i, row: c.after });
    });
  }
  return hits;
}

/**
 * Replaces (in place) each hit whose row does not match (`ok[j]` false) with a DELETE of the
 * key `keyOf` takes from the row (the old row of an update when there is one). Returns the
 * changes that matched, in order.
 */
export function deleteUnmatched(hits: FilterHit[], ok: boolean[], keyOf: (row: Row) => Row): Change[] {
  const kept: Change[] = [];
  hits.forEach((h, j) => {
    const c = h.t.changes[h.i];
    if (ok[j]) {
      kept.push(c);
      return;
    }
    if (c.op === 'insert') h.t.changes[h.i] = { op: 'delete', table: c.table, before: keyOf(c.after) };
    else if (c.op === 'update') h.t.changes[h.i] = { op: 'delete', table: c.table, before: keyOf(c.before ?? c.after) };
  });
  return kept;
}
