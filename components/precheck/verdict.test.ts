import assert from 'node:assert/strict';
import { test } from 'node:test';
import { precheckVerdict } from './verdict';

test('a run that passed with warnings not ignored is not shown as Passed', () => {
  assert.deepEqual(precheckVerdict({ state: 'passed', successRate: 100, warnings: 1, ignored: 1 }), { text: 'Passed', tone: 'green' });
  const v = precheckVerdict({ state: 'passed', successRate: 94, warnings: 1, ignored: 0 });
  assert.equal(v.tone, 'orange');
  assert.match(v.text, /1 warning must be ignored/);
  assert.equal(precheckVerdict({ state: 'failed', successRate: 94, warnings: 0, ignored: 0 }).tone, 'red');
  assert.equal(precheckVerdict({ state: 'running', successRate: 10, warnings: 0, ignored: 0 }).text, 'In progress');
});
