// Schema Synchronization: DDL for the destination from the source catalog and the mappings.
// `pre` (before the full load): schemas, the enum and domain types and the sequences the
// selected columns use, tables with only the selected columns under their destination names,
// sequence ownership. `post` (after the full load, which is faster without indexes): primary
// keys and unique constraints, secondary indexes, foreign keys between selected tables, and
// sequence values.
// Names in the mappings are final (capitalization is applied by pipeline/mapping.ts).
import type pg from 'pg';
import type {
  Catalog, CatalogColumn, CatalogSequence, CatalogTable, CatalogUserType, ConnectionConfig, SchemaPlan, SchemaSync, TableMapping,
} from '../types';
import { tableKey } from '../types';
import { connect, lit, q, qualify } from './connect';
import { foreignKeyTail, rewriteIndexDef, rewriteSql, type RewriteContext } from './schema-rewrite';
import { tokenize } from './sql-lexer';

const seqKey = (s: { schema: string; name: string }) => `${s.schema}\u0000${s.name}`;
const why = (e: unknown) => (e instanceof Error ? e.message : String(e));

function sequenceOptions(s: CatalogSequence): string {
  return `INCREMENT BY ${s.increment} MINVALUE ${s.min} MAXVALUE ${s.max} START WITH ${s.start} ${s.cycle ? 'CYCLE' : 'NO CYCLE'}`;
}

/** user types a type definition refers to (a domain over an enum or another domain) */
function typeDependencies(t: CatalogUserType, known: Map<string, CatalogUserType>): CatalogUserType[] {
  const tokens = tokenize(t.definition, false);
  const deps: CatalogUserType[] = [];
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (tokens[i + 1].kind !== '.') continue;
    const dep = known.get(seqKey({ schema: tokens[i].value, name: tokens[i + 2].value }));
    if (dep && dep !== t) deps.push(dep);
  }
  return deps;
}

function plan(catalog: Catalog, mappings: TableMapping[]): SchemaPlan {
  const warnings: string[] = [];
  const pre: string[] = [];
  const post: string[] = [];
  const tables = new Map(catalog.tables.map((t) => [tableKey(t), t]));
  const selected = new Map(mappings.map((m) => [tableKey(m.source), m]));
  const schemas = new Map<string, string>();
  for (const m of mappings) if (!schemas.has(m.source.schema)) schemas.set(m.source.schema, m.target.schema);
  const mapSchema = (s: string) => schemas.get(s) ?? s;
  const baseCtx: RewriteContext = { schemas };
  const sequences = new Map(catalog.sequences.map((s) => [seqKey(s), s]));
  const types = new Map(catalog.types.map((t) => [seqKey(t), t]));

  const targetSchemas = new Set<string>();
  const wantTypes: CatalogUserType[] = [];
  const addType = (ref: { schema: string; name: string }) => {
    const t = types.get(seqKey(ref));
    if (!t || wantTypes.includes(t)) return;
    for (const d of typeDependencies(t, types)) addType(d);
    wantTypes.push(t);
  };
  const wantSeqs: CatalogSequence[] = [];
  const tableStmts: string[] = [];
  const keys: string[] = [];
  const ownedBy: string[] = [];
  const setvals: string[] = [];
  const unreadable: CatalogSequence[] = [];

  for (const m of mappings) {
    const t = tables.get(tableKey(m.source));
    if (!t) throw new Error(`Table ${qualify(m.source)} is not in the source catalog; refresh it and plan again.`);
    targetSchemas.add(m.target.schema);
    const target = qualify(m.target);
    const colMap = new Map(m.columns.map((c) => [c.source, c.target]));
    const ctx: RewriteContext = { schemas, columns: colMap, allColumns: new Set(t.columns.map((c) => c.name)) };
    const defs: string[] = [];
    for (const c of t.columns) {
      const def = columnDefinition(t, c, colMap, ctx, sequences, warnings);
      if (!def) continue;
      defs.push(def);
      if (c.userType) addType(c.userType);
      const seq = c.sequence ? sequences.get(seqKey(c.sequence)) : undefined;
      if (!seq || !colMap.has(c.name)) continue;
      if (seq.lastValue !== null) {
        // the exact state: a sequence whose next value is its last_value (is_called false)
        // stays so, or the first insert on this side collides with the source's next row
        const name = c.identity ? `pg_get_serial_sequence(${lit(target)}, ${lit(colMap.get(c.name) as string)})` : lit(qualify({ schema: mapSchema(seq.schema), name: seq.name }));
        setvals.push(`SELECT setval(${name}, ${seq.lastValue}, ${seq.isCalled === false ? 'false' : 'true'})`);
      } else if (!unreadable.includes(seq)) {
        unreadable.push(seq);
        warnings.push(`The value of sequence ${qualify(seq)} is not copied: the source account may not read it (GRANT SELECT ON SEQUENCE ${qualify(seq)} TO <account>); it starts at its start value on the destination.`);
      }
      if (c.identity || wantSeqs.includes(seq)) continue;
      wantSeqs.push(seq);
      if (seq.ownedBy && seq.ownedBy.table === t.name && seq.ownedBy.column === c.name && seq.schema === t.schema) {
        ownedBy.push(`ALTER SEQUENCE ${qualify({ schema: mapSchema(seq.schema), name: seq.name })} OWNED BY ${target}.${q(colMap.get(c.name) as string)}`);
      }
    }
    tableStmts.push(`CREATE TABLE ${target} (\n  ${defs.join(',\n  ')}\n)`);
    // keys after the load: ADD CONSTRAINT builds each index once, in bulk
    const keyCols = (cols: string[]) => (cols.every((c) => colMap.has(c)) ? cols.map((c) => q(colMap.get(c) as string)).join(', ') : null);
    if (t.primaryKey) {
      const cols = keyCols(t.primaryKey.columns);
      // a table has one primary key: skip when it has one (a re-run, or a table that existed)
      if (cols) {
        keys.push(
          `DO $dts$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ${lit(target)}::regclass AND contype = 'p') THEN ` +
            `ALTER TABLE ${target} ADD CONSTRAINT ${q(t.primaryKey.name)} PRIMARY KEY (${cols}); END IF; END $dts$`,
        );
      }
    }
    const plainUniqueIndexes = new Set(t.indexes.filter((i) => !i.constraint).map((i) => i.name));
    for (const u of t.uniqueKeys) {
      if (plainUniqueIndexes.has(u.name)) continue;
      const cols = keyCols(u.columns);
      if (cols) keys.push(`ALTER TABLE ${target} ADD CONSTRAINT ${q(u.name)} UNIQUE (${cols})`);
      else warnings.push(`Unique constraint ${q(u.name)} of ${qualify(t)} is not created: not all of its columns are selected.`);
    }

    // indexes: the plain unique index that identifies rows comes with the keys, the rest after them
    const keyIndex = t.uniqueKeys.find((u) => plainUniqueIndexes.has(u.name) && u.columns.join('\u0000') === m.keyColumns.join('\u0000'));
    for (const idx of t.indexes) {
      if (idx.constraint) continue;
      try {
        const sql = rewriteIndexDef(idx.definition, target, ctx);
        (keyIndex?.name === idx.name ? keys : post).push(sql);
      } catch (e) {
        warnings.push(`Index ${q(idx.name)} of ${qualify(t)} is not created: ${why(e)}.`);
      }
    }
  }

  // foreign keys between selected tables, after the indexes they may need
  for (const m of mappings) {
    const t = tables.get(tableKey(m.source)) as CatalogTable;
    const colMap = new Map(m.columns.map((c) => [c.source, c.target]));
    for (const fk of t.foreignKeys) {
      const ref = selected.get(tableKey({ schema: fk.refSchema, name: fk.refTable }));
      const refCols = ref ? new Map(ref.columns.map((c) => [c.source, c.target])) : null;
      if (!ref || !refCols) {
        warnings.push(`Foreign key ${q(fk.name)} of ${qualify(t)} is not created: it references ${qualify({ schema: fk.refSchema, name: fk.refTable })}, which is not selected.`);
        continue;
      }
      if (!fk.columns.every((c) => colMap.has(c)) || !fk.refColumns.every((c) => refCols.has(c))) {
        warnings.push(`Foreign key ${q(fk.name)} of ${qualify(t)} is not created: not all of its columns are selected.`);
        continue;
      }
      let tail: string;
      try {
        tail = rewriteSql(foreignKeyTail(fk.definition), { schemas, columns: colMap, allColumns: new Set(t.columns.map((c) => c.name)) });
      } catch (e) {
        warnings.push(`Foreign key ${q(fk.name)} of ${qualify(t)} is not created: ${why(e)}.`);
        continue;
      }
      const cols = fk.columns.map((c) => q(colMap.get(c) as string)).join(', ');
      const rcols = fk.refColumns.map((c) => q(refCols.get(c) as string)).join(', ');
      // NOT VALID, then VALIDATE: existing rows are checked without blocking writes. With a
      // WHERE filter on either table, a child row may point at a parent that was filtered
      // out, so the constraint stays NOT VALID (new rows are still checked).
      post.push(`ALTER TABLE ${qualify(m.target)} ADD CONSTRAINT ${q(fk.name)} FOREIGN KEY (${cols}) REFERENCES ${qualify(ref.target)} (${rcols})${tail ? ` ${tail}` : ''} NOT VALID`);
      if (!m.where && !ref.where) post.push(`ALTER TABLE ${qualify(m.target)} VALIDATE CONSTRAINT ${q(fk.name)}`);
      else warnings.push(`Foreign key ${q(fk.name)} of ${qualify(m.target)} is left NOT VALID because a WHERE filter applies.`);
    }
  }

  for (const s of wantSeqs) targetSchemas.add(mapSchema(s.schema));
  for (const t of wantTypes) targetSchemas.add(mapSchema(t.schema));
  for (const s of targetSchemas) pre.push(`CREATE SCHEMA IF NOT EXISTS ${q(s)}`);
  for (const t of wantTypes) {
    // CREATE TYPE and CREATE DOMAIN have no IF NOT EXISTS: apply() skips "already exists"
    pre.push(rewriteSql(t.definition, { ...baseCtx, allowUserFunctions: true }));
  }
  for (const s of wantSeqs) {
    pre.push(`CREATE SEQUENCE IF NOT EXISTS ${qualify({ schema: mapSchema(s.schema), name: s.name })} AS ${s.dataType} ${sequenceOptions(s)}`);
  }
  pre.push(...tableStmts, ...ownedBy);
  post.unshift(...keys);
  post.push(...setvals);
  return { pre, post, warnings };
}

function columnDefinition(
  t: CatalogTable,
  c: CatalogColumn,
  colMap: Map<string, string>,
  ctx: RewriteContext,
  sequences: Map<string, CatalogSequence>,
  warnings: string[],
): string | null {
  const label = `column ${q(c.name)} of ${qualify(t)}`;
  const type = rewriteSql(c.nativeType, { schemas: ctx.schemas, allowUserFunctions: true });
  if (c.generatedExpr) {
    // the destination computes it; it is created only when it can be computed there
    const name = c.name;
    try {
      const expr = rewriteSql(c.generatedExpr, ctx);
      return `${q(name)} ${type} GENERATED ALWAYS AS (${expr}) STORED`;
    } catch (e) {
      warnings.push(`Generated ${label} is not created: ${why(e)}.`);
      return null;
    }
  }
  const target = colMap.get(c.name);
  if (target === undefined) return null;
  let def = `${q(target)} ${type}`;
  if (c.identity) {
    const seq = c.sequence ? sequences.get(seqKey(c.sequence)) : undefined;
    // BY DEFAULT on the destination even for ALWAYS on the source: every value comes from the
    // source, and incremental INSERTs and key-changing UPDATEs must be able to write it
    def += ` GENERATED BY DEFAULT AS IDENTITY${seq ? ` (${sequenceOptions(seq)})` : ''}`;
  } else if (c.defaultExpr) {
    try {
      def += ` DEFAULT ${rewriteSql(c.defaultExpr, { schemas: ctx.schemas })}`;
    } catch (e) {
      warnings.push(`The default of ${label} is not created: ${why(e)}.`);
    }
  }
  if (!c.nullable) def += ' NOT NULL';
  return def;
}

/** SQLSTATEs meaning the object is already there: duplicate_object, duplicate_table, duplicate_schema */
const ALREADY_EXISTS = new Set(['42710', '42P07', '42P06']);

async function apply(target: ConnectionConfig, statements: string[]): Promise<void> {
  const c: pg.Client = await connect(target, { applicationName: 'dts-schema' });
  try {
    // foreign keys and triggers must not fire while DTS writes; only a superuser (or a role
    // granted the setting) may do this, so go on without it otherwise
    await c.query('SET session_replication_role = replica').catch(() => undefined);
    for (const sql of statements) {
      try {
        await c.query(sql);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code && ALREADY_EXISTS.has(code)) continue;
        throw Object.assign(new Error(`Schema synchronization failed: ${why(e)}; statement: ${sql}`), { code, cause: e });
      }
    }
  } finally {
    await c.end().catch(() => undefined);
  }
}

export const schemaSync: SchemaSync = { plan, apply };
