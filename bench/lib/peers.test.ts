import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ctidRanges, RAW_CHUNK_PAGES } from './peers';

describe('ctidRanges', () => {
  it('reads a small table whole', () => {
    assert.deepEqual(ctidRanges(0, 100), [null]);
    assert.deepEqual(ctidRanges(100, 100), [null]);
  });
  it('splits a larger one into ranges that cover every page, the last one open-ended', () => {
    assert.deepEqual(ctidRanges(250, 100), [
      `ctid >= '(0,0)'::tid AND ctid < '(100,0)'::tid`,
      `ctid >= '(100,0)'::tid AND ctid < '(200,0)'::tid`,
      `ctid >= '(200,0)'::tid`,
    ]);
    assert.equal(ctidRanges(200, 100).length, 2);
  });
  it('uses 128 MB chunks, as our full load does', () => {
    assert.equal(RAW_CHUNK_PAGES, 16384);
  });
});
