// WHERE filters on incremental data (as postgres/row-filter.ts): a row that matches is kept; an
// inserted or updated row that does not match becomes a DELETE of its key on the destination,
// so rows move out of the filter as they change (and an update moving in is applied as an
// upsert: MySQL row images are complete). The condition is evaluated by the source server.
import type { ConnectionConfig, Row, TableMapping, Transaction } from '../types';
import { deleteUnmatched, filterHits } from '../shared/row-filter';
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
      const hits = filterHits(txns, m);
      if (!hits.length) continue;
      this.c ??= await connect(this.cfg);
      const ok = await matchFilter(this.c, m, hits.map((h) => h.row));
      deleteUnmatched(hits, ok, (row) => keyOf(row, m));
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
