// Input no field of the API takes: a NUL character (PostgreSQL text cannot hold one), a lone
// UTF-16 surrogate (not a character at all), or nesting deeper than any request needs. Found before
// any procedure runs, and answered as a field error. Pure.
import { replaceInvalidText, textProblem } from '../domain/text';

export const MAX_INPUT_DEPTH = 32;

export interface InputProblem {
  /** dotted path of the field, e.g. "source.host" ("" for the input itself) */
  field: string;
  message: string;
}

/** the first string (value or key) in `value` no field accepts, or null */
export function inputProblem(value: unknown, path: string[] = []): InputProblem | null {
  if (typeof value === 'string') {
    const m = textProblem(value);
    return m ? { field: path.join('.'), message: m } : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  if (path.length >= MAX_INPUT_DEPTH) return { field: path.join('.'), message: `is nested deeper than ${MAX_INPUT_DEPTH} levels` };
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  for (const [k, v] of entries) {
    const keyProblem = Array.isArray(value) ? null : textProblem(k);
    if (keyProblem) return { field: [...path, replaceInvalidText(k)].join('.'), message: `the name of this field ${keyProblem}` };
    const p = inputProblem(v, [...path, k]);
    if (p) return p;
  }
  return null;
}
