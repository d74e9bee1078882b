// The DTS performance test model: 20 tables of ~1 KB rows; each transaction is 2 DML + COMMIT,
// and over all DML, INSERT : UPDATE : DELETE = 3 : 1 : 2. Pure: the SQL and pgbench scripts.
//
// Three pgbench scripts of equal weight give the ratio exactly in expectation:
//   1. INSERT + INSERT    2. UPDATE + DELETE    3. DELETE + INSERT
// i.e. per three transactions 3 inserts, 1 update and 2 deletes, each DML on a table drawn at
// random. Each script is one simple-protocol query of two statements (`\;`), which PostgreSQL
// runs as one transaction: one round trip per transaction, so pgbench is not the first limit.
//
// Every change hits a row as intended, so the counts are exact:
// - inserts take fresh keys from the table's bigserial;
// - deletes take the next key from the table's own delete cursor, a sequence d_<n> that walks
//   up from 1 (the preloaded rows are 1..rows; inserts outpace deletes 3:2, so the cursor never
//   reaches a key not yet inserted);
// - updates hit a key between 200 and rows/2 above the delete cursor: never deleted yet, never
//   being deleted by a concurrent client (at most one in flight per client), already inserted.
// The suite still counts the changes from the source's n_tup_* deltas and checks them against
// what pgbench's per-script transaction counts imply (`expectedChanges`).
import type { RowChanges } from './followers';

export const MODEL_TABLE_COUNT = 20;

export const modelTable = (n: number): string => `m_${n}`;

export const modelTables = (): string[] => Array.from({ length: MODEL_TABLE_COUNT }, (_, i) => modelTable(i + 1));

/** ~1 KB: 31 md5 hex strings (992 characters), so a row with its header is about 1,030 bytes */
const PAYLOAD = (seed: string) => `repeat(md5(${seed}), 31)`;

/** the statements that create and fill table n with `rows` rows */
export function modelTableSql(n: number, rows: number): string[] {
  const t = modelTable(n);
  return [
    `CREATE TABLE ${t} (id bigserial PRIMARY KEY, v integer NOT NULL DEFAULT 0, payload text NOT NULL)`,
    `CREATE SEQUENCE d_${n}`,
    `INSERT INTO ${t} (payload) SELECT ${PAYLOAD('i::text')} FROM generate_series(1, ${rows}) i`,
  ];
}

/** the update's distance above the delete cursor: far from the deletes in flight and from the newest inserts */
export function updateOffsets(rows: number): { min: number; max: number } {
  if (rows < 800) throw new Error(`the model needs at least 800 rows per table, got ${rows}`);
  return { min: 200, max: Math.floor(rows / 2) };
}

const insert = (v: string) => `INSERT INTO m_:${v} (payload) VALUES (${PAYLOAD('random()::text')})`;
const del = (v: string) => `DELETE FROM m_:${v} WHERE id = (SELECT nextval('d_:${v}'))`;
const update = (v: string) => `UPDATE m_:${v} SET v = v + 1, payload = ${PAYLOAD('random()::text')} WHERE id = (SELECT last_value FROM d_:${v}) + :off`;

/** the three pgbench scripts, in order (weights equal) */
export function modelScripts(rows: number): { name: string; text: string }[] {
  const off = updateOffsets(rows);
  const head = [`\\set a random(1, ${MODEL_TABLE_COUNT})`, `\\set b random(1, ${MODEL_TABLE_COUNT})`, `\\set off random(${off.min}, ${off.max})`];
  const script = (first: string, second: string) => [...head, `${first} \\;`, `${second};`, ''].join('\n');
  return [
    { name: 'insert-insert.sql', text: script(insert('a'), insert('b')) },
    { name: 'update-delete.sql', text: script(update('a'), del('b')) },
    { name: 'delete-insert.sql', text: script(del('a'), insert('b')) },
  ];
}

/** the row changes the three scripts' transaction counts imply */
export function expectedChanges(perScript: readonly number[]): RowChanges | null {
  if (perScript.length !== 3) return null;
  const [ii, ud, di] = perScript;
  return { ins: 2 * ii + di, upd: ud, del: ud + di };
}

/**
 * "exact" when the source counted what the scripts imply. pgbench leaves out of its counts the
 * transactions its clients finish after the -T deadline; when the difference is made of at
 * most `clients` whole transactions of the three scripts, it says how many. Otherwise what differs.
 */
export function checkCounts(expected: RowChanges | null, counted: RowChanges, clients: number): string {
  if (!expected) return 'not checked (no per-script counts from pgbench)';
  const d = { ins: counted.ins - expected.ins, upd: counted.upd - expected.upd, del: counted.del - expected.del };
  if (d.ins === 0 && d.upd === 0 && d.del === 0) return 'exact';
  // extra transactions of each script: ins = 2a + c, upd = b, del = b + c
  const b = d.upd;
  const c = d.del - d.upd;
  const a = (d.ins - c) / 2;
  if (Number.isInteger(a) && a >= 0 && b >= 0 && c >= 0 && a + b + c <= clients) {
    return `exact (with ${a + b + c} transaction(s) pgbench finished after its deadline and did not count)`;
  }
  return (['ins', 'upd', 'del'] as const)
    .filter((k) => d[k] !== 0)
    .map((k) => `${k} ${counted[k]} counted vs ${expected[k]} expected`)
    .join(', ');
}
