// Whether two values of a conflict's row images are the same value (pure). The source image
// holds the source's text forms; the destination image comes from row_to_json, so one value can
// be written two ways: 0.00 and 0, t and true, "2026-01-01 10:00:00+00" and
// "2026-01-01T10:00:00+00:00", JSON objects with their keys in another order. Such values are
// equal; anything that is not recognised compares as text.

const DECIMAL = /^[-+]?(\d+)(\.(\d+))?$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

const text = (v: unknown): string => (v === null || v === undefined ? 'NULL' : typeof v === 'string' ? v : JSON.stringify(v));

function decimal(s: string): string | null {
  const m = DECIMAL.exec(s.trim());
  if (!m) return null;
  const sign = s.trim().startsWith('-') ? '-' : '';
  const int = m[1].replace(/^0+(?=\d)/, '');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const out = frac ? `${int}.${frac}` : int;
  return out === '0' ? '0' : sign + out;
}

function bool(v: unknown): 't' | 'f' | null {
  if (v === true || v === 't' || v === 'true') return 't';
  if (v === false || v === 'f' || v === 'false') return 'f';
  return null;
}

function timestamp(s: string): string | null {
  const m = TIMESTAMP.exec(s.trim());
  if (!m) return null;
  const [, date, time, fraction = '', zone] = m;
  const frac = fraction.replace(/0+$/, '');
  const hms = time.length === 5 ? `${time}:00` : time;
  if (!zone) return `${date}T${hms}${frac ? `.${frac}` : ''}`;
  const z = zone === 'Z' ? '+00:00' : zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  // the instant, to the millisecond, plus the digits below it
  const ms = Date.parse(`${date}T${hms}${z}`);
  return Number.isNaN(ms) ? null : `${ms}.${frac.slice(3)}|tz`;
}

function json(v: unknown): unknown {
  if (typeof v === 'string') {
    const t = v.trim();
    if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
    try {
      return JSON.parse(t);
    } catch {
      return undefined;
    }
  }
  return typeof v === 'object' && v !== null ? v : undefined;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function sameValue(a: unknown, b: unknown): boolean {
  const ta = text(a);
  const tb = text(b);
  if (ta === tb) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  const ba = bool(a);
  const bb = bool(b);
  if (ba && bb) return ba === bb;
  const da = decimal(ta);
  const db = decimal(tb);
  if (da !== null && db !== null) return da === db;
  const sa = timestamp(ta);
  const sb = timestamp(tb);
  if (sa !== null && sb !== null) return sa === sb;
  const ja = json(a);
  const jb = json(b);
  if (ja !== undefined && jb !== undefined) return canonicalJson(ja) === canonicalJson(jb);
  return false;
}
