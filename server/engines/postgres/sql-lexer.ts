// A small SQL lexer for PostgreSQL expressions. Two users:
// - filter.ts checks operator-written WHERE conditions (strict: comments, dollar quotes,
//   backslashes in strings and `;` are errors);
// - schema.ts rewrites expressions the server printed (defaults, index definitions) for renamed
//   schemas, tables and columns (lenient: it only needs token boundaries).
// Every token keeps its source offsets, so a rewrite replaces tokens and leaves the rest as is.

import { LexError } from '../shared/filter-check';

export type TokenKind =
  | 'word' // unquoted identifier or keyword; `value` is lower-cased
  | 'qident' // "quoted identifier"; `value` is the exact name
  | 'string' // 'literal' (also E'', B'', X'', $$..$$ in lenient mode); `value` is the content
  | 'number'
  | 'op' // operator such as = <> || ::
  | '(' | ')' | ',' | '.' | '[' | ']' | ':' | ';';

export interface Token {
  kind: TokenKind;
  /** raw text as written */
  text: string;
  /** lower-cased word, exact identifier name, or string content */
  value: string;
  start: number;
  end: number;
}

export { LexError };

const OP_CHARS = new Set('+-*/<>=~!@#%^&|`?'.split(''));
const isWordStart = (ch: string) => /[A-Za-z_\u0080-\uffff]/.test(ch);
const isWordChar = (ch: string) => /[A-Za-z0-9_$\u0080-\uffff]/.test(ch);

/**
 * Splits `src` into tokens. With `strict`, anything that could hide SQL from a reader of the
 * tokens is an error: comments, dollar quoting, `$` parameters, backslashes in string literals,
 * `;` and unknown characters.
 */
export function tokenize(src: string, strict: boolean): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  const push = (kind: TokenKind, start: number, end: number, value?: string) =>
    out.push({ kind, text: src.slice(start, end), value: value ?? src.slice(start, end), start, end });

  while (i < n) {
    const ch = src[i];
    if (ch === '\u0000') throw new LexError('a NUL character is not allowed', i);
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if ((ch === '-' && src[i + 1] === '-') || (ch === '/' && src[i + 1] === '*')) {
      if (strict) throw new LexError('comments (-- or /* */) are not allowed', i);
      if (ch === '-') {
        while (i < n && src[i] !== '\n') i++;
      } else {
        const close = src.indexOf('*/', i + 2);
        i = close < 0 ? n : close + 2;
      }
      continue;
    }
    // string literal, possibly with a one-letter prefix (E, B, X, N); U& is handled as word+op+string
    const prefixed = /[EeBbXxNn]/.test(ch) && src[i + 1] === "'" && (i === 0 || !isWordChar(src[i - 1]));
    if (ch === "'" || prefixed) {
      const start = i;
      const escapes = prefixed && (ch === 'E' || ch === 'e');
      i += prefixed ? 2 : 1;
      let value = '';
      for (;;) {
        if (i >= n) throw new LexError('a string literal is not closed (missing \')', start);
        const c = src[i];
        if (c === '\\') {
          if (strict) throw new LexError('backslashes are not allowed in string literals', i);
          if (escapes) {
            value += src.slice(i, i + 2);
            i += 2;
            continue;
          }
        }
        if (c === "'") {
          if (src[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += c;
        i++;
      }
      push('string', start, i, value);
      continue;
    }
    if (ch === '"') {
      const start = i;
      i++;
      let value = '';
      for (;;) {
        if (i >= n) throw new LexError('a quoted identifier is not closed (missing ")', start);
        if (src[i] === '"') {
          if (src[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += src[i++];
      }
      if (value === '') throw new LexError('an empty quoted identifier "" is not allowed', start);
      push('qident', start, i, value);
      continue;
    }
    if (ch === '$') {
      if (strict) throw new LexError('$ (dollar quoting or parameters) is not allowed', i);
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(src.slice(i));
      if (m) {
        const close = src.indexOf(m[0], i + m[0].length);
        if (close < 0) throw new LexError('a dollar-quoted string is not closed', i);
        push('string', i, close + m[0].length, src.slice(i + m[0].length, close));
        i = close + m[0].length;
        continue;
      }
      const p = /^\$\d+/.exec(src.slice(i));
      if (p) {
        push('word', i, i + p[0].length);
        i += p[0].length;
        continue;
      }
      throw new LexError('unexpected $', i);
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(\d+(_\d+)*)?(\.\d*)?([eE][+-]?\d+)?/.exec(src.slice(i));
      const len = m && m[0].length > 0 ? m[0].length : 1;
      if (isWordStart(src[i + len] ?? '')) throw new LexError(`"${src.slice(i, i + len + 1)}" is not a valid number`, i);
      push('number', i, i + len);
      i += len;
      continue;
    }
    if (isWordStart(ch)) {
      const start = i;
      while (i < n && isWordChar(src[i])) i++;
      const text = src.slice(start, i);
      if (strict && text.includes('$')) throw new LexError(`$ in the name ${text} is not allowed; quote the name: "${text}"`, start);
      push('word', start, i, text.toLowerCase());
      continue;
    }
    if (ch === ':' && src[i + 1] === ':') {
      push('op', i, i + 2);
      i += 2;
      continue;
    }
    if ('(),.[]:'.includes(ch)) {
      push(ch as TokenKind, i, i + 1);
      i++;
      continue;
    }
    if (ch === ';') {
      if (strict) throw new LexError('";" is not allowed: a filter is one condition, not a list of statements', i);
      push(';', i, i + 1);
      i++;
      continue;
    }
    if (OP_CHARS.has(ch)) {
      const start = i;
      while (i < n && OP_CHARS.has(src[i])) {
        if ((src[i] === '-' && src[i + 1] === '-') || (src[i] === '/' && src[i + 1] === '*')) break;
        i++;
      }
      // as PostgreSQL does: a multi-character operator cannot end in + or - unless it holds one
      // of ~ ! @ # % ^ & | ` ?, so "=-1" is "=" then "-1". What is cut off is + and - only, and
      // each of those is an operator of its own. One pass over the run: re-reading it after each
      // cut was cubic in its length ("a =+++...+", 4,000 characters, took 10 s).
      const run = i;
      if (!/[~!@#%^&|`?]/.test(src.slice(start, run))) {
        while (i - start > 1 && (src[i - 1] === '+' || src[i - 1] === '-')) i--;
      }
      push('op', start, i);
      for (; i < run; i++) push('op', i, i + 1);
      continue;
    }
    throw new LexError(`unexpected character "${ch}"`, i);
  }
  return out;
}

/** Replaces token ranges in `src`; edits must not overlap. */
export function applyEdits(src: string, edits: { start: number; end: number; text: string }[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    out += src.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + src.slice(at);
}

/** The name a word or quoted-identifier token denotes (lower-cased for unquoted words). */
export function identName(t: Token): string | null {
  return t.kind === 'word' || t.kind === 'qident' ? t.value : null;
}
