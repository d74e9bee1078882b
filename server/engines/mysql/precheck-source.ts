// Precheck items that look at the MySQL source: binary log settings and retention, replication
// and read permissions, keys, storage engines and WHERE filters.
import type { TableRef } from '../types';
import { q, qualify, rows, type MyConnection } from './connect';
import { validateFilterOn } from './filter';
import { DTS_DATABASE, HEARTBEAT } from './names';
import { dataSync, filtersCheck, incremental, isPair, listNames, listStatements, pass } from '../shared/precheck-util';
import { grantee, qualifiedList, readGrants, type Check, type CheckContext } from './precheck-util';

const PAIR_KEYS = 'In two-way synchronization and reverse tasks, conflicts are detected and rows are matched on both sides by their primary or unique keys, so every table needs one.';
const HOUR = 3600;
/** DTS's default Retry Time for Failed Connections (720 minutes), when the input gives none */
const RETRY_WINDOW_SECONDS = 12 * HOUR;

async function variableValue(c: MyConnection, name: string): Promise<string | null> {
  const r = await rows<{ Variable_name: string; Value: string }>(c, 'SHOW GLOBAL VARIABLES WHERE Variable_name = ?', [name]);
  return r[0]?.Value ?? null;
}

const duration = (s: number) => (s >= 86400 ? `${+(s / 86400).toFixed(1)} days` : `${+(s / HOUR).toFixed(1)} hours`);

/** an item that fails unless the global `variable` has a value `ok` accepts */
function variableCheck(key: string, name: string, variable: string, ok: (v: string | null) => boolean, failure: (v: string | null) => { cause: string; fix: string }): Check {
  return {
    key,
    name,
    sides: ['source'],
    when: incremental,
    async run({ source }) {
      const v = await variableValue(source, variable);
      return ok(v) ? pass() : { result: 'fail', ...failure(v) };
    },
  };
}

export const sourceChecks: Check[] = [
  variableCheck('source.log_bin', 'Check whether binary logging is enabled on the source database', 'log_bin', (v) => v === 'ON' || v === '1', (v) => ({
    cause: `Binary logging is off (log_bin = ${v ?? 'unset'}). Incremental Data Synchronization reads changes from the binary log.`,
    fix: 'Set log_bin (e.g. log_bin = mysql-bin) and server_id in the [mysqld] section of the source server\'s configuration file, restart the server, and run the precheck again.',
  })),
  variableCheck('source.binlog_format', 'Check the binlog_format of the source database', 'binlog_format', (v) => v === 'ROW', (v) => ({
    cause: `binlog_format is ${v ?? 'unset'}. DTS reads row changes, which the binary log carries only with binlog_format = ROW.`,
    fix: "Run SET GLOBAL binlog_format = 'ROW'; on the source and set binlog_format = ROW in its configuration file so it survives a restart; sessions opened before the change keep the old format, so reconnect the applications.",
  })),
  variableCheck('source.binlog_row_image', 'Check the binlog_row_image of the source database', 'binlog_row_image', (v) => v === null || v === 'FULL', (v) => ({
    cause: `binlog_row_image is ${v}. DTS needs every column of the old and new rows in the binary log (binlog_row_image = FULL) to apply updates and detect conflicts.`,
    fix: "Run SET GLOBAL binlog_row_image = 'FULL'; on the source and set binlog_row_image = FULL in its configuration file.",
  })),
  {
    key: 'source.binlog_retention',
    name: 'Check the binary log retention of the source database',
    sides: ['source'],
    when: incremental,
    async run({ source, input }) {
      const secs = Number((await variableValue(source, 'binlog_expire_logs_seconds')) ?? 0);
      const days = Number((await variableValue(source, 'expire_logs_days')) ?? 0);
      const retention = secs > 0 ? secs : days * 86400;
      if (retention <= 0) return pass('Binary logs are never purged automatically (binlog_expire_logs_seconds and expire_logs_days are 0); watch the disk of the source.');
      const window = input.retryWindowMinutes ? input.retryWindowMinutes * 60 : RETRY_WINDOW_SECONDS;
      const wanted = Math.max(window, input.syncTypes.full ? 7 * 86400 : 86400);
      if (retention >= wanted) return pass(`Binary logs are kept for ${duration(retention)}.`);
      return {
        result: 'warn',
        cause: `Binary logs are kept for ${duration(retention)}. If the task stops or falls behind for longer (the task's Retry Time for Failed Connections is ${duration(window)}${input.syncTypes.full ? ', and a full data load delays reading the binary log' : ''}), the source purges logs the task still needs and the task must be created again.`,
        fix: `Keep binary logs for at least ${duration(wanted)}: SET GLOBAL binlog_expire_logs_seconds = ${wanted}; (MySQL 8, MariaDB 10.6+) or SET GLOBAL expire_logs_days = ${wanted / 86400}; and the same in the configuration file.`,
      };
    },
  },
  {
    key: 'source.replication_privilege',
    name: 'Check the replication permission of the source database account',
    sides: ['source'],
    when: incremental,
    async run({ source, sourceUser }) {
      const g = await readGrants(source);
      const slave = g.has('REPLICATION SLAVE', null) || g.has('SUPER', null);
      const client = g.has('REPLICATION CLIENT', null) || g.has('BINLOG MONITOR', null) || g.has('SUPER', null);
      if (slave && client) return pass();
      const missing = [!slave && 'REPLICATION SLAVE', !client && 'REPLICATION CLIENT'].filter(Boolean).join(', ');
      return {
        result: 'fail',
        cause: `The account "${sourceUser}" lacks ${missing} on *.*. DTS needs REPLICATION SLAVE to read the binary log and REPLICATION CLIENT (BINLOG MONITOR on MariaDB 10.5+) to read binary log positions.`,
        fix: `As an administrator on the source, run: GRANT ${missing} ON *.* TO ${await grantee(source)};`,
      };
    },
  },
  {
    key: 'source.select_privilege',
    name: 'Check the SELECT permission of the source database account on the selected tables',
    sides: ['source'],
    when: dataSync,
    async run({ source, input, sourceUser }) {
      const missing: TableRef[] = [];
      const denied: TableRef[] = [];
      for (const m of input.mappings) {
        try {
          const cols = m.columns.map((c) => q(c.source)).join(', ');
          await source.query(`SELECT ${cols || '1'} FROM ${qualify(m.source)} LIMIT 0`);
        } catch (e) {
          const errno = (e as { errno?: number }).errno;
          if (errno === 1146 || errno === 1049) missing.push(m.source);
          else if (errno === 1142 || errno === 1143 || errno === 1044) denied.push(m.source);
          else throw e;
        }
      }
      if (!missing.length && !denied.length) return pass();
      const causes: string[] = [];
      if (missing.length) causes.push(`These tables no longer exist on the source: ${qualifiedList(missing)}.`);
      if (denied.length) causes.push(`The account "${sourceUser}" may not read: ${qualifiedList(denied)}.`);
      const who = await grantee(source);
      const grants = [...new Set(denied.map((r) => `GRANT SELECT ON ${q(r.schema)}.* TO ${who};`))];
      return {
        result: 'fail',
        cause: causes.join(' '),
        fix: [missing.length ? 'Remove the missing tables from the selected objects.' : '', denied.length ? `Grant read access as an administrator:\n${listStatements(grants)}` : '']
          .filter(Boolean)
          .join('\n'),
      };
    },
  },
  {
    key: 'source.heartbeat_privilege',
    name: 'Check the permission of the source database account to write the heartbeat table',
    sides: ['source'],
    when: incremental,
    async run({ source, sourceUser }) {
      const g = await readGrants(source);
      const exists = (await rows(source, 'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [HEARTBEAT.schema, HEARTBEAT.name])).length > 0;
      const need = exists ? ['INSERT', 'UPDATE', 'DELETE'] : ['CREATE', 'INSERT', 'UPDATE', 'DELETE'];
      const lacking = need.filter((p) => !g.has(p, DTS_DATABASE, HEARTBEAT.name));
      if (!lacking.length) return pass();
      return {
        result: 'warn',
        cause: `The account "${sourceUser}" cannot ${exists ? 'write' : 'create and write'} the heartbeat table ${qualify(HEARTBEAT)} (missing ${lacking.join(', ')}). Without heartbeats the task's latency and position advance only when the selected tables change.`,
        fix: `As an administrator on the source, run: GRANT CREATE, INSERT, UPDATE, DELETE, DROP, TRIGGER ON ${q(DTS_DATABASE)}.* TO ${await grantee(source)};`,
      };
    },
  },
  {
    key: 'source.primary_key',
    name: 'Check whether the tables to be synchronized have primary keys',
    sides: ['source'],
    when: dataSync,
    async run({ source, input }) {
      if (!input.mappings.length) return pass();
      const keyed = await rows<{ db: string; tbl: string }>(source,
        `SELECT DISTINCT s.TABLE_SCHEMA AS db, s.TABLE_NAME AS tbl FROM information_schema.STATISTICS s
          WHERE s.NON_UNIQUE = 0 AND s.TABLE_SCHEMA IN (?)
          GROUP BY s.TABLE_SCHEMA, s.TABLE_NAME, s.INDEX_NAME
         HAVING SUM(s.SUB_PART IS NOT NULL OR s.COLUMN_NAME IS NULL OR s.NULLABLE = 'YES') = 0`,
        [[...new Set(input.mappings.map((m) => m.source.schema))]],
      );
      const has = new Set(keyed.map((k) => `${k.db}\u0000${k.tbl}`));
      const without = input.mappings.filter((m) => !has.has(`${m.source.schema}\u0000${m.source.name}`)).map((m) => m.source);
      if (!without.length) return pass();
      const names = without.map((t) => `${qualify(t)} has neither a primary key nor a NOT NULL unique key`);
      const fixes = without.map((t) => `ALTER TABLE ${qualify(t)} ADD PRIMARY KEY (<key columns>);`);
      const paired = isPair(input);
      if (input.syncTypes.incremental || paired) {
        return {
          result: 'fail',
          cause: `${listNames(names, 5)}. The tables to be synchronized must have PRIMARY KEY or UNIQUE constraints: incremental changes are applied to the destination by key.${paired ? ` ${PAIR_KEYS}` : ''}`,
          fix: `Add a primary key, or leave the tables out of the selected objects:\n${listStatements(fixes)}`,
        };
      }
      return { result: 'warn', cause: `${listNames(names, 5)}, so the destination may get duplicate rows if the load is retried.`, fix: `Add a primary key to these tables:\n${listStatements(fixes)}` };
    },
  },
  {
    key: 'source.storage_engine',
    name: 'Check the storage engines of the tables to be synchronized',
    sides: ['source'],
    when: dataSync,
    async run({ source, input }) {
      if (!input.mappings.length) return pass();
      const r = await rows<{ db: string; tbl: string; engine: string | null }>(source,
        `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl, ENGINE AS engine FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) AND TABLE_TYPE = 'BASE TABLE'`,
        [[...new Set(input.mappings.map((m) => m.source.schema))]],
      );
      const engine = new Map(r.map((x) => [`${x.db}\u0000${x.tbl}`, x.engine ?? '']));
      const other = input.mappings
        .map((m) => ({ t: m.source, e: engine.get(`${m.source.schema}\u0000${m.source.name}`) ?? '' }))
        .filter((x) => x.e && !/^innodb$/i.test(x.e));
      if (!other.length) return pass();
      return {
        result: 'warn',
        cause: `These tables do not use InnoDB: ${listNames(other.map((x) => `${qualify(x.t)} (${x.e})`), 5)}. Their full data is not read in one consistent snapshot with the other tables, so changes made during the full load may be copied twice or out of order.`,
        fix: `Convert them to InnoDB (ALTER TABLE ${qualify(other[0].t)} ENGINE = InnoDB;), or avoid writing to them during the full load.`,
      };
    },
  },
  filtersCheck<CheckContext>((ctx, table, where) => validateFilterOn(ctx.source, table, where)),
];
