import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MY_MODEL_TABLE_COUNT, myModelLua, myModelTables, myModelTableSql } from './model-workload';

describe('MySQL test model workload', () => {
  it('20 tables, each created and filled with ~1 KB rows', () => {
    assert.equal(myModelTables().length, MY_MODEL_TABLE_COUNT);
    assert.deepEqual(myModelTables().slice(0, 2), ['m_1', 'm_2']);
    const sql = myModelTableSql('md_src', 3, 5000);
    assert.match(sql[0], /CREATE TABLE `md_src`\.m_3 \(id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY/);
    assert.match(sql[1], /REPEAT\(MD5\(seq\), 31\) FROM `md_src`\.seq_1_to_5000$/);
  });
  it('the Lua script draws three kinds of 2-DML transactions with equal weight (3:1:2 over all DML)', () => {
    const lua = myModelLua(10_000);
    const body = lua.slice(lua.indexOf('function event()'));
    assert.equal((body.match(/INSERT INTO/g) ?? []).length, 3);
    assert.equal((body.match(/UPDATE m_/g) ?? []).length, 1);
    assert.equal((body.match(/DELETE FROM/g) ?? []).length, 2);
    assert.match(body, /sysbench\.rand\.uniform\(1, 3\)/);
    assert.match(lua, /uniform\(1, 10000\)/);
    assert.match(lua, /READ COMMITTED/);
    assert.equal((body.match(/COMMIT/g) ?? []).length, 1);
  });
  it('refuses too few rows', () => {
    assert.throws(() => myModelLua(10), /at least 100 rows/);
  });
});
