// Pure conversions of binlog values to the canonical text form (the stream test proves them
// against a real server's text protocol for every type).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatInet6, formatReal, parseLabels, toCanonical, type SourceColumn } from './binlog';

const col = (dataType: string, extra: Partial<SourceColumn> = {}): SourceColumn => ({
  name: 'c',
  dataType,
  columnType: dataType,
  charset: null,
  unsigned: false,
  scale: null,
  ...extra,
});

describe('binlog value conversion', () => {
  it('prints FLOAT and DOUBLE as MariaDB does', () => {
    const f = (x: number) => formatReal(Math.fround(x), 6);
    assert.equal(f(1.1), '1.1');
    assert.equal(f(123456789), '123457000');
    assert.equal(f(9945365), '9945360', 'a tie rounds to even, as dtoa does');
    assert.equal(f(3.4028235e38), '3.40282e38');
    assert.equal(f(1.17549435e-38), '1.17549e-38');
    assert.equal(f(0.000001234), '0.000001234');
    assert.equal(f(1e15), '1e15');
    assert.equal(formatReal(0.1, null), '0.1');
    assert.equal(formatReal(0.1 + 0.2, null), '0.30000000000000004');
    assert.equal(formatReal(1e20, null), '1e20');
    assert.equal(formatReal(123456789012345680000, null), '1.2345678901234568e20');
    assert.equal(formatReal(2927407981271483.5, null), '2927407981271483.5');
    assert.equal(formatReal(1.7976931348623157e308, null), '1.7976931348623157e308');
    assert.equal(formatReal(5e-324, null), '5e-324');
    assert.equal(formatReal(1e-14, null), '0.00000000000001');
    assert.equal(formatReal(1e-15, null), '0.000000000000001');
    assert.equal(formatReal(1e-16, null), '1e-16');
    assert.equal(formatReal(-0.5, null), '-0.5');
    assert.equal(formatReal(0, null), '0');
  });

  it('converts each kind of value', () => {
    assert.equal(toCanonical(-9223372036854775808n, col('bigint')), '-9223372036854775808');
    assert.equal(toCanonical('18446744073709551615', col('bigint', { unsigned: true })), '18446744073709551615');
    assert.equal(toCanonical(42, col('int')), '42');
    assert.equal(toCanonical(1234.5670166015625, col('float', { scale: 3 })), '1234.567');
    assert.equal(toCanonical(1.100000023841858, col('float')), '1.1');
    assert.equal(toCanonical(1900, col('year')), '0000');
    assert.equal(toCanonical(2155, col('year')), '2155');
    assert.equal(toCanonical(undefined, col('enum')), '', 'an invalid ENUM value is the empty string');
    assert.equal(toCanonical(null, col('enum')), null);
    assert.equal(toCanonical(Buffer.from([0xde, 0xad]), col('blob')), 'dead');
    assert.equal(toCanonical(Buffer.from([1, 2]), col('bit')), '0102');
    assert.equal(toCanonical(Buffer.from('café', 'latin1'), col('varchar', { charset: 'latin1' })), 'café');
    assert.equal(toCanonical(Buffer.from([0x80]), col('char', { charset: 'latin1' })), '€', 'MySQL latin1 is cp1252');
    assert.equal(toCanonical('😀', col('varchar', { charset: 'utf8mb4' })), '😀');
    assert.equal(toCanonical(Buffer.from('123e4567e89b12d3a456426614174000', 'hex'), col('uuid')), '123e4567-e89b-12d3-a456-426614174000');
    assert.equal(toCanonical(Buffer.from([10, 0, 0, 1]), col('inet4')), '10.0.0.1');
    assert.equal(toCanonical('2024-01-01 00:00:00.000001', col('datetime')), '2024-01-01 00:00:00.000001');
  });

  it('prints INET6 as MariaDB does', () => {
    const h = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');
    assert.equal(formatInet6(h('20010db8 00000000 00000000 00000001')), '2001:db8::1');
    assert.equal(formatInet6(h('00000000 00000000 0000ffff 01020304')), '::ffff:1.2.3.4');
    assert.equal(formatInet6(h('00000000 00000000 00000000 00000001')), '::1');
    assert.equal(formatInet6(h('00000000 00000000 00000000 00000000')), '::');
    assert.equal(formatInet6(h('20010db8 00000001 00000000 00000001')), '2001:db8:0:1::1');
    assert.equal(formatInet6(h('20010000 00010000 00010000 00000001')), '2001:0:1:0:1::1');
    assert.equal(formatInet6(h('20010000 00010000 00010001 00010001')), '2001:0:1:0:1:1:1:1', 'a single zero group stays');
  });

  it('parses ENUM and SET labels with quotes and commas', () => {
    assert.deepEqual(parseLabels("enum('a','c,d','it''s')"), ['a', 'c,d', "it's"]);
    assert.deepEqual(parseLabels("set('x','y')"), ['x', 'y']);
    assert.deepEqual(parseLabels('int(11)'), []);
  });
});
