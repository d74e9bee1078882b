// The pure selection operations stay fast with 5,000 tables (seed 003: up to 5,000 tables
// with per-table edits in one task).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { indexCatalog } from './catalog-index';
import { emptyChecks, setSchema, setTable, setTables } from './checks';
import { bigCatalog } from './fixtures.test-helpers';
import { previewRenames } from './rename';
import { fromSelection, moveToSelected, removeChecked, selectedChildren, toSelection } from './selection';
import { applyEdit, selectionStats } from './selection-edit';
import { selectedRows, sourceRows, visibleSelectable } from './tree-rows';

it('5,000 tables: select, move, rename, remove, convert and flatten each finish under 200 ms', () => {
  const timings: Record<string, number> = {};
  const time = <T>(label: string, f: () => T): T => {
    const t0 = performance.now();
    const r = f();
    timings[label] = performance.now() - t0;
    return r;
  };
  const catalog = bigCatalog(5000);
  const index = time('index catalog', () => indexCatalog(catalog));
  const kids = { tables: (s: string) => (index.tablesBySchema.get(s) ?? []).map((t) => t.name), columns: () => ['id', 'v', 'note'] };

  time('source rows (all open)', () => sourceRows(index, new Set(), ''));
  const visible = time('search + select all visible', () => visibleSelectable(index, 't_'));
  let checks = time('check all tables of a schema', () => setTables(emptyChecks(), visible, true, kids));
  assert.equal(checks.schemas.has('big'), true);
  checks = time('uncheck one table of a checked schema', () => setTable(checks, 'big', 't_0001', false, kids));
  assert.equal(checks.tables.size, 4999);
  let state = time('move 4,999 tables', () => moveToSelected(fromSelection(null), checks, index).state);
  state = time('move the whole schema', () => moveToSelected(state, setSchema(emptyChecks(), 'big', true, kids), index).state);
  state = time('list tables and edit one (rename + filter)', () =>
    applyEdit(fromSelection({ schemas: [{ name: 'big' }] }), { schema: 'big', table: 't_0042' }, { targetName: 't_42_copy', ops: ['insert'], where: 'id > 0' }, index).state,
  );
  for (let i = 0; i < 50; i++) state = applyEdit(state, { schema: 'big', table: `t_${String(i).padStart(4, '0')}` }, { targetName: `copy_${i}`, ops: ['insert', 'update', 'delete'], where: '' }, index).state;
  const sel = time('convert to ObjectSelection', () => toSelection(state, index)!);
  assert.equal(sel.schemas[0].tables?.length, 5000);
  time('parse an ObjectSelection back', () => fromSelection(structuredClone(sel)));
  time('selected rows', () => selectedRows(state, index, new Set()));
  time('stats', () => selectionStats(state));
  time('batch rename preview (tables and columns)', () => previewRenames(state, index, [{ level: 'table', match: 't_(\\d+)', replace: 'copy_$1' }, { level: 'column', match: 'v', replace: 'value' }], 'default'));
  const selChecks = setSchema(emptyChecks(), 'big', false, selectedChildren(state, index));
  time('remove 2,500 checked tables', () => removeChecked(state, setTables(selChecks, visible.slice(0, 2500), true, selectedChildren(state, index)), index));
  console.log(Object.entries(timings).map(([k, v]) => `${k}: ${v.toFixed(1)} ms`).join('\n'));
  for (const [label, ms] of Object.entries(timings)) assert.ok(ms < 200, `${label} took ${ms.toFixed(1)} ms`);
});
