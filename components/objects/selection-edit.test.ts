import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexCatalog } from './catalog-index';
import { shop } from './fixtures.test-helpers';
import { previewRenames } from './rename';
import { fromSelection, toSelection } from './selection';
import { applyEdit, currentEdit, normalizeOps, removeObject, selectionStats, tooManyTablesWarning } from './selection-edit';
import { searchTables, selectedRows, sourceRows, toggleFlip, rowId, visibleSelectable } from './tree-rows';

const index = indexCatalog(shop);
const whole = fromSelection({ schemas: [{ name: 'public' }] });

describe('Edit', () => {
  it('renames a table, sets its filter and ops; the schema is then listed table by table', () => {
    const { state, notes } = applyEdit(whole, { schema: 'public', table: 'orders' }, { targetName: ' orders_copy ', ops: ['insert', 'update'], where: 'total > 0' }, index);
    assert.match(notes[0], /table by table/);
    const t = toSelection(state, index)!.schemas[0].tables!;
    assert.deepEqual(t[1], { name: 'orders', targetName: 'orders_copy', where: 'total > 0', ops: ['insert', 'update'] });
    assert.deepEqual(currentEdit(state, { schema: 'public', table: 'orders' }), { targetName: 'orders_copy', ops: ['insert', 'update'], where: 'total > 0' });
  });

  it('all three ops are omitted; none is refused; a table inherits the schema ops', () => {
    assert.deepEqual(normalizeOps(['delete', 'insert', 'update']), {});
    assert.deepEqual(normalizeOps(['delete', 'insert']), { ops: ['insert', 'delete'] });
    assert.match(normalizeOps([]).error ?? '', /at least one/);
    const s = applyEdit(whole, { schema: 'public' }, { targetName: 'pub', ops: ['insert'], where: '' }, index).state;
    assert.deepEqual(toSelection(s, index)!.schemas, [{ name: 'public', targetName: 'pub', ops: ['insert'] }]);
    assert.deepEqual(currentEdit(s, { schema: 'public', table: 'orders' }).ops, ['insert']);
  });

  it('renames a column: the table lists its columns', () => {
    const s = applyEdit(whole, { schema: 'public', table: 'customers', column: 'email' }, { targetName: 'mail', ops: [], where: '' }, index).state;
    assert.deepEqual(toSelection(s, index)!.schemas[0].tables![0], { name: 'customers', columns: [{ name: 'id' }, { name: 'email', targetName: 'mail' }, { name: 'name' }] });
  });

  it('removes one object', () => {
    const s = removeObject(whole, { schema: 'public', table: 'audit_log' }, index).state;
    assert.deepEqual(toSelection(s, index)!.schemas[0].tables?.map((t) => t.name), ['customers', 'orders']);
  });
});

describe('Batch Edit preview', () => {
  it('shows the names that change, with typed names kept and capitalization applied', () => {
    const s = applyEdit(whole, { schema: 'public', table: 'orders' }, { targetName: 'Orders_X', ops: ['insert', 'update', 'delete'], where: '' }, index).state;
    const p = previewRenames(s, index, [{ level: 'table', match: '(.*)s', replace: '$1_copy' }, { level: 'column', match: '(', replace: '' }], 'upper');
    assert.equal(p.errors[0], null);
    assert.match(p.errors[1] ?? '', /not a valid regular expression/);
    const tables = p.rows.filter((r) => r.level === 'table');
    assert.deepEqual(tables, [
      { level: 'table', source: 'public.customers', target: 'CUSTOMER_COPY' },
      { level: 'table', source: 'public.orders', target: 'Orders_X' },
      { level: 'table', source: 'public.audit_log', target: 'AUDIT_LOG' },
    ]);
    assert.ok(p.rows.some((r) => r.source === 'public' && r.target === 'PUBLIC'));
    assert.deepEqual(p.collisions, []);
  });

  it('names every group of objects that would get the same destination name', () => {
    // every table to one name: all three collide on public.t
    const all = previewRenames(whole, index, [{ level: 'table', match: '.*', replace: 't' }], 'default');
    assert.deepEqual(all.collisions, [{ target: 'public.t', sources: ['public.customers', 'public.orders', 'public.audit_log'] }]);
    // columns of one table mapped to one name collide within that table only
    const cols = previewRenames(whole, index, [{ level: 'column', match: '.*', replace: 'c' }], 'default');
    assert.ok(cols.collisions.length >= 2, 'each table with two or more columns collides');
    assert.ok(cols.collisions.every((c) => c.sources.every((src) => src.startsWith(c.target.replace(/\.c$/, '.')))), 'a column collides only with columns of its own table');
  });
});

describe('warnings', () => {
  it('warns over 5,000 tables listed one by one with edits', () => {
    const schemas = [{ name: 'big', tables: Array.from({ length: 5001 }, (_, i) => ({ name: `t${i}`, ...(i === 0 ? { targetName: 'x' } : {}) })) }];
    const st = selectionStats(fromSelection({ schemas }));
    assert.equal(st.listedTables, 5001);
    assert.match(tooManyTablesWarning(st, false) ?? '', /5,001 tables .* request error/);
    assert.equal(tooManyTablesWarning(selectionStats(whole), true), null);
  });
});

describe('tree rows', () => {
  it('source rows: schemas open, tables closed, search filters by table or schema name', () => {
    assert.deepEqual(sourceRows(index, new Set(), '').map((r) => r.label), ['public', 'public.customers', 'public.orders', 'public.audit_log', 'sales', 'sales.invoices', 'empty']);
    const open = toggleFlip(toggleFlip(new Set(), rowId('sales')), rowId('public', 'orders'));
    assert.deepEqual(sourceRows(index, open, 'ord').map((r) => r.label), ['public', 'public.orders', 'public.orders.id', 'public.orders.customer_id', 'public.orders.total', 'public.orders.status']);
    assert.deepEqual(searchTables(index, 'sales', 'SAL'), ['invoices']);
    assert.equal(visibleSelectable(index, 'o').length, 4);
  });

  it('selected rows expand a whole schema from the catalog', () => {
    const s = fromSelection({ schemas: [{ name: 'sales' }, { name: 'public', tables: [{ name: 'orders', columns: [{ name: 'id' }] }] }] });
    const rows = selectedRows(s, index, new Set([rowId('public', 'orders')]));
    assert.deepEqual(rows.map((r) => r.label), ['public', 'public.orders', 'public.orders.id', 'sales', 'sales.invoices']);
  });
});
