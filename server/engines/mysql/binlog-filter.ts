// WHERE filters on incremental data (as postgres/row-filter.ts): a row that matches is kept; an
// inserted or updated row that does not match becomes a DELETE of its key on the destination,
// so rows move out of the filter as they change (and an update moving in is applied as an
// upsert: MySQL row images are complete). The condition is evaluated by the source server.
import type { ConnectionConfig, Row, TableMapping, Transaction } from '../types';
import { tableKey } from '../types';
import { connect, type MyConnection } from './connect';
import { matchFilter } from './filter';

export class BinlogRowFilter {
  private c: MyConnection | null = null;
  private filtered: TableMapping[];

  constructor(
    private cfg: ConnectionConfig,
    mappings: TableMapping[],
  ) {
    this.filtered = mappings.filter((m) => m.where);
  }

  async apply(txns: Transaction[]): Promise<void> {
    if (!this.filtered.length) return;
    for (const m of this.filtered) {
      const key = tableKey(m.source);
      const hits: { t: Transaction; i: number; row: Row }[] = [];
      for (const t of txns) {
        t.changes.forEach((c, i) => {
          if ((c.op === 'insert' || c.op === 'update') && tableKey(c.table) === key) hits.push({ t, i, row: c.after });
        });
      }
      if (!hits.length) continue;
      this.c ??= await connect(this.cfg);
      const ok = await matchFilter(this.c, m, hits.map((h) => h.row));
      hits.forEach((h, j) => {
        if (ok[j]) return;
        const c = h.t.changes[h.i];
        if (c.op === 'insert') h.t.changes[h.i] = { op: 'delete', table: c.table, before: keyOf(c.after, m) };
        else if (c.op === 'update') h.t.changes[h.i] = { op: 'delete', table: c.table, before: keyOf(c.before ?? c.after, m) };
      });
    }
  }

  async close(): Promise<void> {
    const c = this.c;
    this.c = null;
    await c?.end().catch(() => c.destroy());
  }
}

function keyOf(row: Row, m: TableMapping): Row {
  if (!m.keyColumns.length) return { ...row };
  const out: Row = {};
  for (const k of m.keyColumns) out[k] = row[k];
  return out;
}
