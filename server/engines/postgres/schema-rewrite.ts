// Rewrites SQL the source server printed (defaults, generated columns, index definitions,
// foreign key tails, type definitions) for destination names: renamed schemas and columns, and
// a table's new name. Works on tokens (sql-lexer.ts), never on raw text, so a name inside a
// string literal or a longer identifier is not touched. Introspection runs with
// search_path = pg_catalog, so every user object in the text is schema-qualified.
import { lit, q } from './connect';
import { applyEdits, identName, tokenize, type Token } from './sql-lexer';

export interface RewriteContext {
  /** source schema -> destination schema, for schema-qualified names */
  schemas: Map<string, string>;
  /** source column -> destination column, when the text refers to a table's columns */
  columns?: Map<string, string>;
  /** every source column of that table: a reference to one not in `columns` cannot be rewritten */
  allColumns?: Set<string>;
  /** allow calls of schema-qualified (user) functions; otherwise such text cannot be rewritten */
  allowUserFunctions?: boolean;
}

export class RewriteError extends Error {}

const TYPE_CONTINUATIONS = new Set(['precision', 'varying', 'with', 'without', 'time', 'zone']);
/** words that pg prints unquoted and that are never column references */
const SQL_WORDS = new Set([
  'and', 'or', 'not', 'null', 'true', 'false', 'is', 'in', 'case', 'when', 'then', 'else', 'end', 'desc', 'asc',
  'collate', 'using', 'on', 'only', 'with', 'where', 'distinct', 'from', 'array', 'any', 'all', 'some', 'between',
  'like', 'ilike', 'similar', 'to', 'cast', 'as', 'value', 'nulls', 'include', 'escape',
]);

const isIdent = (t: Token | undefined): t is Token => !!t && (t.kind === 'word' || t.kind === 'qident');

function mapSchema(ctx: RewriteContext, s: string): string {
  return ctx.schemas.get(s) ?? s;
}

/** 'schema.seq'::regclass -> the same text for the destination schema */
function rewriteRegclassLiteral(ctx: RewriteContext, content: string): string {
  const t = tokenize(content, false);
  if (t.length === 3 && isIdent(t[0]) && t[1].kind === '.' && isIdent(t[2])) {
    return lit(`${q(mapSchema(ctx, identName(t[0]) as string))}.${q(identName(t[2]) as string)}`);
  }
  return lit(content);
}

/**
 * Returns `sql` with schema-qualified names moved to their destination schema and column
 * references renamed. Throws RewriteError when the text refers to something it cannot carry
 * over: a column that is not selected, or a user function (unless allowed).
 */
export function rewriteSql(sql: string, ctx: RewriteContext): string {
  const t = tokenize(sql, false);
  const edits: { start: number; end: number; text: string }[] = [];
  for (let i = 0; i < t.length; i++) {
    const tok = t[i];
    const prev = t[i - 1];
    // schema.name (types, sequences, functions, tables)
    if (isIdent(tok) && t[i + 1]?.kind === '.' && isIdent(t[i + 2]) && prev?.kind !== '.') {
      if (t[i + 3]?.kind === '(' && !ctx.allowUserFunctions && tok.value !== 'pg_catalog') {
        throw new RewriteError(`it calls the function ${tok.text}.${t[i + 2].text}(), which may not exist on the destination`);
      }
      const s = identName(tok) as string;
      const to = mapSchema(ctx, s);
      if (to !== s) edits.push({ start: tok.start, end: tok.end, text: q(to) });
      i += 2;
      continue;
    }
    if (tok.kind === 'op' && tok.text === '::') {
      // a type name: schema-qualified ones are handled above on the next turn
      if (isIdent(t[i + 1]) && t[i + 2]?.kind !== '.') {
        i++;
        while (t[i + 1]?.kind === 'word' && TYPE_CONTINUATIONS.has(t[i + 1].value)) i++;
      }
      continue;
    }
    if (tok.kind === 'string' && t[i + 1]?.text === '::' && t[i + 2]?.value === 'regclass') {
      edits.push({ start: tok.start, end: tok.end, text: rewriteRegclassLiteral(ctx, tok.value) });
      i += 2;
      continue;
    }
    if (!isIdent(tok) || prev?.kind === '.') continue;
    if (t[i + 1]?.kind === '(') continue; // a function name
    if (prev?.kind === 'word' && ['nulls', 'collate', 'using'].includes(prev.value)) continue;
    if (tok.kind === 'word' && SQL_WORDS.has(tok.value)) continue;
    if (!ctx.allColumns) continue;
    const name = tok.value;
    if (!ctx.allColumns.has(name)) continue;
    const to = ctx.columns?.get(name);
    if (to === undefined) throw new RewriteError(`it uses the column "${name}", which is not selected`);
    if (to !== name) edits.push({ start: tok.start, end: tok.end, text: q(to) });
  }
  return applyEdits(sql, edits);
}

/**
 * CREATE [UNIQUE] INDEX name ON [ONLY] schema.table USING m (...) [INCLUDE (...)] [WITH (...)]
 * [WHERE ...], as pg_get_indexdef prints it, for the destination table and column names.
 */
export function rewriteIndexDef(def: string, target: string, ctx: RewriteContext): string {
  const t = tokenize(def, false);
  const on = t.findIndex((x) => x.kind === 'word' && x.value === 'on');
  if (on < 0) throw new RewriteError('the index definition has no ON clause');
  let j = on + 1;
  if (t[j]?.value === 'only' && t[j].kind === 'word') j++;
  const nameEnd = t[j + 1]?.kind === '.' ? j + 2 : j;
  if (!isIdent(t[nameEnd])) throw new RewriteError('the index definition has no table name');
  const head = `${def.slice(0, t[on].end)} ${target}`;
  const rest = def.slice(t[nameEnd].end);
  // storage parameters (WITH (fillfactor='70')) hold no column names: keep them byte for byte
  const rt = tokenize(rest, false);
  const w = rt.findIndex((x, k) => x.kind === 'word' && x.value === 'with' && rt[k + 1]?.kind === '(');
  if (w < 0) return head + rewriteSql(rest, ctx);
  let depth = 0;
  let k = w + 1;
  for (; k < rt.length - 1; k++) {
    if (rt[k].kind === '(') depth++;
    if (rt[k].kind === ')' && --depth === 0) break;
  }
  return head + rewriteSql(rest.slice(0, rt[w].start), ctx) + rest.slice(rt[w].start, rt[k].end) + rewriteSql(rest.slice(rt[k].end), ctx);
}

/** The text after REFERENCES t(cols) in a foreign key definition: ON DELETE ..., DEFERRABLE ... */
export function foreignKeyTail(def: string): string {
  const t = tokenize(def, false);
  const r = t.findIndex((x) => x.kind === 'word' && x.value === 'references');
  if (r < 0) return '';
  let j = r + 1;
  while (t[j] && t[j].kind !== '(') j++;
  let depth = 0;
  for (; j < t.length; j++) {
    if (t[j].kind === '(') depth++;
    if (t[j].kind === ')' && --depth === 0) break;
  }
  return j < t.length ? def.slice(t[j].end).trim() : '';
}
