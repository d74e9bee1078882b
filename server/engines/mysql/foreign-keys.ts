// Foreign keys of a MySQL or MariaDB catalog. information_schema.KEY_COLUMN_USAGE gives the
// columns of every foreign key to an account with SELECT on the table, but MariaDB lists a key in
// REFERENTIAL_CONSTRAINTS (its ON DELETE and ON UPDATE actions) only to an account with some
// other privilege on the table: with the SELECT a DTS source account has, the view is empty.
// The actions of the keys it hides are read from SHOW CREATE TABLE, which SELECT allows, one
// statement per table that has such keys. A key whose actions cannot be read either way is still
// in the catalog, with the reason in `unreadable`: Schema Synchronization leaves it out and warns,
// as creating it with other actions would change what the destination does on a delete.
import type { CatalogForeignKey } from '../types';
import { q, qualify, rows, type MyConnection } from './connect';

interface FkRow { db: string; tbl: string; name: string; col: string; refDb: string; refTbl: string; refCol: string; upd: string | null; del: string | null }

export interface TableForeignKey extends CatalogForeignKey {
  schema: string;
  table: string;
}

export interface ParsedForeignKey {
  name: string;
  columns: string[];
  /** null: the referenced table is in the table's own database (SHOW CREATE TABLE leaves it out) */
  refSchema: string | null;
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
}

const ID = '`((?:[^`]|``)+)`';
const ID_LIST = '\\(((?:`(?:[^`]|``)+`)(?:,\\s*`(?:[^`]|``)+`)*)\\)';
const ACTION = '(RESTRICT|CASCADE|SET NULL|NO ACTION|SET DEFAULT)';
const FK_CLAUSE = new RegExp(`^CONSTRAINT ${ID} FOREIGN KEY ${ID_LIST} REFERENCES ${ID}(?:\\.${ID})? ${ID_LIST}(?: ON DELETE ${ACTION})?(?: ON UPDATE ${ACTION})?$`);
const unq = (s: string) => s.replace(/``/g, '`');
const names = (list: string) => [...list.matchAll(/`((?:[^`]|``)+)`/g)].map((m) => unq(m[1]));

/**
 * The definitions at the top level of a CREATE TABLE statement's parenthesised list, split at
 * commas outside quotes (`names`, 'strings', "strings") and nested parentheses.
 */
export function tableDefinitions(createTable: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < createTable.length; i++) {
    const c = createTable[i];
    if (c === '`' || c === "'" || c === '"') {
      // to the closing quote: a doubled quote stays inside, a backslash escapes in strings
      for (i++; i < createTable.length; i++) {
        if (c !== '`' && createTable[i] === '\\') i++;
        else if (createTable[i] === c) {
          if (createTable[i + 1] !== c) break;
          i++;
        }
      }
    } else if (c === '(') {
      if (depth++ === 0) start = i + 1;
    } else if (c === ')') {
      if (--depth === 0) {
        out.push(createTable.slice(start, i).trim());
        return out.filter(Boolean);
      }
    } else if (c === ',' && depth === 1) {
      out.push(createTable.slice(start, i).trim());
      start = i + 1;
    }
  }
  throw new Error('unexpected SHOW CREATE TABLE output: the definition list does not end');
}

/** The foreign keys in SHOW CREATE TABLE output, with their actions (RESTRICT when not printed). */
export function parseForeignKeys(createTable: string): ParsedForeignKey[] {
  const out: ParsedForeignKey[] = [];
  for (const def of tableDefinitions(createTable)) {
    const m = FK_CLAUSE.exec(def);
    if (!m) continue;
    out.push({
      name: unq(m[1]),
      columns: names(m[2]),
      refSchema: m[4] === undefined ? null : unq(m[3]),
      refTable: unq(m[4] ?? m[3]),
      refColumns: names(m[5]),
      onDelete: m[6] ?? 'RESTRICT',
      onUpdate: m[7] ?? 'RESTRICT',
    });
  }
  return out;
}

function groupKeys(list: FkRow[]): FkRow[][] {
  const m = new Map<string, FkRow[]>();
  for (const r of list) {
    const k = `${r.db}\u0000${r.tbl}\u0000${r.name}`;
    const l = m.get(k);
    if (l) l.push(r);
    else m.set(k, [r]);
  }
  return [...m.values()];
}

/** ON DELETE and ON UPDATE of the keys of one table, from SHOW CREATE TABLE; a string: why they cannot be read */
async function actionsOf(c: MyConnection, db: string, tbl: string): Promise<Map<string, ParsedForeignKey> | string> {
  try {
    const [r] = await rows<Record<string, string>>(c, `SHOW CREATE TABLE ${qualify({ schema: db, name: tbl })}`);
    return new Map(parseForeignKeys(r?.['Create Table'] ?? '').map((k) => [k.name, k]));
  } catch (e) {
    return `its ON DELETE and ON UPDATE actions cannot be read (SHOW CREATE TABLE: ${e instanceof Error ? e.message : String(e)}); grant the source account SELECT on ${q(db)}.*`;
  }
}

/** every foreign key of the tables in `schemas`, with its actions */
export async function readForeignKeys(c: MyConnection, schemas: string[]): Promise<TableForeignKey[]> {
  const fkRows = await rows<FkRow>(c,
    `SELECT k.TABLE_SCHEMA AS db, k.TABLE_NAME AS tbl, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col, k.REFERENCED_TABLE_SCHEMA AS refDb,
            k.REFERENCED_TABLE_NAME AS refTbl, k.REFERENCED_COLUMN_NAME AS refCol, r.UPDATE_RULE AS upd, r.DELETE_RULE AS del
       FROM information_schema.KEY_COLUMN_USAGE k
       LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
      WHERE k.TABLE_SCHEMA IN (?) AND k.REFERENCED_TABLE_NAME IS NOT NULL ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`, [schemas]);
  const shown = new Map<string, Promise<Map<string, ParsedForeignKey> | string>>();
  const out: TableForeignKey[] = [];
  for (const list of groupKeys(fkRows)) {
    const f = list[0];
    let del = f.del;
    let upd = f.upd;
    let unreadable: string | undefined;
    if (del === null || upd === null) {
      const k = `${f.db}\u0000${f.tbl}`;
      if (!shown.has(k)) shown.set(k, actionsOf(c, f.db, f.tbl));
      const actions = await shown.get(k);
      const parsed = typeof actions === 'string' ? undefined : actions?.get(f.name);
      if (parsed) ({ onDelete: del, onUpdate: upd } = parsed);
      else unreadable = typeof actions === 'string' ? actions : 'its ON DELETE and ON UPDATE actions are not in SHOW CREATE TABLE';
    }
    const cols = list.map((x) => x.col);
    const refCols = list.map((x) => x.refCol);
    const ref = qualify({ schema: f.refDb, name: f.refTbl });
    const actions = unreadable ? '' : ` ON DELETE ${del} ON UPDATE ${upd}`;
    out.push({
      schema: f.db,
      table: f.tbl,
      name: f.name,
      columns: cols,
      refSchema: f.refDb,
      refTable: f.refTbl,
      refColumns: refCols,
      definition: `FOREIGN KEY (${cols.map(q).join(', ')}) REFERENCES ${ref} (${refCols.map(q).join(', ')})${actions}`,
      ...(unreadable ? { unreadable } : {}),
    });
  }
  return out;
}
