// Engine-neutral pieces of the WHERE filter checks (each engine's filter.ts): the lexer's error,
// the badRequest every problem becomes, and the tokens of a condition that must not be empty.
import { badRequest } from '../../errors';

/** a condition the engine's lexer cannot read, at character offset `pos` */
export class LexError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
    this.name = 'LexError';
  }
}

export function filterFail(message: string, field: string): never {
  throw badRequest(`Invalid WHERE condition: ${message}`, field);
}

/** the tokens of `where` read by `tokenize`; a lexer error or an empty condition fails */
export function filterTokens<T>(where: string, field: string, tokenize: (src: string) => T[]): T[] {
  let t: T[];
  try {
    t = tokenize(where);
  } catch (e) {
    if (e instanceof LexError) filterFail(`${e.message} (at character ${e.pos + 1}). Write one condition over the table's columns, such as id > 100 AND status = 'paid'.`, field);
    throw e;
  }
  if (t.length === 0) filterFail('the condition is empty. Enter a condition such as id > 100, or remove the filter.', field);
  return t;
}
