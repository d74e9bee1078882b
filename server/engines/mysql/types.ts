// MySQL value and position helpers.
//
// Values travel as text in one canonical form, the form MySQL itself prints over the text
// protocol, so a value read from a table or decoded from the binlog and written back is the same
// value:
//   - integers (BIGINT UNSIGNED too), DECIMAL, FLOAT, DOUBLE: decimal text, never a JS number;
//   - DATE, DATETIME(n), TIMESTAMP(n), TIME(n), YEAR: 'YYYY-MM-DD HH:MM:SS.ffffff' text with the
//     column's own fraction digits, TIMESTAMP in UTC (sessions use time_zone '+00:00'), zero
//     dates as '0000-00-00 00:00:00';
//   - CHAR, VARCHAR, TEXT, ENUM, SET, JSON: the string (utf8mb4);
//   - BINARY, VARBINARY, BLOB, BIT, GEOMETRY: the bytes as lowercase hex; writers know these
//     columns by their type (isBinaryType);
//   - NULL: null.
import type { Position } from '../types';

/** mysql2 field types whose values are bytes when the field's charset is binary (63) */
const BYTE_FIELD_TYPES = new Set(['STRING', 'VAR_STRING', 'VARCHAR', 'BLOB', 'TINY_BLOB', 'MEDIUM_BLOB', 'LONG_BLOB']);
interface CastField {
  type: string;
  string(encoding?: string): string | null;
  buffer(): Buffer | null;
}

/** mysql2 typeCast: every value as canonical text (above) */
export function textTypeCast(field: CastField, next: () => unknown): string | null {
  if (field.type === 'BIT' || field.type === 'GEOMETRY') {
    const b = field.buffer();
    return b === null ? null : b.toString('hex');
  }
  if (BYTE_FIELD_TYPES.has(field.type)) {
    // mysql2 gives typeCast no character set; next() reads a Buffer only for binary columns
    const v = next();
    return v === null || v === undefined ? null : Buffer.isBuffer(v) ? v.toString('hex') : String(v);
  }
  return field.string('utf8');
}

/** native types (information_schema DATA_TYPE) whose values travel as hex bytes */
export function isBinaryType(dataType: string): boolean {
  return /^(binary|varbinary|tinyblob|blob|mediumblob|longblob|bit|geometry|point|linestring|polygon|multipoint|multilinestring|multipolygon|geometrycollection)$/i.test(dataType.trim());
}

/** native types whose values are numbers, written unquoted */
export function isNumericType(dataType: string): boolean {
  return /^(tinyint|smallint|mediumint|int|integer|bigint|decimal|numeric|float|double|real|year)$/i.test(dataType.trim());
}

// ---------------------------------------------------------------- positions

/**
 * A binlog position: "mysql-bin.000003:1234", the file and the offset of the next event to
 * read. Positions order by file sequence number, then offset.
 */
export interface BinlogPos {
  file: string;
  pos: number;
}

export function formatPos(p: BinlogPos): Position {
  return `${p.file}:${p.pos}`;
}

export function parsePos(p: Position): BinlogPos {
  const i = p.lastIndexOf(':');
  const pos = Number(p.slice(i + 1));
  if (i <= 0 || !Number.isInteger(pos)) throw new Error(`"${p}" is not a MySQL binlog position (file:offset)`);
  return { file: p.slice(0, i), pos };
}

function fileSeq(file: string): number {
  const m = /\.(\d+)$/.exec(file);
  return m ? Number(m[1]) : 0;
}

/** <0, 0, >0 as a is before, at, after b */
export function comparePos(a: Position, b: Position): number {
  const x = parsePos(a);
  const y = parsePos(b);
  const f = fileSeq(x.file) - fileSeq(y.file);
  return f !== 0 ? f : x.pos - y.pos;
}
