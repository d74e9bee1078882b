// Binlog row values -> the canonical text form of types.ts, exactly as `textTypeCast` reads the
// same value over the text protocol. zongji decodes the row images; this file corrects what it
// decodes differently from the server's own text form:
//   - FLOAT/DOUBLE arrive as JS numbers: printed as the server prints them (my_gcvt: FLOAT to 6
//     significant digits, DOUBLE shortest round-trip; FLOAT(m,d)/DOUBLE(m,d) with d decimals);
//   - YEAR 0000 arrives as 1900, an out-of-range ENUM ('' in the table) as undefined;
//   - GEOMETRY arrives parsed into points: the table map is patched so it arrives as bytes;
//   - UUID/INET4/INET6 and character columns: zongji's own column types (from the binlog's
//     metadata) cannot tell them from bytes, so the table map is patched with the real
//     definitions from information_schema (column type, charset, signedness, ENUM/SET labels).
import type { ColumnSchema, TableMapEntry } from '@vlasky/zongji';
import type { Value } from '../types';
import { rows, type MyConnection } from './connect';

/** one column of a source table as information_schema describes it */
export interface SourceColumn {
  name: string;
  /** DATA_TYPE, lower case: "int", "varchar", "geometry", "uuid", ... */
  dataType: string;
  /** COLUMN_TYPE, e.g. "int(10) unsigned", "enum('a','b')", "float(7,3)" */
  columnType: string;
  /** CHARACTER_SET_NAME, null for non-character columns */
  charset: string | null;
  unsigned: boolean;
  /** FLOAT(m,d) / DOUBLE(m,d): d; null for plain FLOAT/DOUBLE */
  scale: number | null;
  /** ENUM and SET labels in order */
  labels?: string[];
}

const GEOMETRY_TYPES = new Set(['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection']);
const BYTE_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'bit', ...GEOMETRY_TYPES]);
const INT_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint']);
/** MariaDB types stored as fixed bytes and printed in their own text form */
const FIXED_BYTES: Record<string, number> = { uuid: 16, inet4: 4, inet6: 16 };
/** zongji's type code for BLOB: reads length-prefixed bytes */
const BLOB_TYPE_CODE = 252;

/** Labels of an ENUM or SET column type, e.g. "enum('a','it''s','c,d')" */
export function parseLabels(columnType: string): string[] {
  const m = /^(?:enum|set)\((.*)\)$/is.exec(columnType.trim());
  if (!m) return [];
  const out: string[] = [];
  const s = m[1];
  let i = 0;
  while (i < s.length) {
    if (s[i] !== "'") {
      i++;
      continue;
    }
    let v = '';
    i++;
    while (i < s.length) {
      if (s[i] === "'" && s[i + 1] === "'") {
        v += "'";
        i += 2;
      } else if (s[i] === '\\' && i + 1 < s.length) {
        v += s[i + 1];
        i += 2;
      } else if (s[i] === "'") {
        i++;
        break;
      } else v += s[i++];
    }
    out.push(v);
  }
  return out;
}

interface ColumnRow {
  name: string;
  dataType: string;
  columnType: string;
  charset: string | null;
}

/** The columns of a table in ordinal order (empty when the table does not exist) */
export async function loadColumns(c: MyConnection, schema: string, table: string): Promise<SourceColumn[]> {
  const r = await rows<ColumnRow>(
    c,
    `SELECT COLUMN_NAME AS name, LOWER(DATA_TYPE) AS dataType, COLUMN_TYPE AS columnType, CHARACTER_SET_NAME AS charset
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [schema, table],
  );
  return r.map((x) => {
    const scaleMatch = /^(?:float|double|real)\(\d+,(\d+)\)/i.exec(x.columnType);
    const col: SourceColumn = {
      name: x.name,
      dataType: x.dataType,
      columnType: x.columnType,
      charset: x.charset,
      unsigned: /\bunsigned\b/i.test(x.columnType),
      scale: scaleMatch ? Number(scaleMatch[1]) : null,
    };
    if (x.dataType === 'enum' || x.dataType === 'set') col.labels = parseLabels(x.columnType);
    return col;
  });
}

interface ZongjiColumn {
  name: string;
  charset: string | null;
  type: number;
  metadata: Record<string, unknown> | null;
  /** our mark: the column was patched for this SourceColumn */
  dtsPatched?: SourceColumn;
}

/**
 * Makes zongji decode a table's rows the way we need them (see the header). Called for every
 * TableMap event of the table, before its row events are parsed; idempotent.
 */
export function patchTableMap(entry: TableMapEntry, cols: SourceColumn[]): void {
  const zcols = (entry.columns ?? []) as unknown as ZongjiColumn[];
  const byName = new Map(cols.map((c) => [c.name, c]));
  zcols.forEach((z, i) => {
    const src = byName.get(z.name) ?? (cols.length === zcols.length ? cols[i] : undefined);
    if (!src || z.dtsPatched === src) return;
    const schema: ColumnSchema | undefined = entry.columnSchemas[i];
    if (!schema) return;
    z.dtsPatched = src;
    const fixed = FIXED_BYTES[src.dataType];
    if (fixed) {
      // raw bytes, padded to the type's width; printed in its text form by toCanonical
      schema.COLUMN_TYPE = `binary(${fixed})`;
      z.charset = null;
      return;
    }
    if (GEOMETRY_TYPES.has(src.dataType)) {
      // the same wire layout as a BLOB (length-prefixed), so zongji hands over the bytes
      z.type = BLOB_TYPE_CODE;
      z.charset = null;
      return;
    }
    schema.COLUMN_TYPE = src.columnType;
    if (INT_TYPES.has(src.dataType)) schema.UNSIGNED = src.unsigned;
    if (src.labels) {
      if (src.dataType === 'enum') schema.ENUM_VALUES = src.labels;
      else schema.SET_VALUES = src.labels;
    }
    if (src.charset !== null) {
      z.charset = src.charset;
      schema.CHARACTER_SET_NAME = src.charset;
    } else if (BYTE_TYPES.has(src.dataType)) z.charset = null;
  });
}

// ---------------------------------------------------------------- pure conversions

/** significant digits (no trailing zeros) and decimal point position of a > 0, rounded half-even */
function digitsOf(a: number, prec: number | null): { ds: string; decpt: number } {
  if (prec === null) {
    const [m, e] = a.toExponential().split('e');
    return { ds: m.replace('.', '').replace(/0+$/, ''), decpt: Number(e) + 1 };
  }
  const [m, e] = a.toExponential(60).split('e');
  const all = m.replace('.', '');
  let decpt = Number(e) + 1;
  let head = all.slice(0, prec);
  const rest = all.slice(prec);
  const up = rest[0] > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || Number(head[head.length - 1]) % 2 === 1));
  if (up) {
    const n = (BigInt(head) + 1n).toString();
    if (n.length > head.length) {
      decpt++;
      head = n.slice(0, prec);
    } else head = n;
  }
  return { ds: head.replace(/0+$/, '') || '0', decpt };
}

/**
 * A FLOAT (prec 6) or DOUBLE (prec null: shortest round-trip) as MariaDB prints it (my_gcvt):
 * fixed notation unless the exponent is below -14, or above 15 for a number without fraction
 * digits; exponent notation as "1.5e-20", "1e20".
 */
export function formatReal(x: number, prec: number | null): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if (!Number.isFinite(x)) return String(x);
  const { ds, decpt } = digitsOf(Math.abs(x), prec);
  let out: string;
  if (decpt < -14 || (decpt > 15 && ds.length <= decpt)) out = `${ds[0]}${ds.length > 1 ? `.${ds.slice(1)}` : ''}e${decpt - 1}`;
  else if (decpt <= 0) out = `0.${'0'.repeat(-decpt)}${ds}`;
  else if (decpt >= ds.length) out = ds + '0'.repeat(decpt - ds.length);
  else out = `${ds.slice(0, decpt)}.${ds.slice(decpt)}`;
  return x < 0 ? `-${out}` : out;
}

export function formatUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function formatInet4(b: Buffer): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** RFC 5952, with IPv4-mapped and IPv4-compatible addresses dotted, as MariaDB prints INET6 */
export function formatInet6(b: Buffer): string {
  if (b.subarray(0, 10).every((x) => x === 0)) {
    const v4 = formatInet4(b.subarray(12));
    if (b[10] === 0xff && b[11] === 0xff) return `::ffff:${v4}`;
    if (b[10] === 0 && b[11] === 0 && b.readUInt32BE(12) > 1) return `::${v4}`;
  }
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push(b.readUInt16BE(i));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  return best < 0 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

const DECODERS: Record<string, string> = {
  utf8: 'utf-8', utf8mb3: 'utf-8', utf8mb4: 'utf-8', ascii: 'windows-1252', latin1: 'windows-1252', cp1252: 'windows-1252',
  latin2: 'iso-8859-2', latin5: 'iso-8859-9', latin7: 'iso-8859-13', greek: 'iso-8859-7', hebrew: 'iso-8859-8', cp1250: 'windows-1250',
  cp1251: 'windows-1251', cp1256: 'windows-1256', cp1257: 'windows-1257', cp866: 'ibm866', koi8r: 'koi8-r', koi8u: 'koi8-u',
  ucs2: 'utf-16be', utf16: 'utf-16be', utf16le: 'utf-16le', gbk: 'gbk', gb2312: 'gbk', gb18030: 'gb18030', big5: 'big5',
  sjis: 'shift_jis', cp932: 'shift_jis', ujis: 'euc-jp', eucjpms: 'euc-jp', euckr: 'euc-kr', tis620: 'windows-874',
};

/** cp1252 at 0x80-0x9f (Node's TextDecoder treats windows-1252 as ISO-8859-1) */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decodeText(b: Buffer, charset: string | null): string {
  const enc = DECODERS[charset ?? 'utf8mb4'] ?? 'utf-8';
  if (enc === 'windows-1252') {
    let out = '';
    for (const x of b) out += x >= 0x80 && x <= 0x9f ? CP1252_HIGH[x - 0x80] : String.fromCharCode(x);
    return out;
  }
  try {
    return new TextDecoder(enc).decode(b);
  } catch {
    return b.toString('utf8');
  }
}

/** One decoded binlog value as canonical text (or null), for the source column `col`. */
export function toCanonical(v: unknown, col: SourceColumn | undefined): Value {
  if (v === undefined) return col?.dataType === 'enum' ? '' : null;
  if (v === null) return null;
  if (!col) return Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const t = col.dataType;
  if (Buffer.isBuffer(v)) {
    if (t in FIXED_BYTES) return t === 'uuid' ? formatUuid(v) : t === 'inet4' ? formatInet4(v) : formatInet6(v);
    if (col.charset !== null && !BYTE_TYPES.has(t)) return decodeText(v, col.charset);
    return v.toString('hex');
  }
  if (typeof v === 'number') {
    if (t === 'float' || t === 'double' || t === 'real') {
      if (col.scale !== null) return (t === 'float' ? Math.fround(v) : v).toFixed(col.scale);
      return formatReal(t === 'float' ? Math.fround(v) : v, t === 'float' ? 6 : null);
    }
    if (t === 'year') return v === 1900 ? '0000' : String(v);
    return String(v);
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
