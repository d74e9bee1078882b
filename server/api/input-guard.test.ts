import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inputProblem } from './input-guard';

test('plain input passes', () => {
  assert.equal(inputProblem({ name: 'orders', objects: { schemas: [{ name: 'public' }] }, n: 3, ok: true, none: null }), null);
  assert.equal(inputProblem('text with émoji 😀'), null);
});

test('a NUL character is named with its field', () => {
  assert.deepEqual(inputProblem({ source: { host: 'db\u0000' } }), { field: 'source.host', message: 'contains a NUL character (\\u0000), which no field accepts: remove it' });
  assert.equal(inputProblem({ objects: { schemas: [{ name: 'a' }, { name: 'b\u0000' }] } })?.field, 'objects.schemas.1.name');
});

test('a lone surrogate is named with its field', () => {
  assert.match(inputProblem({ name: 'x\ud800y' })?.message ?? '', /lone UTF-16 surrogate/);
  assert.equal(inputProblem({ name: '\udc00' })?.field, 'name');
});

test('bad keys and deep nesting are refused', () => {
  assert.match(inputProblem({ ['a\u0000b']: 1 })?.message ?? '', /name of this field/);
  let deep: unknown = 'x';
  for (let i = 0; i < 40; i++) deep = { d: deep };
  assert.match(inputProblem(deep)?.message ?? '', /nested deeper than 32/);
});
