import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCounts, expectedChanges, modelScripts, modelTables, updateOffsets } from './model-workload';

describe('modelScripts', () => {
  const scripts = modelScripts(10_000);
  it('has three scripts of two DML each, sent as one query (one transaction)', () => {
    assert.equal(scripts.length, 3);
    for (const s of scripts) {
      const sql = s.text.split('\n').filter((l) => l && !l.startsWith('\\'));
      assert.equal(sql.length, 2, s.name);
      assert.match(sql[0], / \\;$/);
      assert.match(sql[1], /;$/);
    }
  });
  it('gives INSERT:UPDATE:DELETE = 3:1:2 over the three scripts', () => {
    const count = (re: RegExp) => scripts.reduce((n, s) => n + (s.text.match(re)?.length ?? 0), 0);
    assert.deepEqual([count(/^INSERT/gm), count(/^UPDATE/gm), count(/^DELETE/gm)], [3, 1, 2]);
  });
  it('draws tables among the 20 and updates between 200 and rows/2 above the delete cursor', () => {
    assert.equal(modelTables().length, 20);
    assert.equal(modelTables()[19], 'm_20');
    assert.match(scripts[1].text, /\\set off random\(200, 5000\)/);
    assert.match(scripts[1].text, /\\set a random\(1, 20\)/);
    assert.throws(() => updateOffsets(500), /at least 800 rows/);
  });
});

describe('expectedChanges and checkCounts', () => {
  it('derives the row changes from the per-script transaction counts', () => {
    assert.deepEqual(expectedChanges([1598, 1534, 1612]), { ins: 4808, upd: 1534, del: 3146 });
    assert.equal(expectedChanges([1, 2]), null);
  });
  it('is exact when the counts match', () => {
    assert.equal(checkCounts({ ins: 4808, upd: 1534, del: 3146 }, { ins: 4808, upd: 1534, del: 3146 }, 16), 'exact');
  });
  it('explains a difference of whole transactions pgbench did not count (finished after -T)', () => {
    // two delete+insert transactions more than pgbench reported
    assert.equal(checkCounts({ ins: 19_772, upd: 5000, del: 13_352 }, { ins: 19_774, upd: 5000, del: 13_354 }, 16), 'exact (with 2 transaction(s) pgbench finished after its deadline and did not count)');
  });
  it('reports any other difference', () => {
    assert.equal(checkCounts({ ins: 10, upd: 5, del: 5 }, { ins: 10, upd: 5, del: 4 }, 16), 'del 4 counted vs 5 expected');
    // more than one transaction per client is not a deadline effect
    assert.equal(checkCounts({ ins: 10, upd: 5, del: 5 }, { ins: 50, upd: 5, del: 5 }, 16), 'ins 50 counted vs 10 expected');
    assert.equal(checkCounts(null, { ins: 1, upd: 0, del: 0 }, 16), 'not checked (no per-script counts from pgbench)');
  });
});
