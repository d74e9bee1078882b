// WHERE filters on incremental data. A row that matches is kept; a row that no longer matches
// (or never did) becomes a DELETE of its key on the destination, so rows move in and out of
// the filter as they change. A row moving in carries only the columns that changed when the
// rest are unchanged TOASTed values: those are read from the source by key, or the
// destination could not insert it.
import type pg from 'pg';
import type { ConnectionConfig, Row, TableMapping, Transaction } from '../types';
import { deleteUnmatched, filterHits } from '../shared/row-filter';
import { connect, q, qualify } from './connect';
import { matchFilter, sourceColumnTypes } from './filter';
import { textArray } from './apply-sql';

export class RowFilter {
  private client: pg.Client | null = null;
  private filtered: TableMapping[];

  constructor(
    private cfg: ConnectionConfig,
    mappings: TableMapping[],
  ) {
    this.filtered = mappings.filter((m) => m.where);
  }

  get active(): boolean {
    return this.filtered.length > 0;
  }

  async apply(txns: Transaction[]): Promise<void> {
    if (!this.filtered.length) return;
    this.client ??= await connect(this.cfg, { applicationName: 'dts-filter' });
    for (const m of this.filtered) {
      const hits = filterHits(txns, m);
      if (!hits.length) continue;
      const types = await sourceColumnTypes(this.client, m.source);
      const ok = await matchFilter(this.client, m, hits.map((h) => h.row), types);
      const incomplete: Row[] = [];
      for (const c of deleteUnmatched(hits, ok, (row) => keyOf(row, m))) {
        if (c.op === 'update' && m.columns.some((col) => c.after[col.source] === undefined)) incomplete.push(c.after);
      }
      if (incomplete.length) await this.complete(m, incomplete, types);
    }
  }

  /** fills unchanged TOASTed columns from the source row with the same key (in place) */
  private async complete(m: TableMapping, rows: Row[], types: Map<string, string>): Promise<void> {
    const cols = m.columns.map((c) => c.source);
    const keyCols = m.keyColumns;
    const keyType = (k: string) => types.get(k) ?? 'text';
    const r = await (this.client as pg.Client).query<Record<string, string | null>>(
      `SELECT ${cols.map((c, i) => `t.${q(c)}::text AS c${i}`).join(', ')}
         FROM ${qualify(m.source)} AS t
         JOIN unnest(${keyCols.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${keyCols.map((_, i) => `k${i}`).join(', ')})
           ON ${keyCols.map((k, i) => `t.${q(k)} = u.k${i}::${keyType(k)}`).join(' AND ')}`,
      keyCols.map((k) => textArray(rows.map((row) => row[k]))),
    );
    const byKey = new Map(r.rows.map((x) => [JSON.stringify(keyCols.map((k) => x[`c${cols.indexOf(k)}`])), x]));
    for (const row of rows) {
      const found = byKey.get(JSON.stringify(keyCols.map((k) => row[k] ?? null)));
      if (!found) continue; // deleted on the source since: its DELETE follows
      cols.forEach((c, i) => {
        if (row[c] === undefined) row[c] = found[`c${i}`];
      });
    }
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}

function keyOf(row: Row, m: TableMapping): Row {
  const out: Row = {};
  for (const k of m.keyColumns) out[k] = row[k];
  return out;
}
