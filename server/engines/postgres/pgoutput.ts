// A decoder for pgoutput protocol version 1, written for the replicator's hot path: it makes
// the task's Change objects straight from the wire, and nothing else per change. Values stay
// PostgreSQL text (exact, fed back to the input functions). Compared with a general decoder it
// skips changes of tables the task does not follow before reading their tuples, reads text with
// Buffer#toString instead of a subarray and a TextDecoder per value, builds rows on a
// prototype without properties (fast-mode objects, where Object.create(null) makes dictionary
// ones, and no inherited "constructor" or "__proto__" for a column of that name to meet), and
// formats a position once per transaction rather than for every message.
// https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html
import type { Change, Row, TableRef } from '../types';
import { PG_EPOCH_OFFSET_US } from './types';

const PG_EPOCH_OFFSET_MS = Number(PG_EPOCH_OFFSET_US / 1000n);
/** the prototype of every decoded row: no properties at all */
const ROW_PROTO: object = Object.create(null) as object;
const newRow = (): Row => Object.create(ROW_PROTO) as Row;

interface Relation {
  /** the table, or null when the task does not follow it */
  ref: TableRef | null;
  columns: string[];
  /** per column: part of the replica identity (the columns an old key 'K' carries) */
  isKey: boolean[];
}

export type Decoded =
  | Change
  | { tag: 'begin' }
  /** `position` is the commit's end LSN, as `%X/%X` with 8 hex digits each side */
  | { tag: 'commit'; position: string; end: bigint; commitTime: Date }
  | { tag: 'origin'; name: string }
  /** a relation or type description, a logical message, or a change of a table not followed */
  | null;

export class ProtocolError extends Error {}

const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');

export class PgoutputDecoder {
  private relations = new Map<number, Relation>();
  private b: Buffer = Buffer.alloc(0);
  private p = 0;

  /** `resolve` says, once per relation description, whether the task follows the table */
  constructor(private resolve: (schema: string, name: string) => TableRef | null) {}

  /** decodes the pgoutput message in `buf` from `offset` (after the XLogData header) */
  decode(buf: Buffer, offset: number): Decoded {
    this.b = buf;
    this.p = offset + 1;
    switch (buf[offset]) {
      case 0x42: // B: final LSN, commit time, xid
        return { tag: 'begin' };
      case 0x43: {
        // C: flags, commit LSN, end LSN, commit time
        this.p += 9;
        const hi = this.u32();
        const lo = this.u32();
        const us = this.u32() * 4294967296 + this.u32();
        return {
          tag: 'commit',
          position: `${hex8(hi)}/${hex8(lo)}`,
          end: (BigInt(hi) << 32n) | BigInt(lo),
          commitTime: new Date(Math.floor(us / 1000) + PG_EPOCH_OFFSET_MS),
        };
      }
      case 0x4f: // O: origin LSN, name
        this.p += 8;
        return { tag: 'origin', name: this.cstring() };
      case 0x52:
        this.relation();
        return null;
      case 0x49: {
        // I: relation, 'N', new tuple
        const rel = this.rel();
        if (!rel.ref) return null;
        this.expect(0x4e);
        return { op: 'insert', table: rel.ref, after: this.tuple(rel, null) };
      }
      case 0x55: {
        // U: relation, optional 'K' key or 'O' old tuple, then 'N' new tuple
        const rel = this.rel();
        if (!rel.ref) return null;
        let before: Row | null = null;
        let kind = this.u8();
        if (kind === 0x4b) {
          before = this.keyTuple(rel);
          kind = this.u8();
        } else if (kind === 0x4f) {
          before = this.tuple(rel, null);
          kind = this.u8();
        }
        if (kind !== 0x4e) throw new ProtocolError(`pgoutput: unexpected update part ${String.fromCharCode(kind)}`);
        // an unchanged TOAST value in the new image is the old image's when it was sent
        return { op: 'update', table: rel.ref, before, after: this.tuple(rel, before) };
      }
      case 0x44: {
        // D: relation, 'K' key or 'O' old tuple
        const rel = this.rel();
        if (!rel.ref) return null;
        const kind = this.u8();
        if (kind === 0x4b) return { op: 'delete', table: rel.ref, before: this.keyTuple(rel) };
        if (kind === 0x4f) return { op: 'delete', table: rel.ref, before: this.tuple(rel, null) };
        throw new ProtocolError(`pgoutput: unexpected delete part ${String.fromCharCode(kind)}`);
      }
      case 0x54: {
        // T: relation count, options, relation ids
        const n = this.u32();
        this.p += 1;
        const tables: TableRef[] = [];
        for (let i = 0; i < n; i++) {
          const ref = this.rel().ref;
          if (ref) tables.push(ref);
        }
        return tables.length ? { op: 'truncate', tables } : null;
      }
      case 0x59: // Y: a type description (values stay text: not needed)
      case 0x4d: // M: a logical decoding message
        return null;
      default:
        throw new ProtocolError(`pgoutput: unknown message type ${String.fromCharCode(buf[offset])}`);
    }
  }

  private u8(): number {
    if (this.p >= this.b.length) throw new ProtocolError('pgoutput: message ends early');
    return this.b[this.p++];
  }

  private u16(): number {
    const v = this.b.readUInt16BE(this.p);
    this.p += 2;
    return v;
  }

  private u32(): number {
    const v = this.b.readUInt32BE(this.p);
    this.p += 4;
    return v;
  }

  private expect(tag: number): void {
    const got = this.u8();
    if (got !== tag) throw new ProtocolError(`pgoutput: expected ${String.fromCharCode(tag)}, got ${String.fromCharCode(got)}`);
  }

  private cstring(): string {
    const end = this.b.indexOf(0, this.p);
    if (end < 0) throw new ProtocolError('pgoutput: unterminated string');
    const s = this.b.toString('utf8', this.p, end);
    this.p = end + 1;
    return s;
  }

  private rel(): Relation {
    const oid = this.u32();
    const r = this.relations.get(oid);
    if (!r) throw new ProtocolError(`pgoutput: change for relation ${oid} before its description`);
    return r;
  }

  private relation(): void {
    const oid = this.u32();
    const schema = this.cstring();
    const name = this.cstring();
    this.p += 1; // replica identity setting
    const n = this.u16();
    const columns: string[] = [];
    const isKey: boolean[] = [];
    for (let i = 0; i < n; i++) {
      isKey.push((this.u8() & 1) === 1);
      columns.push(this.cstring());
      this.p += 8; // type oid, type modifier
    }
    this.relations.set(oid, { ref: this.resolve(schema, name), columns, isKey });
  }

  /**
   * A row image; 'u' (unchanged TOAST) takes `fallback`'s value, else undefined. With `keyOnly`
   * (an old key, 'K') only the replica identity's columns are kept: the others are NULL
   * placeholders.
   */
  private tuple(rel: Relation, fallback: Row | null, keyOnly = false): Row {
    const n = this.u16();
    const cols = rel.columns;
    if (n > cols.length) throw new ProtocolError(`pgoutput: ${n} values for ${cols.length} columns`);
    const row = newRow();
    const b = this.b;
    for (let i = 0; i < n; i++) {
      const kind = this.u8();
      if (kind === 0x74) {
        const len = this.u32();
        const end = this.p + len;
        if (end > b.length) throw new ProtocolError('pgoutput: value runs past the message');
        if (!keyOnly || rel.isKey[i]) row[cols[i]] = b.toString('utf8', this.p, end);
        this.p = end;
      } else if (kind === 0x6e) {
        if (!keyOnly) row[cols[i]] = null;
        else if (rel.isKey[i]) row[cols[i]] = undefined;
      } else if (kind === 0x75) {
        if (!keyOnly || rel.isKey[i]) row[cols[i]] = fallback ? fallback[cols[i]] : undefined;
      } else {
        // 'b' (binary) is only sent when asked for; this stream asks for text
        throw new ProtocolError(`pgoutput: unexpected value kind ${String.fromCharCode(kind)}`);
      }
    }
    return row;
  }

  private keyTuple(rel: Relation): Row {
    return this.tuple(rel, null, true);
  }
}
