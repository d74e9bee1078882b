// AUTO_INCREMENT at failover and switchover: the side taking over writes continues after the
// other side's values, so new keys do not collide. MySQL has one counter per table, on its
// AUTO_INCREMENT column; it is named "<database>.<table>" here.
import type { SequenceState, SequenceSync } from '../types';
import { q, qualify, rows, withConnection } from './connect';

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
      for (const m of moves) {
        if (!/^\d+$/.test(m.next)) throw new Error(`AUTO_INCREMENT of ${m.table.schema}.${m.table.name} cannot be set to "${m.next}"`);
        // InnoDB never sets it below MAX(column) + 1
        await c.query(`ALTER TABLE ${qualify(m.table)} AUTO_INCREMENT = ${m.next}`);
      }
    });
  },
};
