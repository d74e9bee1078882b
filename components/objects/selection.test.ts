import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexCatalog } from './catalog-index';
import { emptyChecks, schemaTri, setColumn, setSchema, setTable, setTables, tableTri, type CheckState } from './checks';
import { shop } from './fixtures.test-helpers';
import { fromSelection, moveToSelected, removeChecked, toSelection } from './selection';

const index = indexCatalog(shop);
const kids = {
  tables: (s: string) => (index.tablesBySchema.get(s) ?? []).map((t) => t.name),
  columns: (s: string, t: string) => index.tables.get(`${s}\u0000${t}`)?.columns.map((c) => c.name) ?? [],
};
const move = (checks: CheckState, value = fromSelection(null)) => moveToSelected(value, checks, index);

describe('checks', () => {
  it('a checked schema stands for its tables; unchecking one table checks the others', () => {
    let c = setSchema(emptyChecks(), 'public', true, kids);
    assert.equal(schemaTri(c, 'public'), 'all');
    assert.equal(tableTri(c, 'public', 'orders'), 'all');
    c = setTable(c, 'public', 'orders', false, kids);
    assert.equal(schemaTri(c, 'public'), 'some');
    assert.deepEqual([...c.tables.values()].map((t) => t.name), ['customers', 'audit_log']);
    c = setTable(c, 'public', 'orders', true, kids);
    assert.deepEqual([...c.schemas], ['public']);
    assert.equal(c.tables.size, 0);
  });

  it('checking every column checks the table; unchecking one of a checked table keeps the rest', () => {
    let c = setColumn(emptyChecks(), 'sales', 'invoices', 'id', true, kids);
    assert.equal(tableTri(c, 'sales', 'invoices'), 'some');
    c = setColumn(c, 'sales', 'invoices', 'name', true, kids);
    assert.deepEqual([...c.schemas], ['sales'], 'the only table of sales, so the schema');
    c = setColumn(c, 'sales', 'invoices', 'name', false, kids);
    assert.deepEqual([...c.columns.values()].map((x) => [...x.columns]), [['id']]);
  });

  it('setTables checks what a search shows', () => {
    const c = setTables(emptyChecks(), [{ schema: 'public', name: 'orders' }, { schema: 'sales', name: 'invoices' }], true, kids);
    assert.deepEqual([...c.schemas], ['sales']);
    assert.deepEqual([...c.tables.values()].map((t) => t.name), ['orders']);
  });
});

describe('moving to Selected Objects', () => {
  it('a whole schema has no tables list, some tables a list, in catalog order', () => {
    let c = setSchema(emptyChecks(), 'sales', true, kids);
    c = setTable(c, 'public', 'orders', true, kids);
    c = setTable(c, 'public', 'customers', true, kids);
    const { state } = move(c);
    assert.deepEqual(toSelection(state, index), {
      schemas: [{ name: 'public', tables: [{ name: 'customers' }, { name: 'orders' }] }, { name: 'sales' }],
      renameRules: [],
    });
  });

  it('some columns: the key columns are added, with a note', () => {
    const c = setColumn(emptyChecks(), 'public', 'orders', 'total', true, kids);
    const { state, notes } = move(c);
    assert.deepEqual(toSelection(state, index)?.schemas, [{ name: 'public', tables: [{ name: 'orders', columns: [{ name: 'id' }, { name: 'total' }] }] }]);
    assert.match(notes[0], /primary key column id of public\.orders/);
  });

  it('keeps table edits when the whole schema is added later', () => {
    const value = fromSelection({ schemas: [{ name: 'public', tables: [{ name: 'orders', targetName: 'orders_copy' }] }], capitalization: 'lower' });
    const { state, notes } = move(setSchema(emptyChecks(), 'public', true, kids), value);
    const sel = toSelection(state, index)!;
    assert.equal(sel.capitalization, 'lower');
    assert.deepEqual(sel.schemas[0].tables?.map((t) => t.targetName ?? t.name), ['customers', 'orders_copy', 'audit_log']);
    assert.match(notes[0], /table by table/);
  });

  it('a schema holding disabled tables is selected table by table without them', () => {
    const idx = indexCatalog(shop, [{ schema: 'public', name: 'orders' }]);
    const c = setSchema(emptyChecks(), 'public', true, { ...kids, wholeSchema: (s) => !idx.schemasWithDisabled.has(s), tables: (s) => kids.tables(s).filter((t) => !(s === 'public' && t === 'orders')) });
    assert.equal(c.schemas.size, 0);
    const sel = toSelection(moveToSelected(fromSelection(null), c, idx).state, idx)!;
    assert.deepEqual(sel.schemas[0].tables?.map((t) => t.name), ['customers', 'audit_log']);
  });
});

describe('removing from Selected Objects', () => {
  const whole = fromSelection({ schemas: [{ name: 'public' }, { name: 'sales' }] });

  it('a table of a whole schema leaves the others listed; the last table removes the schema', () => {
    let c = setTable(emptyChecks(), 'public', 'audit_log', true, kids);
    c = setTable(c, 'sales', 'invoices', true, kids);
    const sel = toSelection(removeChecked(whole, c, index).state, index)!;
    assert.deepEqual(sel.schemas, [{ name: 'public', tables: [{ name: 'customers' }, { name: 'orders' }] }]);
  });

  it('key columns stay, with a hint; other columns go', () => {
    let c = setColumn(emptyChecks(), 'public', 'orders', 'id', true, kids);
    c = setColumn(c, 'public', 'orders', 'status', true, kids);
    const { state, notes } = removeChecked(whole, c, index);
    assert.match(notes[0], /Column id is part of the primary key of public\.orders and must stay selected/);
    const orders = toSelection(state, index)!.schemas[0].tables?.find((t) => t.name === 'orders');
    assert.deepEqual(orders?.columns?.map((x) => x.name), ['id', 'customer_id', 'total']);
  });

  it('only a key column checked: nothing changes', () => {
    const { state, notes } = removeChecked(whole, setColumn(emptyChecks(), 'public', 'orders', 'id', true, kids), index);
    assert.equal(notes.length, 1);
    assert.deepEqual(toSelection(state, index)?.schemas, [{ name: 'public' }, { name: 'sales' }]);
  });

  it('everything removed gives null', () => {
    assert.equal(toSelection(removeChecked(whole, { ...emptyChecks(), schemas: new Set(['public', 'sales']) }, index).state, index), null);
  });
});

describe('conversion', () => {
  it('round-trips an ObjectSelection and reuses the parsed tree for a value it produced', () => {
    const value = {
      schemas: [{ name: 'public', targetName: 'pub', ops: ['insert' as const], tables: [{ name: 'orders', where: 'total > 0', columns: [{ name: 'id' }, { name: 'total', targetName: 'amount' }] }] }],
      renameRules: [{ level: 'table' as const, match: '(.*)', replace: '$1_copy' }],
      capitalization: 'default' as const,
    };
    const state = fromSelection(value);
    const out = toSelection(state, index)!;
    assert.deepEqual(out, value);
    assert.equal(fromSelection(out), state);
  });
});

describe('a schema holding disabled tables', () => {
  it('shows as checked when every selectable table is checked, and unchecks them all', () => {
    const k = { ...kids, wholeSchema: (s: string) => s !== 'public', tables: (s: string) => kids.tables(s).filter((t) => t !== 'orders') };
    const c = setSchema(emptyChecks(), 'public', true, k);
    assert.equal(schemaTri(c, 'public', k), 'all');
    assert.equal(schemaTri(c, 'public'), 'some');
    assert.equal(setSchema(c, 'public', false, k).tables.size, 0);
  });
});
