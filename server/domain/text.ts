// Text no field takes: a NUL character (PostgreSQL text cannot hold one) or a lone UTF-16
// surrogate (not a character at all). Pure.

/** a high surrogate not followed by a low one, or a low one not preceded by a high one */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
const NUL = String.fromCharCode(0);

/** why `s` is not text a field takes, or null */
export function textProblem(s: string): string | null {
  if (s.includes(NUL)) return 'contains a NUL character (\\u0000), which no field accepts: remove it';
  if (LONE_SURROGATE.test(s)) return 'contains a lone UTF-16 surrogate, which is not a character: send valid Unicode text';
  return null;
}

/** `s` with every NUL and lone surrogate replaced by U+FFFD, for records of hostile input */
export function replaceInvalidText(s: string): string {
  return s.split(NUL).join('\ufffd').replace(LONE_SURROGATES, '\ufffd');
}
