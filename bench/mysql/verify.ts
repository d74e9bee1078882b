// Every copy is compared with its source table by table: ordered checksum (myChecksum: md5 over
// the HEX of every value in key order, and the row count) and the number of indexes.
import { myChecksum, type MariaDbServer, type MyTableChecksum } from '../../test/helpers/mysql';

export interface MyTableCheck {
  table: string;
  source: MyTableChecksum;
  target: MyTableChecksum | null;
  indexes: { source: number; target: number };
  equal: boolean;
  error?: string;
}

async function columnsOf(s: MariaDbServer, db: string, table: string): Promise<string[]> {
  const r = await s.query<{ c: string }>('SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION', [db, table]);
  return r.map((x) => x.c);
}

async function indexCount(s: MariaDbServer, db: string, table: string): Promise<number> {
  const r = await s.query<{ n: number | string }>('SELECT COUNT(DISTINCT INDEX_NAME) AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [db, table]);
  return Number(r[0]?.n ?? 0);
}

/** source checksums, computed once per source state (forget() after the source changed) */
export class MySourceDigests {
  private cache = new Map<string, Promise<MyTableChecksum>>();
  constructor(readonly source: MariaDbServer) {}

  get(db: string, table: string, key: string[]): Promise<MyTableChecksum> {
    const k = `${db}.${table}`;
    let p = this.cache.get(k);
    if (!p) {
      p = columnsOf(this.source, db, table).then((cols) => myChecksum(this.source, db, table, cols, key));
      this.cache.set(k, p);
      p.catch(() => this.cache.delete(k));
    }
    return p;
  }

  forget(db: string): void {
    for (const k of [...this.cache.keys()]) if (k.startsWith(`${db}.`)) this.cache.delete(k);
  }
}

/** runs `fn` over `items` with `n` workers, results in item order */
async function parallelMap<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** compares each table of dstDb on the target with srcDb's on the source, two tables at a time */
export async function verifyMyCopy(digests: MySourceDigests, srcDb: string, target: MariaDbServer, dstDb: string, tables: string[], key: string[]): Promise<MyTableCheck[]> {
  return parallelMap(tables, 2, async (table): Promise<MyTableCheck> => {
    const source = await digests.get(srcDb, table, key);
    const indexes = { source: await indexCount(digests.source, srcDb, table), target: await indexCount(target, dstDb, table) };
    try {
      const cols = await columnsOf(digests.source, srcDb, table);
      const t = await myChecksum(target, dstDb, table, cols, key);
      return { table, source, target: t, indexes, equal: t.rows === source.rows && t.md5 === source.md5 && indexes.target === indexes.source };
    } catch (e) {
      return { table, source, target: null, indexes, equal: false, error: (e as Error).message };
    }
  });
}

/** source checksums of every table ahead of the copies, two at a time */
export async function warmDigests(digests: MySourceDigests, db: string, tables: string[], key: string[]): Promise<void> {
  await parallelMap(tables, 2, (t) => digests.get(db, t, key));
}

/** "8 tables equal (rows, ordered md5, indexes)" or what differs */
export function describeMyChecks(checks: readonly MyTableCheck[]): string {
  const bad = checks.filter((c) => !c.equal);
  if (bad.length === 0) return `${checks.length} tables equal (rows, ordered md5, indexes)`;
  return bad
    .map((c) =>
      c.error
        ? `${c.table}: ${c.error}`
        : `${c.table}: rows ${c.target?.rows} vs ${c.source.rows}, md5 ${c.target?.md5 === c.source.md5 ? 'equal' : 'differs'}, indexes ${c.indexes.target} vs ${c.indexes.source}`,
    )
    .join('; ');
}
