// Schema Synchronization for MySQL destinations. `pre` (before the full load): CREATE DATABASE IF
// NOT EXISTS per destination database, then CREATE TABLE IF NOT EXISTS with the selected columns
// under their destination names (types with character sets and collations, NULL/NOT NULL,
// defaults, AUTO_INCREMENT and its next value, generated columns that can be computed there),
// the primary key and unique keys (the writer's upserts need them), and the table options.
// `post` (after the full load, which is faster without them): secondary indexes, then foreign
// keys between selected tables. Names in the mappings are final.
import type { Catalog, CatalogColumn, CatalogIndex, CatalogTable, ConnectionConfig, SchemaPlan, SchemaSync, TableMapping } from '../types';
import { tableKey } from '../types';
import { connect, q, qualify, type MyConnection } from './connect';

const IDENT = /`((?:[^`]|``)+)`/g;
const unq = (s: string) => s.replace(/``/g, '`');

/** Replaces every `name` in `sql` through `map`; throws naming the first name it cannot map. */
function renameIdents(sql: string, map: Map<string, string>, what: string): string {
  return sql.replace(IDENT, (_m, raw: string) => {
    const name = unq(raw);
    const to = map.get(name) ?? [...map.entries()].find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    if (to === undefined) throw new Error(`${what} uses column ${q(name)}, which is not selected`);
    return q(to);
  });
}

interface ParsedIndex {
  kind: 'PRIMARY' | 'UNIQUE' | 'FULLTEXT' | 'SPATIAL' | 'INDEX';
  parts: string;
  using: string;
}

/** Reads a definition introspect.ts wrote for `source` back into its parts. */
export function parseIndexDefinition(def: string, source: { schema: string; name: string }): ParsedIndex {
  const table = qualify(source);
  const pk = `ALTER TABLE ${table} ADD PRIMARY KEY (`;
  if (def.startsWith(pk) && def.endsWith(')')) return { kind: 'PRIMARY', parts: def.slice(pk.length, -1), using: '' };
  const m = /^CREATE (UNIQUE |FULLTEXT |SPATIAL )?INDEX `(?:[^`]|``)+` ON /.exec(def);
  if (!m || !def.startsWith(table, m[0].length)) throw new Error(`unexpected index definition: ${def}`);
  let rest = def.slice(m[0].length + table.length).trim();
  let using = '';
  const u = / USING (BTREE|HASH|RTREE)$/i.exec(rest);
  if (u) {
    using = ` USING ${u[1].toUpperCase()}`;
    rest = rest.slice(0, u.index);
  }
  if (!rest.startsWith('(') || !rest.endsWith(')')) throw new Error(`unexpected index definition: ${def}`);
  return { kind: (m[1]?.trim() as ParsedIndex['kind'] | undefined) ?? 'INDEX', parts: rest.slice(1, -1), using };
}

function columnDefinition(t: CatalogTable, c: CatalogColumn, colMap: Map<string, string>, warnings: string[]): string | null {
  if (c.generatedExpr) {
    // computed on the destination (never copied): created when its columns are there
    const m = /^(.*) (STORED|VIRTUAL)$/s.exec(c.generatedExpr);
    const expr = m ? m[1] : c.generatedExpr;
    try {
      return `${q(c.name)} ${c.nativeType} AS (${renameIdents(expr, colMap, `generated column ${q(c.name)}`)}) ${m ? m[2] : 'VIRTUAL'}`;
    } catch (e) {
      warnings.push(`Generated column ${q(c.name)} of ${qualify(t)} is not created: ${e instanceof Error ? e.message : String(e)}.`);
      return null;
    }
  }
  const target = colMap.get(c.name);
  if (target === undefined) return null;
  let def = `${q(target)} ${c.nativeType} ${c.nullable ? 'NULL' : 'NOT NULL'}`;
  if (c.identity) def += ' AUTO_INCREMENT';
  else if (c.defaultExpr) def += ` DEFAULT ${c.defaultExpr}`;
  return def;
}

function plan(catalog: Catalog, mappings: TableMapping[]): SchemaPlan {
  const warnings: string[] = [];
  const pre: string[] = [];
  const post: string[] = [];
  const fks: string[] = [];
  const tables = new Map(catalog.tables.map((t) => [tableKey(t), t]));
  const selected = new Map(mappings.map((m) => [tableKey(m.source), m]));
  const sequences = new Map(catalog.sequences.map((s) => [tableKey(s), s]));
  const databases = [...new Set(mappings.map((m) => m.target.schema))];
  for (const db of databases) pre.push(`CREATE DATABASE IF NOT EXISTS ${q(db)}`);

  for (const m of mappings) {
    const t = tables.get(tableKey(m.source));
    if (!t) throw new Error(`Table ${qualify(m.source)} is not in the source catalog; refresh it and plan again.`);
    const target = qualify(m.target);
    const colMap = new Map(m.columns.map((c) => [c.source, c.target]));
    const defs: string[] = [];
    for (const c of t.columns) {
      const def = columnDefinition(t, c, colMap, warnings);
      if (def) defs.push(def);
    }
    const parts = (idx: CatalogIndex) => {
      const p = parseIndexDefinition(idx.definition, t);
      return { ...p, cols: renameIdents(p.parts, colMap, `${idx.name === 'PRIMARY' ? 'The primary key' : `Index ${q(idx.name)}`}`) };
    };
    for (const idx of t.indexes.filter((i) => i.constraint)) {
      try {
        const p = parts(idx);
        defs.push(p.kind === 'PRIMARY' ? `PRIMARY KEY (${p.cols})` : `UNIQUE KEY ${q(idx.name)} (${p.cols})${p.using}`);
      } catch (e) {
        const what = idx.name === 'PRIMARY' ? 'The primary key' : `Unique key ${q(idx.name)}`;
        warnings.push(`${what} of ${qualify(t)} is not created: ${e instanceof Error ? e.message : String(e)}.`);
      }
    }
    let options = t.tableOptions ?? '';
    const seq = sequences.get(tableKey(t));
    if (seq?.lastValue && t.columns.some((c) => c.identity && colMap.has(c.name))) options += ` AUTO_INCREMENT=${(BigInt(seq.lastValue) + 1n).toString()}`;
    if (t.partitioned) warnings.push(`${qualify(m.target)} is created without the partitioning of ${qualify(t)}; partition it on the destination if needed.`);
    pre.push(`CREATE TABLE IF NOT EXISTS ${target} (\n  ${defs.join(',\n  ')}\n)${options.trim() ? ` ${options.trim()}` : ''}`);

    for (const idx of t.indexes.filter((i) => !i.constraint)) {
      try {
        const p = parts(idx);
        const kind = p.kind === 'INDEX' ? '' : `${p.kind} `;
        post.push(`CREATE ${kind}INDEX ${q(idx.name)} ON ${target} (${p.cols})${p.using}`);
      } catch (e) {
        warnings.push(`Index ${q(idx.name)} of ${qualify(t)} is not created: ${e instanceof Error ? e.message : String(e)}.`);
      }
    }

    for (const fk of t.foreignKeys) {
      const ref = selected.get(tableKey({ schema: fk.refSchema, name: fk.refTable }));
      if (!ref) {
        warnings.push(`Foreign key ${q(fk.name)} of ${qualify(t)} is not created: it references ${qualify({ schema: fk.refSchema, name: fk.refTable })}, which is not selected.`);
        continue;
      }
      if (fk.unreadable) {
        warnings.push(`Foreign key ${q(fk.name)} of ${qualify(t)} is not created: ${fk.unreadable}.`);
        continue;
      }
      const refCols = new Map(ref.columns.map((c) => [c.source, c.target]));
      if (!fk.columns.every((c) => colMap.has(c)) || !fk.refColumns.every((c) => refCols.has(c))) {
        warnings.push(`Foreign key ${q(fk.name)} of ${qualify(t)} is not created: not all of its columns are selected.`);
        continue;
      }
      const rules = / (ON DELETE .*)$/.exec(fk.definition)?.[1] ?? '';
      const cols = fk.columns.map((c) => q(colMap.get(c) as string)).join(', ');
      const rcols = fk.refColumns.map((c) => q(refCols.get(c) as string)).join(', ');
      fks.push(`ALTER TABLE ${target} ADD CONSTRAINT ${q(fk.name)} FOREIGN KEY (${cols}) REFERENCES ${qualify(ref.target)} (${rcols})${rules ? ` ${rules}` : ''}`);
      if (m.where || ref.where) warnings.push(`Foreign key ${q(fk.name)} of ${qualify(m.target)} is created without checking existing rows because a WHERE filter applies: some rows may have no parent.`);
    }
  }
  post.push(...fks);
  return { pre, post, warnings };
}

/**
 * Server errors meaning the object is already there: database exists (1007), table exists (1050),
 * duplicate key name (1061), multiple primary keys (1068), duplicate foreign key (1826), and
 * InnoDB's "errno: 121" (a constraint name taken) inside ER_CANT_CREATE_TABLE (1005).
 */
function alreadyExists(e: unknown): boolean {
  const err = e as { errno?: number; message?: string };
  if (err.errno !== undefined && [1007, 1050, 1061, 1068, 1826].includes(err.errno)) return true;
  return (err.errno === 1005 || err.errno === 1022) && /errno: 121|Duplicate key/i.test(err.message ?? '');
}

const NAME = '`(?:[^`]|``)+`';
const OBJECT_OF: [RegExp, (m: RegExpExecArray) => string][] = [
  [new RegExp(`^CREATE DATABASE IF NOT EXISTS (${NAME})`), (m) => `database ${m[1]}`],
  [new RegExp(`^CREATE TABLE IF NOT EXISTS (${NAME}\\.${NAME})`), (m) => `table ${m[1]}`],
  [new RegExp(`^CREATE (?:UNIQUE |FULLTEXT |SPATIAL )?INDEX (${NAME}) ON (${NAME}\\.${NAME})`), (m) => `index ${m[1]} of ${m[2]}`],
  [new RegExp(`^ALTER TABLE (${NAME}\\.${NAME}) ADD CONSTRAINT (${NAME}) FOREIGN KEY`), (m) => `foreign key ${m[2]} of ${m[1]}`],
];

/** the object a statement of the plan creates, e.g. "index `by_name` of `shop`.`orders`" */
export function objectOf(sql: string): string {
  for (const [re, name] of OBJECT_OF) {
    const m = re.exec(sql);
    if (m) return name(m);
  }
  return 'an object';
}

async function apply(target: ConnectionConfig, statements: string[]): Promise<void> {
  const c: MyConnection = await connect(target);
  try {
    // foreign keys are added without checking existing rows (a filter may have left out parents;
    // tables load in parallel), as the writer also writes with foreign_key_checks = 0
    await c.query('SET SESSION foreign_key_checks = 0');
    for (const sql of statements) {
      try {
        await c.query(sql);
      } catch (e) {
        if (alreadyExists(e)) continue;
        const err = e as { code?: string; errno?: number; message?: string };
        const what = objectOf(sql);
        throw Object.assign(
          new Error(
            `Schema Synchronization could not create the ${what} on the destination: ${err.message ?? String(e)}${err.errno ? ` (errno ${err.errno})` : ''}. ` +
              `Statement: ${sql}. Fix the cause on the destination, or create the ${what} there yourself (DTS skips objects that exist); the task tries again within its retry window for other issues.`,
          ),
          { code: err.code, cause: e },
        );
      }
    }
  } finally {
    await c.end().catch(() => c.destroy());
  }
}

export const schemaSync: SchemaSync = { plan, apply };
