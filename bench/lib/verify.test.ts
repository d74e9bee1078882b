import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countLines, describeChecks } from './verify';

describe('countLines', () => {
  it('counts COPY text rows by their newlines', () => {
    assert.equal(countLines(Buffer.from('1\ta\n2\tb\\nc\n')), 2);
    assert.equal(countLines(Buffer.from('')), 0);
  });
});

describe('describeChecks', () => {
  const d = (rows: number, md5 = 'x') => ({ rows, md5 });
  it('says all equal, or which table differs and how', () => {
    assert.match(describeChecks([{ table: 'a', source: d(1), target: d(1), equal: true }]), /1 table\(s\) equal/);
    assert.equal(describeChecks([{ table: 'a', source: d(2), target: d(1), equal: false }]), 'a: rows 1 vs source 2');
    assert.equal(describeChecks([{ table: 'a', source: d(2), target: d(2, 'y'), equal: false }]), 'a: rows 2, md5 differs');
    assert.equal(describeChecks([{ table: 'a', source: d(2), target: d(2), indexes: { source: 1, target: 0 }, equal: false }]), 'a: 0 index(es) vs source 1');
    assert.equal(describeChecks([{ table: 'a', source: d(2), target: null, equal: false, error: 'no such table' }]), 'a: no such table');
  });
});
