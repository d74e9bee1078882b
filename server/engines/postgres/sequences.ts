// Sequences at failover and switchover: the side taking over writes continues after the other
// side's values, so new keys do not collide (the seed's manual DO block, automated).
import type { SequenceState, SequenceSync } from '../types';
import { lit, q, qualify, withClient } from './connect';

export const sequenceSync: SequenceSync = {
  async read(cfg, columns) {
    return withClient(cfg, async (c) => {
      const out: SequenceState[] = [];
      for (const col of columns) {
        const seq = (await c.query<{ s: string | null }>('SELECT pg_get_serial_sequence($1, $2) AS s', [qualify(col.table), col.column])).rows[0].s;
        const max = (await c.query<{ m: string | null }>(`SELECT max(${q(col.column)})::text AS m FROM ${qualify(col.table)}`)).rows[0].m;
        let last: string | null = null;
        if (seq) {
          const r = await c.query<{ v: string; called: boolean }>(`SELECT last_value::text AS v, is_called AS called FROM ${seq}`);
          // before its first nextval, a sequence's last_value is the next value itself
          last = r.rows[0].called ? r.rows[0].v : (BigInt(r.rows[0].v) - 1n).toString();
        }
        out.push({ ...col, sequence: seq, lastValue: last, maxValue: max });
      }
      return out;
    });
  },

  async setNext(cfg, moves) {
    await withClient(cfg, async (c) => {
      for (const m of moves) {
        await c.query(`SELECT setval(pg_get_serial_sequence(${lit(qualify(m.table))}, ${lit(m.column)}), $1::bigint, false)`, [m.next]);
      }
    });
  },
};
