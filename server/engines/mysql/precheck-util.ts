// Shared pieces of the MySQL precheck items (precheck-source.ts, precheck-target.ts): the check
// context, and privileges read from SHOW GRANTS (the account's own grants plus those of its
// active roles, which SHOW GRANTS also lists). The engine-neutral helpers are in
// ../shared/precheck-util.ts.
import type { TableRef } from '../types';
import { listNames, type Check as SharedCheck, type PrecheckContext } from '../shared/precheck-util';
import { qualify, rows, type MyConnection } from './connect';
import type { ServerVersion } from './introspect';

export type CheckContext = PrecheckContext<MyConnection, ServerVersion>;

export type Check = SharedCheck<CheckContext>;

export const qualifiedList = (refs: TableRef[]) => listNames(refs.map(qualify));

/** the account as GRANT statements name it, e.g. 'dts'@'%' (from CURRENT_USER()) */
export async function grantee(c: MyConnection): Promise<string> {
  const [r] = await rows<{ u: string }>(c, 'SELECT CURRENT_USER() AS u');
  const at = r.u.lastIndexOf('@');
  const esc = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `${esc(r.u.slice(0, at))}@${esc(r.u.slice(at + 1))}`;
}

interface Grant {
  privs: Set<string>;
  /** null: *.*; db pattern (LIKE wildcards unless escaped) with table null for db.* */
  db: string | null;
  table: string | null;
}

export class Grants {
  constructor(private readonly grants: Grant[]) {}

  /** privileges on `db`.`table` (or on the database when `table` is omitted), from every level */
  on(db: string | null, table?: string): Set<string> {
    const out = new Set<string>();
    for (const g of this.grants) {
      const applies = g.db === null || (db !== null && likeMatches(g.db, db) && (g.table === null || (table !== undefined && g.table === table)));
      if (applies) for (const p of g.privs) out.add(p);
    }
    return out;
  }

  /** `priv` at any of these levels */
  has(priv: string, db: string | null, table?: string): boolean {
    const p = this.on(db, table);
    return p.has(priv) || p.has('ALL PRIVILEGES');
  }

  /** any grant on the database, or on a table in it */
  anyOnDatabase(db: string): boolean {
    return this.grants.some((g) => g.db === null || likeMatches(g.db, db));
  }
}

/**
 * A database name in a grant is a LIKE pattern: % and _ are wildcards unless backslash-escaped.
 * The pattern comes from the server's SHOW GRANTS (whoever administers it writes it), so it is
 * matched without a regular expression: `%%%%%%%%%%x` as a backtracking RegExp takes hours
 * against a long name. This is the classic wildcard match with one backtrack point (the last %),
 * at most length(pattern) x length(name) steps. Names and patterns are compared by character.
 */
export function likeMatches(pattern: string, name: string): boolean {
  const ANY = 0; // %
  const ONE = 1; // _
  const p: Array<string | typeof ANY | typeof ONE> = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '\\' && i + 1 < chars.length) p.push(chars[++i]);
    else if (ch === '%') {
      if (p[p.length - 1] !== ANY) p.push(ANY);
    } else if (ch === '_') p.push(ONE);
    else p.push(ch);
  }
  const t = Array.from(name);
  let ti = 0;
  let pi = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    const tok = p[pi];
    if (pi < p.length && tok !== ANY && (tok === ONE || tok === t[ti])) {
      pi++;
      ti++;
    } else if (pi < p.length && tok === ANY) {
      star = pi++;
      mark = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++mark;
    } else return false;
  }
  while (p[pi] === ANY) pi++;
  return pi === p.length;
}

const NAME = /^`((?:[^`]|``)*)`/;

/**
 * "SELECT (`a`, `b`), INSERT" -> ["SELECT (`a`, `b`)", " INSERT"]: commas inside a column list
 * or a quoted name do not split. One pass (a lookahead per comma was quadratic in a grant on
 * thousands of columns).
 */
export function splitPrivileges(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '`') {
      // a quoted column name may hold parentheses and commas; `` is a backtick in it
      i++;
      while (i < list.length && !(list[i] === '`' && list[i + 1] !== '`')) i += list[i] === '`' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push(list.slice(start, i));
      start = i + 1;
    }
  }
  out.push(list.slice(start));
  return out;
}

/** Parses the lines of SHOW GRANTS; column-level privileges and role grants are left out. */
export function parseGrants(lines: string[]): Grants {
  const out: Grant[] = [];
  for (const line of lines) {
    if (/ ON (PROCEDURE|FUNCTION|PACKAGE)\b/.test(line)) continue;
    const m = /^GRANT (.+?) ON (?:TABLE )?(\*\.\*|`(?:[^`]|``)*`\.(?:\*|`(?:[^`]|``)*`)) TO /s.exec(line);
    if (!m) continue;
    const privs = new Set(splitPrivileges(m[1]).map((p) => p.trim().toUpperCase()).filter((p) => p && !p.includes('(')));
    const target = m[2].trim();
    if (target === '*.*') {
      out.push({ privs, db: null, table: null });
      continue;
    }
    const d = NAME.exec(target);
    if (!d) continue;
    const db = d[1].replace(/``/g, '`');
    const rest = target.slice(d[0].length);
    if (rest === '.*') out.push({ privs, db, table: null });
    else {
      const t = NAME.exec(rest.slice(1));
      if (rest.startsWith('.') && t) out.push({ privs, db: db.replace(/\\(.)/g, '$1'), table: t[1].replace(/``/g, '`') });
    }
  }
  return new Grants(out);
}

export async function readGrants(c: MyConnection): Promise<Grants> {
  const r = await rows<Record<string, string>>(c, 'SHOW GRANTS');
  return parseGrants(r.map((x) => Object.values(x)[0]));
}
