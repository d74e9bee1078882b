// node --import tsx --test server/engines/mysql/retained.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binlogFigure } from './retained';

const LOGS = [
  { Log_name: 'mysql-bin.000001', File_size: 1000 },
  { Log_name: 'mysql-bin.000002', File_size: '2000' },
  { Log_name: 'mysql-bin.000003', File_size: 400 },
];

test('the binlog kept for a task is every file from its position file on, whole', () => {
  assert.equal(binlogFigure('t', 'mysql-bin.000002:1500', LOGS).bytes, 2400);
  assert.equal(binlogFigure('t', 'mysql-bin.000001:4', LOGS).bytes, 3400);
  assert.equal(binlogFigure('t', 'mysql-bin.000003:400', LOGS).bytes, 400);
  assert.equal(binlogFigure('t', 'mysql-bin.000003:400', LOGS).note, null);
});

test('a purged file, no position, or a position of another form say so', () => {
  const purged = binlogFigure('t', 'mysql-bin.000000:4', LOGS);
  assert.equal(purged.bytes, 0);
  assert.match(purged.note ?? '', /mysql-bin\.000000 .*purged.*cannot resume/);
  assert.equal(binlogFigure('t', null, LOGS).bytes, null);
  assert.match(binlogFigure('t', null, LOGS).note ?? '', /no binlog position/);
  assert.match(binlogFigure('t', '0/16B3748', LOGS).note ?? '', /not a MySQL binlog position/);
});
