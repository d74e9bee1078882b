import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PgoutputDecoder, ProtocolError } from './pgoutput';

// wire builders for pgoutput v1 messages (big-endian, NUL-terminated strings)
const u8 = (n: number) => Buffer.from([n]);
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const u64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
};
const str = (s: string) => Buffer.concat([Buffer.from(s, 'utf8'), u8(0)]);
const ch = (c: string) => u8(c.charCodeAt(0));
/** a value: string = text, null = NULL, undefined = unchanged TOAST */
type V = string | null | undefined;
const tuple = (vals: V[]) =>
  Buffer.concat([
    u16(vals.length),
    ...vals.map((v) => (v === null ? ch('n') : v === undefined ? ch('u') : Buffer.concat([ch('t'), u32(Buffer.byteLength(v)), Buffer.from(v, 'utf8')]))),
  ]);
/** with a 25-byte XLogData header in front, as the stream receives it */
const wire = (...parts: Buffer[]) => Buffer.concat([ch('w'), Buffer.alloc(24), ...parts]);
const relation = (oid: number, schema: string, name: string, cols: { name: string; key?: boolean }[]) =>
  wire(ch('R'), u32(oid), str(schema), str(name), ch('d'), u16(cols.length), ...cols.map((c) => Buffer.concat([u8(c.key ? 1 : 0), str(c.name), u32(25), u32(0xffffffff)])));

function decoder(followed = ['public.t', 'public.weird table']) {
  return new PgoutputDecoder((schema, name) => (followed.includes(`${schema}.${name}`) ? { schema, name } : null));
}

describe('pgoutput decoder', () => {
  it('decodes begin, origin and commit with the position as %08X/%08X and the commit time', () => {
    const d = decoder();
    assert.deepEqual(d.decode(wire(ch('B'), u64(0x16b374d848n), u64(0n), u32(7)), 25), { tag: 'begin' });
    assert.deepEqual(d.decode(wire(ch('O'), u64(0x10n), str('dts_origin_abc')), 25), { tag: 'origin', name: 'dts_origin_abc' });
    // 2026-01-02T03:04:05.678901Z in microseconds since 2000-01-01
    const us = BigInt(Date.UTC(2026, 0, 2, 3, 4, 5, 678)) * 1000n + 901n - 946_684_800_000_000n;
    const c = d.decode(wire(ch('C'), u8(0), u64(0x16b374d800n), u64(0x16b374d848n), u64(us)), 25);
    assert.ok(c && 'tag' in c && c.tag === 'commit');
    assert.equal(c.position, '00000016/B374D848');
    assert.equal(c.end, 0x16b374d848n);
    assert.equal(c.commitTime.toISOString(), '2026-01-02T03:04:05.678Z');
  });

  it('decodes insert, update and delete images as text, NULL and unchanged TOAST', () => {
    const d = decoder();
    assert.equal(d.decode(relation(1, 'public', 't', [{ name: 'id', key: true }, { name: 'note' }, { name: 'doc' }, { name: 'constructor' }]), 25), null);
    const ins = d.decode(wire(ch('I'), u32(1), ch('N'), tuple(['1', 'héllo 😀', null, 'x'])), 25);
    assert.ok(ins && 'op' in ins && ins.op === 'insert');
    assert.deepEqual({ ...ins.after }, { id: '1', note: 'héllo 😀', doc: null, constructor: 'x' });
    assert.deepEqual(ins.table, { schema: 'public', name: 't' });

    // default identity: no old image; an unchanged TOAST value is undefined
    const upd = d.decode(wire(ch('U'), u32(1), ch('N'), tuple(['1', 'b', undefined, ''])), 25);
    assert.ok(upd && 'op' in upd && upd.op === 'update');
    assert.equal(upd.before, null);
    assert.ok('doc' in upd.after && upd.after.doc === undefined);
    assert.equal(upd.after.constructor, '');

    // REPLICA IDENTITY FULL: the old image fills the new image's unchanged TOAST values
    const full = d.decode(wire(ch('U'), u32(1), ch('O'), tuple(['1', 'a', '{"big":1}', null]), ch('N'), tuple(['1', 'b', undefined, null])), 25);
    assert.ok(full && 'op' in full && full.op === 'update');
    assert.deepEqual({ ...full.before }, { id: '1', note: 'a', doc: '{"big":1}', constructor: null });
    assert.equal(full.after.doc, '{"big":1}');

    // key change: 'K' carries only the key columns
    const key = d.decode(wire(ch('U'), u32(1), ch('K'), tuple(['1', null, null, null]), ch('N'), tuple(['2', 'b', 'c', 'd'])), 25);
    assert.ok(key && 'op' in key && key.op === 'update');
    assert.deepEqual({ ...key.before }, { id: '1' });

    const del = d.decode(wire(ch('D'), u32(1), ch('K'), tuple(['2', null, null, null])), 25);
    assert.ok(del && 'op' in del && del.op === 'delete');
    assert.deepEqual({ ...del.before }, { id: '2' });
  });

  it('makes rows without inherited properties', () => {
    const d = decoder();
    d.decode(relation(1, 'public', 't', [{ name: 'id', key: true }, { name: '__proto__' }]), 25);
    const ins = d.decode(wire(ch('I'), u32(1), ch('N'), tuple(['1', 'p'])), 25);
    assert.ok(ins && 'op' in ins && ins.op === 'insert');
    assert.equal(ins.after.__proto__, 'p');
    assert.deepEqual(Object.keys(ins.after), ['id', '__proto__']);
    assert.equal(ins.after.toString, undefined);
    assert.equal(ins.after.hasOwnProperty, undefined);
  });

  it('skips tables the task does not follow, and keeps truncate to the followed ones', () => {
    const d = decoder();
    d.decode(relation(1, 'public', 't', [{ name: 'id', key: true }]), 25);
    d.decode(relation(2, 'other', 'x', [{ name: 'id', key: true }]), 25);
    d.decode(relation(3, 'public', 'weird table', [{ name: 'a"b', key: true }]), 25);
    assert.equal(d.decode(wire(ch('I'), u32(2), ch('N'), tuple(['1'])), 25), null);
    const ins = d.decode(wire(ch('I'), u32(3), ch('N'), tuple(['9'])), 25);
    assert.ok(ins && 'op' in ins && ins.op === 'insert');
    assert.deepEqual({ ...ins.after }, { 'a"b': '9' });
    const tr = d.decode(wire(ch('T'), u32(3), u8(0), u32(1), u32(2), u32(3)), 25);
    assert.deepEqual(tr, { op: 'truncate', tables: [{ schema: 'public', name: 't' }, { schema: 'public', name: 'weird table' }] });
    assert.equal(d.decode(wire(ch('T'), u32(1), u8(0), u32(2)), 25), null);
    // type descriptions and logical messages carry nothing for the task
    assert.equal(d.decode(wire(ch('Y'), u32(99), str('public'), str('mood')), 25), null);
  });

  it('rejects malformed messages with a protocol error', () => {
    const d = decoder();
    assert.throws(() => d.decode(wire(ch('I'), u32(1), ch('N'), tuple(['1'])), 25), /relation 1 before its description/);
    d.decode(relation(1, 'public', 't', [{ name: 'id', key: true }]), 25);
    assert.throws(() => d.decode(wire(ch('I'), u32(1), ch('N'), u16(1), ch('t'), u32(50), Buffer.from('short')), 25), ProtocolError);
    assert.throws(() => d.decode(wire(ch('I'), u32(1), ch('N'), u16(1), ch('b'), u32(1), u8(1)), 25), /unexpected value kind b/);
    assert.throws(() => d.decode(wire(ch('I'), u32(1), ch('N'), tuple(['1', '2'])), 25), /2 values for 1 columns/);
    assert.throws(() => d.decode(wire(ch('Z')), 25), /unknown message type Z/);
  });
});
