import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../errors';
import type { Catalog, CatalogColumn, CatalogTable } from '../engines/types';
import { applyCapitalization, resolveMappings } from './mapping';

const col = (name: string, extra: Partial<CatalogColumn> = {}): CatalogColumn => ({
  name, nativeType: 'integer', neutralType: 'int32', nullable: false, defaultExpr: null, identity: null, generatedExpr: null, ...extra,
});

const table = (schema: string, name: string, extra: Partial<CatalogTable> = {}): CatalogTable => ({
  schema, name, columns: [col('id'), col('Name', { nativeType: 'text', neutralType: 'string', nullable: true })],
  primaryKey: { name: `${name}_pkey`, columns: ['id'] }, uniqueKeys: [], foreignKeys: [], indexes: [],
  rowEstimate: 0, bytesEstimate: 0, replicaIdentity: 'd', partitioned: false, ...extra,
});

const catalog: Catalog = {
  engine: 'postgres',
  serverVersion: '18.0',
  schemas: ['public', 'Sales', 'empty'],
  sequences: [],
  types: [],
  tables: [
    table('public', 'users'),
    table('public', 'orders', { columns: [col('id'), col('total', { nativeType: 'numeric' }), col('double', { generatedExpr: 'total * 2' })] }),
    table('Sales', 'Invoice'),
    table('Sales', 'nokey', { primaryKey: null }),
    table('Sales', 'full', { primaryKey: null, replicaIdentity: 'f' }),
    table('Sales', 'uk', {
      primaryKey: null,
      uniqueKeys: [{ name: 'uk_nullable', columns: ['Name'], allNotNull: false }, { name: 'uk_id', columns: ['id'], allNotNull: true }],
    }),
  ],
};

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof AppError && e.code === 'BAD_REQUEST' && pattern.test(e.message));
}

describe('resolveMappings', () => {
  it('selects every table of a whole schema with all operations and identity keys', () => {
    const m = resolveMappings(catalog, { schemas: [{ name: 'Sales' }] });
    assert.deepEqual(m.map((x) => x.source.name), ['Invoice', 'nokey', 'full', 'uk']);
    assert.deepEqual(m[0].target, { schema: 'Sales', name: 'Invoice' });
    assert.deepEqual(m[0].ops, ['insert', 'update', 'delete']);
    assert.deepEqual(m[0].keyColumns, ['id']);
    assert.deepEqual(m[1].keyColumns, []);
    assert.deepEqual(m[2].keyColumns, ['id', 'Name']);
    assert.deepEqual(m[3].keyColumns, ['id'], 'the first NOT NULL unique key');
  });

  it('leaves generated columns out and keeps source column order', () => {
    const [m] = resolveMappings(catalog, { schemas: [{ name: 'public', tables: [{ name: 'orders' }] }] });
    assert.deepEqual(m.columns, [{ source: 'id', target: 'id' }, { source: 'total', target: 'total' }]);
  });

  it('applies typed names first, then Batch Edit rules, then capitalization', () => {
    const m = resolveMappings(catalog, {
      schemas: [{ name: 'Sales', targetName: 'Ventas', tables: [{ name: 'Invoice', targetName: 'Factura', columns: [{ name: 'Name', targetName: 'Nombre' }, { name: 'id' }] }, { name: 'uk' }] }],
      renameRules: [{ level: 'table', match: '(u)(k)', replace: '$2_$1' }, { level: 'column', match: 'id', replace: 'ID_x' }],
      capitalization: 'lower',
    });
    assert.deepEqual(m[0].target, { schema: 'Ventas', name: 'Factura' });
    assert.deepEqual(m[0].columns, [{ source: 'id', target: 'id_x' }, { source: 'Name', target: 'Nombre' }]);
    assert.deepEqual(m[1].target, { schema: 'Ventas', name: 'k_u' });
    const upper = resolveMappings(catalog, { schemas: [{ name: 'public', tables: [{ name: 'users' }] }], capitalization: 'upper' });
    assert.deepEqual(upper[0].target, { schema: 'PUBLIC', name: 'USERS' });
    assert.deepEqual(upper[0].columns.map((c) => c.target), ['ID', 'NAME']);
  });

  it('applies a rule only when it matches the whole name', () => {
    const m = resolveMappings(catalog, { schemas: [{ name: 'public', tables: [{ name: 'users' }] }], renameRules: [{ level: 'table', match: 'user', replace: 'x' }] });
    assert.equal(m[0].target.name, 'users');
  });

  it('uses table ops over schema ops and keeps the WHERE condition', () => {
    const m = resolveMappings(catalog, {
      schemas: [{ name: 'public', ops: ['insert'], tables: [{ name: 'users', ops: ['delete'], where: ' id > 1 ' }, { name: 'orders' }] }],
    });
    assert.deepEqual(m[0].ops, ['delete']);
    assert.equal(m[0].where, 'id > 1');
    assert.deepEqual(m[1].ops, ['insert']);
    assert.equal(m[1].where, null);
  });

  it('names unknown schemas, tables and columns', () => {
    rejects(() => resolveMappings(catalog, { schemas: [{ name: 'nope' }] }), /Schema "nope" does not exist/);
    rejects(() => resolveMappings(catalog, { schemas: [{ name: 'public', tables: [{ name: 'nope' }] }] }), /Table "public"."nope" does not exist/);
    rejects(() => resolveMappings(catalog, { schemas: [{ name: 'public', tables: [{ name: 'users', columns: [{ name: 'zzz' }] }] }] }), /Column "zzz" does not exist in table "public"."users"/);
  });

  it('requires primary key columns to be selected', () => {
    rejects(
      () => resolveMappings(catalog, { schemas: [{ name: 'public', tables: [{ name: 'users', columns: [{ name: 'Name' }] }] }] }),
      /Column "id" is part of the primary key of "public"."users" and must be selected/,
    );
  });

  it('uses the columns of the REPLICA IDENTITY USING INDEX index as the key', () => {
    const cols = [col('a'), col('b'), col('c', { nullable: true })];
    const uniqueKeys = [{ name: 'ri_a', columns: ['a'], allNotNull: true }, { name: 'ri_b', columns: ['b'], allNotNull: true }];
    const indexes = uniqueKeys.map((u) => ({ name: u.name, unique: true, constraint: false, columns: u.columns, definition: '' }));
    const ri = (extra: Partial<CatalogTable>): Catalog => ({
      ...catalog, schemas: ['public'],
      tables: [table('public', 'ri', { columns: cols, primaryKey: null, uniqueKeys, indexes, replicaIdentity: 'i', replicaIdentityColumns: ['b'], ...extra })],
    });
    const select = (columns?: string[]) => ({ schemas: [{ name: 'public', tables: [{ name: 'ri', columns: columns?.map((name) => ({ name })) }] }] });
    // pgoutput's old-row images carry only b, so rows must be matched on b, not on the first key a
    assert.deepEqual(resolveMappings(ri({}), select())[0].keyColumns, ['b']);
    // PostgreSQL uses the index instead of the primary key too
    assert.deepEqual(resolveMappings(ri({ primaryKey: { name: 'ri_pkey', columns: ['a'] } }), select())[0].keyColumns, ['b']);
    rejects(() => resolveMappings(ri({}), select(['a', 'c'])), /Column "b" is part of the replica identity index ri_b of "public"."ri".* must be selected/);
    // the index was dropped (identity behaves as NOTHING): the first NOT NULL unique key, as before
    assert.deepEqual(resolveMappings(ri({ replicaIdentityColumns: null }), select())[0].keyColumns, ['a']);
    // other identities ignore the field
    assert.deepEqual(resolveMappings(ri({ replicaIdentity: 'd' }), select())[0].keyColumns, ['a']);
  });

  it('rejects an invalid rule and two tables with one destination', () => {
    rejects(() => resolveMappings(catalog, { schemas: [{ name: 'public' }], renameRules: [{ level: 'table', match: '(', replace: '' }] }), /not a valid regular expression/);
    rejects(
      () => resolveMappings(catalog, { schemas: [{ name: 'public', tables: [{ name: 'users', targetName: 't' }, { name: 'orders', targetName: 't' }] }] }),
      /would both be synchronized to "public"."t"/,
    );
    rejects(
      () => resolveMappings(catalog, { schemas: [{ name: 'public', targetName: 'x' }, { name: 'Sales', targetName: 'x', tables: [{ name: 'Invoice', targetName: 'users' }] }] }),
      /"public"."users" and "Sales"."Invoice" would both be synchronized to "x"."users"/,
    );
    rejects(
      () => resolveMappings(catalog, { schemas: [{ name: 'public', tables: [{ name: 'users', columns: [{ name: 'id', targetName: 'a' }, { name: 'Name', targetName: 'a' }] }] }] }),
      /would both be named "a"/,
    );
  });

  it('selects nothing from a schema without tables', () => {
    assert.deepEqual(resolveMappings(catalog, { schemas: [{ name: 'empty' }] }), []);
  });
});

describe('applyCapitalization', () => {
  it('keeps or changes case', () => {
    assert.equal(applyCapitalization('MixedCase', 'default'), 'MixedCase');
    assert.equal(applyCapitalization('MixedCase', 'source'), 'MixedCase');
    assert.equal(applyCapitalization('MixedCase', 'lower'), 'mixedcase');
    assert.equal(applyCapitalization('MixedCase', 'upper'), 'MIXEDCASE');
  });
});
