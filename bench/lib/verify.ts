// A benchmark result of a wrong copy is worthless: every copied table is compared with its
// source by an ordered checksum, md5 over the COPY text of all rows in key order, a count, and
// the number of its indexes (a copy without its keys is not finished).
import { createHash } from 'node:crypto';
import { to as copyTo } from 'pg-copy-streams';
import type { PgServer } from '../../test/helpers/pg';
import { withClient } from './servers';
import type { TableSpec } from './workloads';

export interface Digest {
  rows: number;
  md5: string;
}

const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** counts the lines of COPY text output: one per row (newlines inside values are escaped) */
export function countLines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/** md5 over the ordered text of a table's rows, streamed (no limit on the table's size) */
export async function tableDigest(s: PgServer, database: string, t: TableSpec, columns: string[]): Promise<Digest> {
  return withClient(s, database, async (c) => {
    const sql = `COPY (SELECT ${columns.map(q).join(', ')} FROM public.${q(t.name)} ORDER BY ${t.key.map(q).join(', ')}) TO STDOUT`;
    const hash = createHash('md5');
    let rows = 0;
    for await (const chunk of c.query(copyTo(sql)) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      rows += countLines(chunk);
    }
    return { rows, md5: hash.digest('hex') };
  });
}

export async function columnsOf(s: PgServer, database: string, table: string): Promise<string[]> {
  const r = await s.query<{ attname: string }>(
    database,
    `SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [`public.${table}`],
  );
  return r.map((x) => x.attname);
}

export async function indexCount(s: PgServer, database: string, table: string): Promise<number> {
  const r = await s.query<{ n: string }>(database, 'SELECT count(*)::text AS n FROM pg_index WHERE indrelid = $1::regclass', [`public.${table}`]);
  return Number(r[0].n);
}

export interface TableCheck {
  table: string;
  source: Digest;
  target: Digest | null;
  /** index counts, source and target */
  indexes?: { source: number; target: number };
  equal: boolean;
  error?: string;
}

interface SourceFacts {
  digest: Digest;
  columns: string[];
  indexes: number;
}

/** source digests, computed once per source database and reused for every peer */
export class SourceDigests {
  private cache = new Map<string, Promise<SourceFacts>>();
  constructor(private source: PgServer) {}

  get(database: string, t: TableSpec): Promise<SourceFacts> {
    const k = `${database}.${t.name}`;
    let p = this.cache.get(k);
    if (!p) {
      p = (async () => {
        const columns = await columnsOf(this.source, database, t.name);
        return { digest: await tableDigest(this.source, database, t, columns), columns, indexes: await indexCount(this.source, database, t.name) };
      })();
      this.cache.set(k, p);
      p.catch(() => this.cache.delete(k));
    }
    return p;
  }

  /** forgets a database's digests (its rows changed) */
  forget(database: string): void {
    for (const k of [...this.cache.keys()]) if (k.startsWith(`${database}.`)) this.cache.delete(k);
  }
}

export async function verifyCopy(digests: SourceDigests, srcDb: string, target: PgServer, dstDb: string, tables: TableSpec[]): Promise<TableCheck[]> {
  const out: TableCheck[] = [];
  for (const t of tables) {
    const { digest, columns, indexes } = await digests.get(srcDb, t);
    try {
      const d = await tableDigest(target, dstDb, t, columns);
      const n = await indexCount(target, dstDb, t.name);
      out.push({ table: t.name, source: digest, target: d, indexes: { source: indexes, target: n }, equal: d.rows === digest.rows && d.md5 === digest.md5 && n === indexes });
    } catch (e) {
      out.push({ table: t.name, source: digest, target: null, equal: false, error: (e as Error).message });
    }
  }
  return out;
}

/** one line for the report: "4 tables equal" or which differ */
export function describeChecks(checks: TableCheck[]): string {
  const bad = checks.filter((c) => !c.equal);
  if (bad.length === 0) return `${checks.length} table(s) equal (rows + ordered md5 + index count)`;
  return bad.map(describeOne).join('; ');
}

function describeOne(c: TableCheck): string {
  if (c.error) return `${c.table}: ${c.error}`;
  const what: string[] = [];
  if (c.target?.rows !== c.source.rows) what.push(`rows ${c.target?.rows} vs source ${c.source.rows}`);
  else if (c.target?.md5 !== c.source.md5) what.push(`rows ${c.source.rows}, md5 differs`);
  if (c.indexes && c.indexes.source !== c.indexes.target) what.push(`${c.indexes.target} index(es) vs source ${c.indexes.source}`);
  return `${c.table}: ${what.join(', ')}`;
}
