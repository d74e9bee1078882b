// Batch Edit patterns run on RE2 (naming.ts): catastrophic patterns finish in milliseconds on long
// names, ordinary patterns keep the meaning they had as JavaScript regular expressions, and the
// patterns RE2 cannot run are refused with a message that names the problem and the fix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../errors';
import type { Catalog, CatalogTable } from '../engines/types';
import { renameRule } from '../services/task-config';
import { resolveMappings } from '../pipeline/mapping';
import {
  applyRule,
  checkRenameRules,
  compileRenameRule,
  compileRenameRules,
  destinationName,
  MAX_PATTERN_LENGTH,
  MAX_RENAME_RULES,
  type NamingRule,
  type RenameRuleInput,
} from './naming';

const BOUND_MS = 50;

function rule(match: string, replace = '', level: RenameRuleInput['level'] = 'table'): NamingRule {
  const c = compileRenameRule({ level, match, replace });
  if (!('rule' in c)) throw new Error(`${match}: ${c.problem}`);
  return c.rule;
}

function problem(match: string, replace = ''): { field: string; problem: string } {
  const c = compileRenameRule({ level: 'table', match, replace });
  if ('rule' in c) throw new Error(`${match} / ${replace} was accepted`);
  return c;
}

/** ms to compile `match` and name `source` with it, and the name */
function timed(match: string, replace: string, source: string): { ms: number; name: string } {
  const t = performance.now();
  const compiled = compileRenameRules([{ level: 'table', match, replace }]);
  assert.equal(compiled.errors[0], null, `${match} compiles`);
  const name = destinationName(compiled.rules, 'table', source, undefined, 'default');
  return { ms: performance.now() - t, name };
}

describe('Batch Edit patterns on RE2: no catastrophic backtracking', () => {
  // each of these takes hours (or years) as a JavaScript RegExp against a 40-character name that
  // almost matches: backtracking tries every way to split the run of a's
  const catastrophic: Array<{ match: string; hit: (n: number) => string; miss: (n: number) => string }> = [
    { match: '(a+)+', hit: (n) => 'a'.repeat(n), miss: (n) => `${'a'.repeat(n - 1)}!` },
    { match: '(a*)*b', hit: (n) => `${'a'.repeat(n - 1)}b`, miss: (n) => 'a'.repeat(n) },
    { match: '(a|a)+', hit: (n) => 'a'.repeat(n), miss: (n) => `${'a'.repeat(n - 1)}!` },
    { match: '(a|aa)+', hit: (n) => 'a'.repeat(n), miss: (n) => `${'a'.repeat(n - 1)}!` },
    { match: '(\\w+_?)+', hit: (n) => 'a'.repeat(n), miss: (n) => `${'a'.repeat(n - 1)}!` },
    { match: '(.*a){12}', hit: (n) => 'a'.repeat(n), miss: (n) => `${'a'.repeat(n - 1)}!` },
    { match: '([a-z]+)*[A-Z]', hit: (n) => `${'a'.repeat(n - 1)}Z`, miss: (n) => 'a'.repeat(n) },
  ];

  for (const length of [40, 63, 1000]) {
    it(`finishes in milliseconds against ${length}-character names, with the right result`, () => {
      for (const c of catastrophic) {
        const miss = c.miss(length);
        const hit = c.hit(length);
        assert.equal(miss.length, length);
        const m = timed(c.match, 'renamed', miss);
        assert.ok(m.ms < BOUND_MS, `${c.match} against a ${length}-character name that does not match took ${m.ms.toFixed(1)} ms`);
        assert.equal(m.name, miss, `${c.match} does not match ${miss.slice(0, 12)}…`);
        const h = timed(c.match, 'renamed_$1', hit);
        assert.ok(h.ms < BOUND_MS, `${c.match} against a ${length}-character name that matches took ${h.ms.toFixed(1)} ms`);
        assert.match(h.name, /^renamed_/, `${c.match} matches ${hit.slice(0, 12)}…`);
      }
    });
  }

  it('gives the groups JavaScript gives for the catastrophic ones that match', () => {
    const name = 'a'.repeat(40);
    assert.equal(applyRule(rule('(a+)+', '[$1]'), name), `[${name}]`);
    assert.equal(applyRule(rule('(a|aa)+', '[$1]'), name), '[a]');
    assert.equal(applyRule(rule('(a*)*b', '[$1]'), `${'a'.repeat(39)}b`), `[${'a'.repeat(39)}]`);
  });

  it('a pattern that would compile to a big program is refused before it is compiled', () => {
    for (const match of ['.{0,1000}'.repeat(22), `(${'a{1000}'.repeat(25)})`, '(\\pL{0,100}){10}', 'a{0,63}'.repeat(10)]) {
      const t = performance.now();
      const p = problem(match);
      assert.ok(performance.now() - t < BOUND_MS, `${match.slice(0, 20)}… was refused in ${(performance.now() - t).toFixed(1)} ms`);
      assert.equal(p.field, 'match');
      assert.match(p.problem, /is too complex|repeats too much/);
      assert.match(p.problem, /smaller counts/);
    }
  });

  it('checks 100 rules at the size limit in well under a second', () => {
    const rules = Array.from({ length: MAX_RENAME_RULES }, (_, i) => ({ level: 'table' as const, match: `t${i}_\\pL{0,240}`, replace: 'x' }));
    const t = performance.now();
    assert.equal(checkRenameRules(rules), null);
    assert.ok(performance.now() - t < 1000, `took ${(performance.now() - t).toFixed(0)} ms`);
  });
});

describe('Batch Edit patterns keep their meaning', () => {
  // [pattern, replace, names]: each name is renamed as `name.replace(new RegExp(`^(?:${p})$`), r)`
  // renamed it when patterns were JavaScript regular expressions
  const cases: Array<[string, string, string[]]> = [
    ['(.*)', '$1_copy', ['orders', '', 'a b']],
    ['(.*)s', '$1_copy', ['orders', 'customers', 'audit_log']],
    ['(u)(k)', '$2_$1', ['uk', 'ukk']],
    ['^audit$', 'audit_log', ['audit', 'audits']],
    ['tmp_(\\w+)', '$1', ['tmp_orders', 'tmp_', 'xtmp_a']],
    ['(\\d+)_([a-z]+)', '$2_$1', ['2024_sales', 'x_2024']],
    ['([a-z]+)_(old|new)', '$1', ['orders_old', 'orders_new', 'orders_mid']],
    ['(a|ab)(c|bcd)(d*)', '[$1|$2|$3]', ['abcd', 'acd', 'abcdd']],
    ['(a*)(a*)', '[$1|$2]', ['aaa', '']],
    ['(a+?)(a*)', '[$1|$2]', ['aaa']],
    ['(?<pre>[a-z]+)_(?<n>\\d+)', '$<n>_$<pre>', ['orders_7']],
    ['(x)?y', '[$1]', ['y', 'xy']],
    ['(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)', '$11$10$1', ['abcdefghijk']],
    ['(a)', '$10$$&$&', ['a']],
    ['[A-Z][a-z]+', 'X', ['Orders', 'orders']],
    ['a.c', 'X', ['abc', 'a\nc']],
    ['ü(.)', '$1', ['üx']],
  ];
  for (const [match, replace, names] of cases) {
    it(`${match} -> ${replace}`, () => {
      const js = new RegExp(`^(?:${match})$`);
      const r = rule(match, replace);
      for (const name of names) {
        const expected = js.test(name) ? name.replace(js, replace) : name;
        assert.equal(destinationName([r], 'table', name, undefined, 'default'), expected, `${JSON.stringify(name)}`);
      }
    });
  }

  it('applies the first rule of the level that matches the whole name, then capitalization; a typed name wins', () => {
    const rules = [rule('id', 'ID_x', 'column'), rule('user', 'x'), rule('(u)(.*)', '$2_$1'), rule('(.*)', 'never')];
    assert.equal(destinationName(rules, 'table', 'users', undefined, 'upper'), 'SERS_U');
    assert.equal(destinationName(rules, 'table', 'user', undefined, 'default'), 'x');
    assert.equal(destinationName(rules, 'column', 'id', undefined, 'lower'), 'id_x');
    assert.equal(destinationName(rules, 'column', 'name', undefined, 'default'), 'name');
    assert.equal(destinationName(rules, 'table', 'users', 'Typed', 'lower'), 'Typed');
  });
});

describe('Batch Edit patterns RE2 cannot run are refused with the problem and the fix', () => {
  it('backreferences', () => {
    for (const [match, ref] of [['(\\w+)_\\1', '\\1'], ['(a)(b)\\2', '\\2'], ['(?<x>a)\\k<x>', '\\k']]) {
      const p = problem(match);
      assert.equal(p.field, 'match');
      assert.ok(p.problem.includes(`uses the backreference ${ref}`), p.problem);
      assert.match(p.problem, /RE2 syntax does not have/);
      assert.match(p.problem, /\$1 in Replace|\$1/);
    }
  });

  it('lookarounds', () => {
    assert.match(problem('(?=orders)o.*').problem, /uses a lookahead \(\?=, which RE2 syntax does not have\. Rewrite the pattern without lookarounds/);
    assert.match(problem('(?!tmp_).*').problem, /lookahead \(\?!/);
    assert.match(problem('.*(?<=_old)').problem, /lookbehind \(\?<=/);
    assert.match(problem('(?<!x)a').problem, /lookbehind \(\?<!/);
  });

  it('bad syntax, with what RE2 said and where to read the syntax', () => {
    const open = problem('(');
    assert.match(open.problem, /^The pattern "\(" is not a valid regular expression \(RE2 syntax\): missing closing \)/);
    assert.match(open.problem, /https:\/\/github\.com\/google\/re2\/wiki\/Syntax/);
    // accepted by the old ^(?:...)$ wrapping, where it meant something else
    assert.match(problem('a)|(b').problem, /unexpected \)/);
    assert.match(problem('a**').problem, /invalid nested repetition operator/);
    assert.match(problem('\\u0041').problem, /\\x\{20AC\}/);
    assert.match(problem('a{1001}').problem, /is too complex: it compiles to about \d+ instructions, more than the 500 allowed\. Use smaller counts/);
  });

  it('empty, too long', () => {
    assert.match(problem('').problem, /The pattern is empty/);
    const long = problem('a'.repeat(MAX_PATTERN_LENGTH + 1));
    assert.equal(long.field, 'match');
    assert.match(long.problem, /201 characters; at most 200/);
    assert.equal(problem('(.*)', 'x'.repeat(201)).field, 'replace');
    // the schema has the same limit
    assert.equal(renameRule.safeParse({ level: 'table', match: 'a'.repeat(MAX_PATTERN_LENGTH), replace: '' }).success, true);
    assert.equal(renameRule.safeParse({ level: 'table', match: 'a'.repeat(MAX_PATTERN_LENGTH + 1), replace: '' }).success, false);
  });

  it('a Replace that names a group the pattern does not have', () => {
    const two = problem('(a)(b)', '$3');
    assert.equal(two.field, 'replace');
    assert.equal(two.problem, 'Replace "$3" uses $3, but the pattern "(a)(b)" has only the groups $1 to $2. Refer only to groups the pattern has, or write $$ for a dollar sign.');
    assert.match(problem('orders', '$1_x').problem, /uses \$1, but the pattern "orders" has no groups/);
    assert.match(problem('(a)', '$0').problem, /uses \$0, which is not a group\. Use \$& for the whole name/);
    assert.match(problem('(?P<x>a)', '$<y>').problem, /has no group named "y" \(its named groups: x\)/);
    assert.match(problem('(a)', '$<y>').problem, /it has no named groups/);
    // literal dollars and the whole name are fine
    assert.equal(applyRule(rule('(a)', '$$1 $& $x $'), 'a'), '$1 a $x $');
  });

  it('names the rule and the field for the API', () => {
    const rules: RenameRuleInput[] = [
      { level: 'table', match: '(.*)', replace: '$1' },
      { level: 'column', match: '(\\w+)_\\1', replace: '$1' },
    ];
    const e = checkRenameRules(rules);
    assert.equal(e?.field, 'renameRules.1.match');
    assert.match(e?.message ?? '', /^Batch Edit rule 2 \(column\): The pattern "\(\\w\+\)_\\1" uses the backreference \\1/);
    const many = Array.from({ length: MAX_RENAME_RULES + 1 }, () => ({ level: 'table' as const, match: '(a+)+', replace: '' }));
    assert.deepEqual(checkRenameRules(many)?.field, 'renameRules');
    assert.match(checkRenameRules(many)?.message ?? '', /101 rules; at most 100/);
  });
});

describe('stored rules in resolveMappings (replicator and precheck)', () => {
  const table = (name: string): CatalogTable => ({
    schema: 'public',
    name,
    columns: [{ name: 'id', nativeType: 'integer', neutralType: 'int32', nullable: false, defaultExpr: null, identity: null, generatedExpr: null }],
    primaryKey: { name: `${name}_pkey`, columns: ['id'] },
    uniqueKeys: [],
    foreignKeys: [],
    indexes: [],
    rowEstimate: 0,
    bytesEstimate: 0,
    replicaIdentity: 'd',
    partitioned: false,
  });
  const catalogOf = (names: string[]): Catalog => ({ engine: 'postgres', serverVersion: '18.0', schemas: ['public'], sequences: [], types: [], tables: names.map(table) });

  it('a stored rule RE2 refuses fails with the rule named, not a hang or a crash', () => {
    const catalog = catalogOf(['orders']);
    let err: unknown;
    try {
      resolveMappings(catalog, { schemas: [{ name: 'public' }], renameRules: [{ level: 'table', match: '(.*)', replace: '$1' }, { level: 'table', match: '(?=x)x', replace: '' }] });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, 'BAD_REQUEST');
    assert.equal(err.field, 'objects.renameRules.1.match');
    assert.match(err.message, /^Batch Edit rule 2 \(table\): The pattern "\(\?=x\)x" uses a lookahead/);
  });

  it('(a+)+ over long table names resolves in milliseconds', () => {
    const names = ['a'.repeat(62), `${'a'.repeat(62)}!`, `${'a'.repeat(999)}b`];
    const catalog = catalogOf(names);
    const t = performance.now();
    const m = resolveMappings(catalog, { schemas: [{ name: 'public' }], renameRules: [{ level: 'table', match: '(a+)+', replace: 'only_a' }] });
    assert.ok(performance.now() - t < BOUND_MS, `took ${(performance.now() - t).toFixed(1)} ms`);
    assert.deepEqual(
      m.map((x) => x.target.name),
      ['only_a', names[1], names[2]],
    );
  });
});
