// AUTO_INCREMENT at failover and switchover: the side taking over writes continues after the
// other side's values, so new keys do not collide. MySQL has one counter per table, on its
// AUTO_INCREMENT column; it is named "<database>.<table>" here.
import type { SequenceState, SequenceSync } from '../types';
import { q, qualify, rows, withConnection } from './connect';
import { grantee, readGrants } from './precheck-util';

/** how long ALTER TABLE … AUTO_INCREMENT waits for a table another session holds (LOCK TABLES, a long transaction) */
const LOCK_WAIT_S = Number(process.env.DTS_SEQUENCE_LOCK_WAIT_S ?? 20);

export const sequenceSync: SequenceSync = {
  async read(cfg, columns) {
    return withConnection(cfg, async (c) => {
      // MySQL 8 caches information_schema.TABLES.AUTO_INCREMENT for a day by default; MariaDB
      // reads it from the engine each time (and has no such variable)
      await c.query('SET SESSION information_schema_stats_expiry = 0').catch(() => undefined);
      const out: SequenceState[] = [];
      for (const col of columns) {
        const info = await rows<{ extra: string; next: string | null }>(
          c,
          `SELECT c.EXTRA AS extra, t.AUTO_INCREMENT AS next FROM information_schema.COLUMNS c
             JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
            WHERE c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ? AND c.COLUMN_NAME = ?`,
          [col.table.schema, col.table.name, col.column],
        );
        if (!info.length) throw new Error(`column ${col.column} of ${col.table.schema}.${col.table.name} does not exist on ${cfg.host}:${cfg.port}`);
        const max = (await rows<{ m: string | null }>(c, `SELECT MAX(${q(col.column)}) AS m FROM ${qualify(col.table)}`))[0]?.m ?? null;
        const auto = /auto_increment/i.test(info[0].extra) && info[0].next !== null;
        out.push({
          ...col,
          sequence: auto ? `${col.table.schema}.${col.table.name}` : null,
          lastValue: auto ? (BigInt(info[0].next as string) - 1n).toString() : null,
          maxValue: max,
        });
      }
      return out;
    });
  },

  async setNext(cfg, moves) {
    await withConnection(cfg, async (c) => {
      // a step that waits on a lock fails after a while, naming the table, instead of hanging
      await c.query(`SET SESSION lock_wait_timeout = ${Math.max(1, Math.floor(LOCK_WAIT_S))}`);
      for (const m of moves) {
        if (!/^\d+$/.test(m.next)) throw new Error(`AUTO_INCREMENT of ${m.table.schema}.${m.table.name} cannot be set to "${m.next}"`);
        // InnoDB never sets it below MAX(column) + 1
        try {
          await c.query(`ALTER TABLE ${qualify(m.table)} AUTO_INCREMENT = ${m.next}`);
        } catch (e) {
          throw new Error(`ALTER TABLE ${qualify(m.table)} AUTO_INCREMENT = ${m.next} failed on ${cfg.host}:${cfg.port}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    });
  },

  async checkSetNext(cfg, columns) {
    return withConnection(cfg, async (c) => {
      const grants = await readGrants(c);
      const who = await grantee(c);
      const problems: string[] = [];
      const seen = new Set<string>();
      for (const col of columns) {
        const name = qualify(col.table);
        if (seen.has(name)) continue;
        seen.add(name);
        // ALTER TABLE needs ALTER, CREATE and INSERT on the table
        const missing = ['ALTER', 'CREATE', 'INSERT'].filter((p) => !grants.has(p, col.table.schema, col.table.name));
        if (missing.length) {
          problems.push(`${name} on ${cfg.host}:${cfg.port}: the account ${who} may not move its AUTO_INCREMENT (ALTER TABLE needs ${missing.join(', ')} on the table). Run: GRANT ${missing.join(', ')} ON ${name} TO ${who}`);
        }
      }
      return problems;
    });
  },
};
