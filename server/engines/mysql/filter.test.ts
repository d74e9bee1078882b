// checkFilterSyntax for MySQL filters: plain conditions pass, anything that could run other SQL,
// depend on the clock or leave the WHERE (...) it is wrapped in is rejected with a reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFilterSyntax, parseFilter } from './filter';

const ok = [
  'id > 100',
  "status = 'paid' AND total >= 10.5",
  "name LIKE 'a\\_%' ESCAPE '\\\\'",
  "note = 'it''s \\' quoted; -- not a comment # nor this /* */'",
  "`order` = 1 OR `weird``name` IS NULL",
  'id IN (1, 2, 3) AND NOT (x BETWEEN 1 AND 5)',
  "created_at >= '2024-01-01' + INTERVAL 1 DAY",
  "DATE_ADD(created_at, INTERVAL 2 HOUR) < TIMESTAMP '2024-01-01 00:00:00'",
  'CAST(price AS DECIMAL(12,2)) > 3 AND CONVERT(code, UNSIGNED INTEGER) < 9',
  "CONVERT(name USING latin1) COLLATE latin1_bin = _latin1'abc'",
  "CASE WHEN a > 1 THEN 'x' ELSE 'y' END = 'x'",
  "EXTRACT(YEAR FROM d) = 2024 AND JSON_EXTRACT(doc, '$.a') ->> '$.b' = 'c'",
  "flags & 4 = 4 AND c <=> NULL AND hex(bin) = 'ff' AND b = X'0aff' AND n = 0x1f",
  "name = 'what?'",
  'a - -1 > 0',
  "COALESCE(`year`, 0) = 2024 AND TRIM(LEADING 'x' FROM s) = 'y'",
];

const bad: [string, RegExp][] = [
  ['', /empty/],
  ['id = 1; DROP TABLE t', /";" is not allowed/],
  ['id = 1 -- comment', /comments/],
  ['id = 1 # comment', /comments/],
  ['id = 1 /* c */', /comments/],
  ['id = 1 /*!50000 OR 1=1 */', /comments/],
  ['id = (SELECT max(id) FROM t)', /SELECT is not allowed/],
  ['EXISTS (SELECT 1)', /EXISTS is not allowed/],
  ['id = @x', /variables/],
  ['id = @@version', /variables/],
  ['created_at > NOW()', /depends on the time/],
  ['d = CURRENT_DATE', /depends on the time/],
  ['RAND() < 0.5', /depends on the time/],
  ['SLEEP(5) = 0', /SLEEP is not allowed/],
  ['load_file(\'/etc/passwd\') IS NULL', /LOAD_FILE is not allowed/],
  ['foo(id) = 1', /function foo\(\) is not allowed/],
  ['`f`(id) = 1', /function `f` is not allowed/],
  ['id = 1) OR (1 = 1', /no matching "\("/],
  ['(id = 1', /without a matching "\)"/],
  ['t.id = 1', /qualified names/],
  ['"name" = 1', /double quotes/],
  ["name = 'open", /not closed/],
  ["name = 'ends with backslash\\'", /not closed/],
  ['id = ?', /placeholders/],
  ['(@a := 1) = 1', /variables/],
  ['id = 1 UNION SELECT 1', /UNION is not allowed/],
  ['id IN (VALUES(1))', /VALUES is not allowed/],
  ['MATCH (a) AGAINST (\'x\')', /MATCH is not allowed/],
  ['{fn now()} > 1', /ODBC/],
  ['id = 1 INTO OUTFILE \'/tmp/x\'', /INTO is not allowed/],
  ['a AS b', /AS is only allowed inside CAST/],
];

describe('MySQL checkFilterSyntax', () => {
  for (const where of ok) {
    it(`accepts: ${where}`, () => assert.doesNotThrow(() => checkFilterSyntax(where)));
  }
  for (const [where, re] of bad) {
    it(`rejects: ${where}`, () => {
      assert.throws(() => checkFilterSyntax(where), (e: unknown) => {
        const err = e as { code?: string; field?: string; message?: string };
        assert.equal(err.code, 'BAD_REQUEST');
        assert.equal(err.field, 'objects.where');
        assert.match(err.message ?? '', re);
        return true;
      });
    });
  }
  it('lists the names the condition uses, lower-cased', () => {
    const { names } = parseFilter("`Total` > 1 AND Status = 'x' AND CAST(q AS SIGNED) = 1 AND d > DATE '2024-01-01'");
    for (const n of ['total', 'status', 'q', 'd']) assert.ok(names.includes(n), n);
    assert.ok(!names.includes('signed'));
    assert.ok(!names.includes('date'));
  });
});
