// The test harness and the benchmark spawn the replicator with the same node flags as
// `npm run replicator`, so what they measure is what an operator runs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { replicatorNodeFlags } from './harness';

it('spawns the replicator with the node flags of npm run replicator', () => {
  const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> };
  const script = pkg.scripts.replicator;
  const expand = (heap: string | undefined) =>
    script
      .replace(/\$\{DTS_REPLICATOR_HEAP_MB:\+--max-old-space-size=\$DTS_REPLICATOR_HEAP_MB\}/, heap ? `--max-old-space-size=${heap}` : '')
      .split(' ')
      .filter((a) => a.startsWith('--max-'));
  assert.deepEqual(expand(undefined), replicatorNodeFlags({}));
  assert.deepEqual(expand('512'), replicatorNodeFlags({ DTS_REPLICATOR_HEAP_MB: '512' }));
  assert.ok(replicatorNodeFlags({ DTS_REPLICATOR_HEAP_MB: '512' }).includes('--max-old-space-size=512'));
});
