// Running an engine's precheck in a test: every item once, by key.
import assert from 'node:assert/strict';
import type { PrecheckInput, PrecheckItem, Prechecker } from '../../server/engines/types';

export async function collectPrecheck(prechecker: Prechecker, input: PrecheckInput): Promise<Map<string, PrecheckItem>> {
  const items = new Map<string, PrecheckItem>();
  for await (const item of prechecker.precheck(input)) {
    assert.ok(!items.has(item.key), `item ${item.key} is yielded once`);
    items.set(item.key, item);
  }
  return items;
}

export function precheckItem(items: Map<string, PrecheckItem>, key: string): PrecheckItem {
  const it = items.get(key);
  assert.ok(it, `precheck has the item ${key}; got ${[...items.keys()].join(', ')}`);
  return it;
}
