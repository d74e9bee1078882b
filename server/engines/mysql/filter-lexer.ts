// A small strict lexer for operator-written MySQL WHERE conditions (filter.ts). Anything that could
// hide SQL from a reader of the tokens is an error: comments (-- # /* */, also /*! */ executable
// comments), `;`, user and system variables (@x, @@x), `?` placeholders, ODBC escapes ({ }),
// double-quoted text (a string or an identifier depending on ANSI_QUOTES: ambiguous) and unknown
// characters. Strings may use backslash escapes, as MySQL reads them.

import { LexError } from '../shared/filter-check';

export type TokenKind =
  | 'word' // unquoted identifier or keyword; `value` is lower-cased
  | 'qident' // `quoted identifier`; `value` is the exact name
  | 'string' // 'literal', X'..', B'..', N'..'; `value` is the raw content
  | 'number'
  | 'op'
  | '(' | ')' | ',' | '.';

export interface Token {
  kind: TokenKind;
  text: string;
  value: string;
  start: number;
  end: number;
}

export { LexError };

const OPERATORS = ['<=>', '->>', '<<', '>>', '<=', '>=', '<>', '!=', '&&', '||', '->', ':=', '=', '<', '>', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!'];
const isWordStart = (ch: string) => /[A-Za-z_$\u0080-\uffff]/.test(ch);
const isWordChar = (ch: string) => /[A-Za-z0-9_$\u0080-\uffff]/.test(ch);

function readQuoted(src: string, start: number, quote: string, backslash: boolean): { end: number; value: string } {
  let i = start + 1;
  let value = '';
  for (;;) {
    if (i >= src.length) throw new LexError(quote === '`' ? 'a quoted name is not closed (missing `)' : "a string literal is not closed (missing ')", start);
    const c = src[i];
    if (backslash && c === '\\') {
      if (i + 1 >= src.length) throw new LexError("a string literal is not closed (missing ')", start);
      value += src.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === quote) {
      if (src[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { end: i + 1, value };
    }
    value += c;
    i++;
  }
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const n = src.length;
  const push = (kind: TokenKind, start: number, end: number, value?: string) => out.push({ kind, text: src.slice(start, end), value: value ?? src.slice(start, end), start, end });
  let i = 0;
  while (i < n) {
    const ch = src[i];
    if (ch === '\u0000') throw new LexError('a NUL character is not allowed', i);
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if ((ch === '-' && src[i + 1] === '-') || ch === '#' || (ch === '/' && src[i + 1] === '*')) {
      throw new LexError(`comments (-- , # or /* */) are not allowed${ch === '-' ? '; write a minus before a negative number with a space, e.g. a - -1' : ''}`, i);
    }
    if (ch === ';') throw new LexError('";" is not allowed: a filter is one condition, not a list of statements', i);
    if (ch === '@') throw new LexError('variables (@name, @@name) are not allowed', i);
    if (ch === '?') throw new LexError('"?" placeholders are not allowed', i);
    if (ch === '{' || ch === '}') throw new LexError('ODBC escapes { } are not allowed', i);
    if (ch === '"') throw new LexError("double quotes are not allowed: write text as 'text' and quote names with backticks, e.g. `order`", i);
    // X'0a', B'101', N'text'
    const prefixed = /[XxBbNn]/.test(ch) && src[i + 1] === "'" && (i === 0 || !isWordChar(src[i - 1]));
    if (ch === "'" || prefixed) {
      const r = readQuoted(src, prefixed ? i + 1 : i, "'", true);
      push('string', i, r.end, r.value);
      i = r.end;
      continue;
    }
    if (ch === '`') {
      const r = readQuoted(src, i, '`', false);
      if (r.value === '') throw new LexError('an empty quoted name `` is not allowed', i);
      push('qident', i, r.end, r.value);
      i = r.end;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(0x[0-9A-Fa-f]+|0b[01]+|\d*\.?\d+(?:[eE][+-]?\d+)?|\d+\.)/.exec(src.slice(i));
      const len = m ? m[0].length : 1;
      if (isWordChar(src[i + len] ?? '')) throw new LexError(`"${src.slice(i, i + len + 1)}" is not a valid number; quote a name that starts with a digit with backticks`, i);
      push('number', i, i + len);
      i += len;
      continue;
    }
    if (isWordStart(ch)) {
      const start = i;
      while (i < n && isWordChar(src[i])) i++;
      push('word', start, i, src.slice(start, i).toLowerCase());
      continue;
    }
    if ('(),.'.includes(ch)) {
      push(ch as TokenKind, i, i + 1);
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      if (op === ':=') throw new LexError('assignments (:=) are not allowed', i);
      push('op', i, i + op.length);
      i += op.length;
      continue;
    }
    throw new LexError(`unexpected character "${ch}"`, i);
  }
  return out;
}
