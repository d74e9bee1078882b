// Sequences at failover and switchover: the side taking over writes continues after the other
// side's values, so new keys do not collide (the seed's manual DO block, automated).
import type { SequenceState, SequenceSync } from '../types';
import { q, qualify, withClient } from './connect';

/**
 * The sequence that feeds a column ($1 the quoted table, $2 the column), quoted: its identity or
 * OWNED BY sequence, else the one its DEFAULT calls (nextval('s') records that dependency in the
 * catalog even when no column owns the sequence).
 */
const COLUMN_SEQUENCE = `SELECT coalesce(pg_get_serial_sequence($1, $2), (
    SELECT format('%I.%I', n.nspname, s.relname)
      FROM pg_attribute a
      JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
      JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid AND d.refclassid = 'pg_class'::regclass
      JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'
      JOIN pg_namespace n ON n.oid = s.relnamespace
     WHERE a.attrelid = $1::regclass AND a.attname = $2
     ORDER BY s.oid LIMIT 1)) AS s`;

export const sequenceSync: SequenceSync = {
  async read(cfg, columns) {
    return withClient(cfg, async (c) => {
      const out: SequenceState[] = [];
      for (const col of columns) {
        const seq = (await c.query<{ s: string | null }>(COLUMN_SEQUENCE, [qualify(col.table), col.column])).rows[0].s;
        const max = (await c.query<{ m: string | null }>(`SELECT max(${q(col.column)})::text AS m FROM ${qualify(col.table)}`)).rows[0].m;
        let last: string | null = null;
        if (seq) {
          // before its first nextval (or after setval(s, v, false)), last_value is the next value
          // itself: the value handed out last is one below (this connection reads booleans as text)
          const r = await c.query<{ v: string }>(`SELECT (CASE WHEN is_called THEN last_value ELSE last_value - 1 END)::text AS v FROM ${seq}`);
          last = r.rows[0].v;
        }
        out.push({ ...col, sequence: seq, lastValue: last, maxValue: max });
      }
      return out;
    });
  },

  async setNext(cfg, moves) {
    await withClient(cfg, async (c) => {
      for (const m of moves) {
        const seq = (await c.query<{ s: string | null }>(COLUMN_SEQUENCE, [qualify(m.table), m.column])).rows[0].s;
        if (!seq) throw new Error(`${qualify(m.table)}.${q(m.column)} has no sequence to move on this side`);
        await c.query('SELECT setval($1::regclass, $2::bigint, false)', [seq, m.next]);
      }
    });
  },

  async checkSetNext(cfg, columns) {
    return withClient(cfg, async (c) => {
      const problems: string[] = [];
      for (const col of columns) {
        const seq = (await c.query<{ s: string | null }>(COLUMN_SEQUENCE, [qualify(col.table), col.column])).rows[0].s;
        if (!seq) continue; // the readiness report warns of a column without a sequence
        // setval needs UPDATE on the sequence (this connection reads booleans as text)
        const r = await c.query<{ ok: string; me: string }>(`SELECT has_sequence_privilege($1, 'UPDATE')::text AS ok, current_user::text AS me`, [seq]);
        if (r.rows[0].ok !== 'true') {
          problems.push(`${seq} (${qualify(col.table)}.${q(col.column)}) on ${cfg.host}:${cfg.port}/${cfg.database}: the account ${r.rows[0].me} may not move it (setval needs UPDATE on the sequence). Run: GRANT UPDATE ON SEQUENCE ${seq} TO ${q(r.rows[0].me)}`);
        }
      }
      return problems;
    });
  },
};
