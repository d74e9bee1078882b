import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { posNumber, slaveExecuted } from './positions';

describe('binlog positions as numbers', () => {
  it('orders by file sequence, then offset', () => {
    assert.ok(posNumber('mysql-bin.000002:4') > posNumber('mysql-bin.000001:999999999'));
    assert.ok(posNumber('mysql-bin.000001:1001') > posNumber('mysql-bin.000001:1000'));
    assert.equal(posNumber('mysql-bin.000001:0'), 1n << 40n);
  });
  it('rejects what is not a position', () => {
    assert.throws(() => posNumber('0/16B3748'), /not a binlog position/);
    assert.throws(() => posNumber('mysql-bin.000001'), /not a binlog position/);
  });
  it('reads SHOW SLAVE STATUS', () => {
    assert.equal(slaveExecuted({ Relay_Master_Log_File: 'mysql-bin.000001', Exec_Master_Log_Pos: 2260 }), 'mysql-bin.000001:2260');
    assert.equal(slaveExecuted({ Relay_Master_Log_File: '', Exec_Master_Log_Pos: 0 }), null);
    assert.equal(slaveExecuted(undefined), null);
  });
});
