// Destination names, shared by the replicator's mapping and the console's Batch Edit preview
// (pure: its only import is re2js, so the browser bundle can use it too). In order: a name the
// operator typed is used as it is; otherwise the first Batch Edit rule of the object's level whose
// pattern matches the whole source name gives the name; otherwise the source name. Names from a
// rule or the source then follow "Capitalization of Object Names in Destination Instance".
//
// Batch Edit patterns are user input evaluated in-process, so they run on RE2 (re2js), whose
// matching time is linear in the length of the name: `(a+)+` cannot backtrack for hours as
// JavaScript's RegExp does. A pattern is also refused when it is longer than MAX_PATTERN_LENGTH,
// when RE2 cannot run it (backreferences, lookarounds, bad syntax) or when its counted
// repetitions make it too big (MAX_PATTERN_SIZE), and a Replace that names a group the pattern
// does not have is refused. checkRenameRules gives the first problem with the field at fault;
// the API refuses it, and the console's Batch Edit dialog shows the same message.
import { RE2JS, RE2JSSyntaxException } from 're2js';

export type NamingLevel = 'schema' | 'table' | 'column';
export type Capitalization = 'default' | 'source' | 'lower' | 'upper';

/** longest pattern accepted (the renameRule schema in server/services/task-config.ts has the same max) */
export const MAX_PATTERN_LENGTH = 200;
/** most Batch Edit rules in one task */
export const MAX_RENAME_RULES = 100;
/** largest RE2 program (instructions) a pattern may compile to; matching costs up to this much per character */
export const MAX_PATTERN_SIZE = 500;
/** a pattern whose estimated size is larger is refused before it is compiled (compiling is the costly part) */
const MAX_ESTIMATE = 4 * MAX_PATTERN_SIZE;
export const RE2_SYNTAX_URL = 'https://github.com/google/re2/wiki/Syntax';

export interface RenameRuleInput {
  level: NamingLevel;
  match: string;
  replace: string;
}

/** a piece of the replacement: literal text, or the number of a group (0 = the whole name) */
type Part = string | number;

export interface NamingRule {
  level: NamingLevel;
  /** the pattern, matched against whole names (testExact / matches) */
  re: RE2JS;
  /** the Replace text, read as String.prototype.replace reads it */
  parts: Part[];
  /** names already given by this rule (the same column names recur across tables) */
  memo?: Map<string, string | null>;
}

/** names a rule remembers at most (one compiled rule set serves one mapping or one preview) */
const MEMO_LIMIT = 50_000;

export interface RuleError {
  /** the field at fault under the task's objects, e.g. "renameRules.0.match" */
  field: string;
  /** names the rule, the problem and the fix */
  message: string;
}

export interface CompiledRenameRules {
  /** the rules that compiled, in order */
  rules: NamingRule[];
  /** per rule, in the order given: why it cannot be used, or null */
  errors: Array<RuleError | null>;
  /** more than MAX_RENAME_RULES rules (then none was compiled) */
  countError: RuleError | null;
}

const ruleLabel = (i: number, level: string) => `Batch Edit rule ${i + 1} (${level})`;

/**
 * An estimate of the RE2 program size of `pattern`, without compiling it: literals, classes and
 * operators count one, groups two, and a counted repetition {n,m} multiplies what it repeats.
 * RE2 itself refuses what it cannot parse; this only keeps big programs from being compiled.
 */
function patternSizeEstimate(pattern: string): number {
  const frames: Array<{ total: number; last: number }> = [{ total: 0, last: 0 }];
  let top = frames[0];
  const atom = (w: number) => {
    top.total += w;
    top.last = w;
  };
  const n = pattern.length;
  let i = 0;
  while (i < n) {
    const c = pattern[i];
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const stop = end < 0 ? n : end;
        top.total += stop - (i + 2);
        top.last = 1;
        i = end < 0 ? n : end + 2;
        continue;
      }
      if ((e === 'p' || e === 'P' || e === 'x') && pattern[i + 2] === '{') {
        const close = pattern.indexOf('}', i + 3);
        i = close < 0 ? n : close + 1;
      } else if (e === 'p' || e === 'P') i += 3;
      else if (e === 'x') i += 4;
      else i += 2;
      atom(1);
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < n && pattern[j] !== ']') {
        if (pattern[j] === '\\') j += 2;
        else if (pattern[j] === '[' && pattern[j + 1] === ':') {
          const close = pattern.indexOf(':]', j + 2);
          j = close < 0 ? j + 1 : close + 2;
        } else j++;
      }
      i = j + 1;
      atom(1);
      continue;
    }
    if (c === '(') {
      let j = i + 1;
      if (pattern[j] === '?') {
        j++;
        if (pattern[j] === 'P' || pattern[j] === '<') {
          const close = pattern.indexOf('>', j);
          j = close < 0 ? n : close + 1;
        } else {
          while (j < n && /[a-zA-Z-]/.test(pattern[j])) j++;
          if (pattern[j] === ')') {
            // (?i): a flag change, not a group
            i = j + 1;
            continue;
          }
          j++; // the ':' of (?flags:...)
        }
      }
      frames.push((top = { total: 0, last: 0 }));
      i = j;
      continue;
    }
    if (c === ')') {
      if (frames.length > 1) {
        const inner = frames.pop()!;
        top = frames[frames.length - 1];
        atom(inner.total + 2);
      }
      i++;
      continue;
    }
    if (c === '|') {
      top.total += 1;
      top.last = 0;
      i++;
      continue;
    }
    if (c === '*' || c === '+' || c === '?') {
      top.total += 1;
      i++;
      if (pattern[i] === '?') i++;
      continue;
    }
    if (c === '{') {
      let j = i + 1;
      while (j < n && pattern[j] >= '0' && pattern[j] <= '9') j++;
      const min = pattern.slice(i + 1, j);
      let max = min;
      if (min && pattern[j] === ',') {
        const from = ++j;
        while (j < n && pattern[j] >= '0' && pattern[j] <= '9') j++;
        max = j > from ? pattern.slice(from, j) : String(Number(min) + 1);
      }
      if (min && pattern[j] === '}') {
        const times = Math.max(Number(min), Number(max), 1);
        top.total += top.last * (times - 1) + times;
        top.last *= times;
        i = j + 1;
        if (pattern[i] === '?') i++;
        continue;
      }
    }
    atom(1);
    i++;
  }
  return frames.reduce((s, f) => s + f.total, 0) + 2;
}

/** why RE2 refused the pattern, with the fix */
function syntaxProblem(match: string, e: RE2JSSyntaxException): string {
  const fragment = (e.input ?? '').replace(/^`|`$/g, '');
  const what = e.error;
  if (what === 'invalid escape sequence' && /^\\([1-9]|k)/.test(fragment)) {
    return `The pattern "${match}" uses the backreference ${fragment}, which RE2 syntax does not have (RE2 matches in time linear in the length of the name). Rewrite the pattern without it: capture the part once with ( ) and repeat it in Replace with $1.`;
  }
  if (what === 'invalid or unsupported Perl syntax' && /^\(\?[=!]/.test(fragment)) {
    return `The pattern "${match}" uses a lookahead ${fragment.slice(0, 3)}, which RE2 syntax does not have. Rewrite the pattern without lookarounds: a rule applies only when the pattern matches the whole name, so match the whole name and keep the parts you need with groups and $1, $2 in Replace.`;
  }
  if (/^\(\?<[=!]/.test(fragment)) {
    return `The pattern "${match}" uses a lookbehind ${fragment.slice(0, 4)}, which RE2 syntax does not have. Rewrite the pattern without lookarounds: a rule applies only when the pattern matches the whole name, so match the whole name and keep the parts you need with groups and $1, $2 in Replace.`;
  }
  if (what === 'invalid repeat count' || what === 'expression too large') {
    return `The pattern "${match}" repeats too much (${what} ${fragment}): a count in {n,m} may be at most 1000, and nested counts multiply. Use smaller counts.`;
  }
  const hint = fragment === '\\u' ? ' Write a character by its code as \\x{20AC}.' : fragment === '\\Z' ? ' Use $ for the end of the name.' : '';
  return `The pattern "${match}" is not a valid regular expression (RE2 syntax): ${what}${fragment ? `: ${fragment}` : ''}.${hint} Correct the pattern (syntax: ${RE2_SYNTAX_URL}).`;
}

function tooComplex(match: string, size: number): string {
  return `The pattern "${match}" is too complex: it compiles to about ${size} instructions, more than the ${MAX_PATTERN_SIZE} allowed. Use smaller counts in {n} and {n,m} (names are at most a few dozen characters long), or split it into several rules.`;
}

function groupList(count: number): string {
  if (count === 0) return 'has no groups';
  return count === 1 ? 'has only the group $1' : `has only the groups $1 to $${count}`;
}

/**
 * Reads `replace` as String.prototype.replace reads it: $$ is "$", $& the whole name, $` and $'
 * the text before and after the match (empty: the match is the whole name), $n and $nn a group
 * (two digits when they form a group number), $<name> a named group. A reference to a group the
 * pattern does not have is a problem; any other $ is literal.
 */
function replaceParts(match: string, replace: string, count: number, named: Record<string, number>): { parts: Part[] } | { problem: string } {
  const parts: Part[] = [];
  let text = '';
  const flush = () => {
    if (text) parts.push(text);
    text = '';
  };
  const isDigit = (ch: string | undefined) => ch !== undefined && ch >= '0' && ch <= '9';
  const hasNames = Object.keys(named).length > 0;
  for (let i = 0; i < replace.length; i++) {
    const c = replace[i];
    const next = replace[i + 1];
    if (c !== '$' || next === undefined) {
      text += c;
      continue;
    }
    if (next === '$') {
      text += '$';
      i++;
    } else if (next === '&') {
      flush();
      parts.push(0);
      i++;
    } else if (next === '`' || next === "'") {
      i++;
    } else if (isDigit(next)) {
      const second = replace[i + 2];
      const two = isDigit(second) ? Number(next + second) : -1;
      const one = Number(next);
      if (two >= 1 && two <= count) {
        flush();
        parts.push(two);
        i += 2;
      } else if (one >= 1 && one <= count) {
        flush();
        parts.push(one);
        i++;
      } else if (one === 0 && two <= 0) {
        return { problem: `Replace "${replace}" uses $0, which is not a group. Use $& for the whole name, or $$ for a dollar sign.` };
      } else {
        const ref = two >= 1 ? `$${next}${second}` : `$${next}`;
        return { problem: `Replace "${replace}" uses ${ref}, but the pattern "${match}" ${groupList(count)}. Refer only to groups the pattern has, or write $$ for a dollar sign.` };
      }
    } else if (next === '<' && replace.indexOf('>', i + 2) >= 0) {
      const close = replace.indexOf('>', i + 2);
      const name = replace.slice(i + 2, close);
      const group = Object.prototype.hasOwnProperty.call(named, name) ? named[name] : undefined;
      if (group === undefined) {
        const names = Object.keys(named);
        return {
          problem: `Replace "${replace}" uses $<${name}>, but the pattern "${match}" has no group named "${name}" (${hasNames ? `its named groups: ${names.join(', ')}` : 'it has no named groups'}). Name a group in the pattern with (?P<${name}>...), or write $$ for a dollar sign.`,
        };
      }
      flush();
      parts.push(group);
      i = close;
    } else {
      text += c;
    }
  }
  flush();
  return { parts };
}

/** Compiles one rule, or says why it cannot be used (the message does not name the rule yet). */
export function compileRenameRule(rule: RenameRuleInput): { rule: NamingRule } | { field: 'match' | 'replace'; problem: string } {
  const { match, replace } = rule;
  if (match === '') return { field: 'match', problem: 'The pattern is empty. Enter a pattern, such as (.*) for every name.' };
  if (match.length > MAX_PATTERN_LENGTH) {
    return { field: 'match', problem: `The pattern has ${match.length} characters; at most ${MAX_PATTERN_LENGTH} are allowed. Shorten the pattern.` };
  }
  if (replace.length > MAX_PATTERN_LENGTH) {
    return { field: 'replace', problem: `Replace has ${replace.length} characters; at most ${MAX_PATTERN_LENGTH} are allowed. Shorten it.` };
  }
  const estimate = patternSizeEstimate(match);
  if (estimate > MAX_ESTIMATE) return { field: 'match', problem: tooComplex(match, estimate) };
  let re: RE2JS;
  try {
    re = RE2JS.compile(match);
  } catch (e) {
    if (e instanceof RE2JSSyntaxException) return { field: 'match', problem: syntaxProblem(match, e) };
    return { field: 'match', problem: `The pattern "${match}" cannot be compiled: ${e instanceof Error ? e.message : String(e)}. Correct the pattern (syntax: ${RE2_SYNTAX_URL}).` };
  }
  const size = re.programSize();
  if (size > MAX_PATTERN_SIZE) return { field: 'match', problem: tooComplex(match, size) };
  const r = replaceParts(match, replace, re.groupCount(), re.namedGroups());
  if ('problem' in r) return { field: 'replace', problem: r.problem };
  return { rule: { level: rule.level, re, parts: r.parts } };
}

/** Compiles the rules of a task; every rule that cannot be used has its error. */
export function compileRenameRules(rules: readonly RenameRuleInput[]): CompiledRenameRules {
  if (rules.length > MAX_RENAME_RULES) {
    return {
      rules: [],
      errors: rules.map(() => null),
      countError: {
        field: 'renameRules',
        message: `Batch Edit has ${rules.length} rules; at most ${MAX_RENAME_RULES} are allowed. Combine rules with alternatives such as (orders|invoices)_(.*), or rename single objects with Edit.`,
      },
    };
  }
  const out: CompiledRenameRules = { rules: [], errors: [], countError: null };
  rules.forEach((r, i) => {
    const c = compileRenameRule(r);
    if ('rule' in c) {
      out.rules.push(c.rule);
      out.errors.push(null);
    } else {
      out.errors.push({ field: `renameRules.${i}.${c.field}`, message: `${ruleLabel(i, r.level)}: ${c.problem}` });
    }
  });
  return out;
}

/** the first reason the rules cannot be used, or null */
export function firstRuleError(compiled: CompiledRenameRules): RuleError | null {
  return compiled.countError ?? compiled.errors.find((e) => e !== null) ?? null;
}

/** Checks a task's Batch Edit rules: the first problem, with the field at fault under `objects`, or null. */
export function checkRenameRules(rules: readonly RenameRuleInput[]): RuleError | null {
  return firstRuleError(compileRenameRules(rules));
}

export function applyCapitalization(name: string, mode: Capitalization): string {
  if (mode === 'lower') return name.toLowerCase();
  if (mode === 'upper') return name.toUpperCase();
  return name;
}

/** the name a rule gives `source`, or null when its pattern does not match the whole name */
export function applyRule(rule: NamingRule, source: string): string | null {
  const memo = (rule.memo ??= new Map());
  const known = memo.get(source);
  if (known !== undefined) return known;
  const name = matchRule(rule, source);
  if (memo.size < MEMO_LIMIT) memo.set(source, name);
  return name;
}

function matchRule(rule: NamingRule, source: string): string | null {
  if (!rule.re.testExact(source)) return null;
  if (rule.parts.every((p) => typeof p === 'string' || p === 0)) return rule.parts.map((p) => (p === 0 ? source : p)).join('');
  const m = rule.re.matcher(source);
  if (!m.matches()) return null;
  return rule.parts.map((p) => (typeof p === 'string' ? p : (m.group(p) ?? ''))).join('');
}

export function destinationName(rules: NamingRule[], level: NamingLevel, source: string, typed: string | undefined, cap: Capitalization): string {
  if (typed) return typed;
  for (const rule of rules) {
    if (rule.level !== level) continue;
    const name = applyRule(rule, source);
    if (name !== null) return applyCapitalization(name, cap);
  }
  return applyCapitalization(source, cap);
}
