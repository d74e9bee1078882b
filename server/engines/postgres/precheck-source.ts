// Precheck items that look at the source database.
import { catalogQuery } from './catalog-queries';
import { lit, q, qualify } from './connect';
import { validateFilterOn } from './filter';
import { slotName } from './names';
import { dataSync, filtersCheck, incremental, isPair, listNames, listStatements, pass } from '../shared/precheck-util';
import { qualifiedList, refParams, type Check, type CheckContext } from './precheck-util';

const PAIR_KEYS = 'In two-way synchronization and reverse tasks, conflicts are detected and rows are matched on both sides by their primary or unique keys, so every table needs one.';

/** seconds after which an open transaction counts as long-running (DTS_LONG_TXN_SECONDS) */
export function longTransactionSeconds(): number {
  const v = Number(process.env.DTS_LONG_TXN_SECONDS);
  return Number.isFinite(v) && v > 0 ? v : 300;
}

const ONE_GB = 1024 ** 3;
const size = (bytes: number) => (bytes >= ONE_GB ? `${(bytes / ONE_GB).toFixed(1)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`);

export const sourceChecks: Check[] = [
  {
    key: 'source.wal_level',
    name: 'Check the wal_level of the source database',
    sides: ['source'],
    when: incremental,
    async run({ source }) {
      const level = (await catalogQuery<{ wal_level: string }>(source, 'SHOW wal_level'))[0].wal_level;
      if (level === 'logical') return pass();
      return {
        result: 'fail',
        cause: `wal_level is "${level}". Incremental Data Synchronization reads the WAL through logical decoding, which needs wal_level = logical.`,
        fix: "Run ALTER SYSTEM SET wal_level = 'logical'; on the source as a superuser (or set it in postgresql.conf), restart the source server, and run the precheck again.",
      };
    },
  },
  {
    key: 'source.replication_slots',
    name: 'Check the number of available replication slots of the source database',
    sides: ['source'],
    when: incremental,
    async run({ source, input }) {
      const r = (await catalogQuery<{ max: number; used: number; mine: boolean; inactive: string | null }>(source,
        `SELECT current_setting('max_replication_slots')::int AS max, (SELECT count(*) FROM pg_replication_slots)::int AS used,
                EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1) AS mine,
                (SELECT string_agg(slot_name, ', ') FROM pg_replication_slots WHERE NOT active) AS inactive`,
        [slotName(input.taskId)],
      ))[0];
      if (r.mine) return pass(`The task's replication slot ${slotName(input.taskId)} already exists and is reused.`);
      if (r.max - r.used >= 1) return pass();
      return {
        result: 'fail',
        cause: `max_replication_slots is ${r.max} and ${r.used} slots exist, so DTS cannot create its slot ${slotName(input.taskId)}.${r.inactive ? ` Inactive slots: ${r.inactive}.` : ''}`,
        fix: `Drop a slot no longer used (SELECT pg_drop_replication_slot('name');) or raise max_replication_slots (ALTER SYSTEM SET max_replication_slots = ${r.max + 4}; then restart the source server).`,
      };
    },
  },
  {
    key: 'source.wal_senders',
    name: 'Check the number of available WAL senders of the source database',
    sides: ['source'],
    when: incremental,
    async run({ source }) {
      const r = (await catalogQuery<{ max: number; used: number }>(source,
        `SELECT current_setting('max_wal_senders')::int AS max, (SELECT count(*) FROM pg_stat_replication)::int AS used`,
      ))[0];
      if (r.max - r.used >= 1) return pass();
      return {
        result: 'fail',
        cause: `max_wal_senders is ${r.max} and ${r.used} WAL senders are in use, so DTS cannot open a replication connection.`,
        fix: `Raise max_wal_senders (ALTER SYSTEM SET max_wal_senders = ${r.max + 4}; then restart the source server) or stop an unused replication client.`,
      };
    },
  },
  {
    key: 'source.replication_privilege',
    name: 'Check the replication permission of the source database account',
    sides: ['source'],
    when: incremental,
    async run({ source, sourceUser }) {
      const r = (await catalogQuery<{ rolsuper: boolean; rolreplication: boolean }>(source, 'SELECT rolsuper, rolreplication FROM pg_roles WHERE rolname = current_user'))[0];
      if (r && (r.rolsuper || r.rolreplication)) return pass();
      return {
        result: 'fail',
        cause: `The account "${sourceUser}" is neither a superuser nor has the REPLICATION attribute, so it cannot create a replication slot or read changes.`,
        fix: `As a superuser on the source, run: ALTER ROLE ${q(sourceUser)} REPLICATION;`,
      };
    },
  },
  {
    key: 'source.select_privilege',
    name: 'Check the SELECT permission of the source database account on the selected tables',
    sides: ['source'],
    when: dataSync,
    async run({ source, input, sourceUser }) {
      const refs = input.mappings.map((m) => m.source);
      const rows = (await catalogQuery<{ schema: string; name: string; found: boolean; ok: boolean }>(source,
        `SELECT x.s AS schema, x.n AS name, c.oid IS NOT NULL AS found,
                coalesce(has_schema_privilege(c.relnamespace, 'USAGE') AND has_table_privilege(c.oid, 'SELECT'), false) AS ok
           FROM unnest($1::text[], $2::text[]) AS x(s, n) LEFT JOIN pg_class c ON c.oid = to_regclass(format('%I.%I', x.s, x.n))`,
        refParams(refs),
      ));
      const missing = rows.filter((r) => !r.found);
      const denied = rows.filter((r) => r.found && !r.ok);
      if (!missing.length && !denied.length) return pass();
      const causes: string[] = [];
      if (missing.length) causes.push(`These tables no longer exist on the source: ${qualifiedList(missing)}.`);
      if (denied.length) causes.push(`The account "${sourceUser}" may not read: ${qualifiedList(denied)}.`);
      const schemas = [...new Set(denied.map((r) => r.schema))];
      const grants = [
        ...schemas.map((s) => `GRANT USAGE ON SCHEMA ${q(s)} TO ${q(sourceUser)};`),
        ...denied.map((r) => `GRANT SELECT ON ${qualify(r)} TO ${q(sourceUser)};`),
      ];
      return {
        result: 'fail',
        cause: causes.join(' '),
        fix: [missing.length ? 'Remove the missing tables from the selected objects.' : '', denied.length ? `Grant read access as the owner or a superuser:\n${listStatements(grants)}` : '']
          .filter(Boolean)
          .join('\n'),
      };
    },
  },
  {
    key: 'source.publication_privilege',
    name: 'Check the permission of the source database account to create a publication',
    sides: ['source'],
    when: incremental,
    async run({ source, input, sourceUser }) {
      const refs = input.mappings.map((m) => m.source);
      const r = (await catalogQuery<{ superuser: boolean; create_db: boolean; not_owned: string | null }>(source,
        `SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
                has_database_privilege(current_database(), 'CREATE') AS create_db,
                (SELECT json_agg(json_build_object('schema', x.s, 'name', x.n))
                   FROM unnest($1::text[], $2::text[]) AS x(s, n) JOIN pg_class c ON c.oid = to_regclass(format('%I.%I', x.s, x.n))
                  WHERE NOT pg_has_role(c.relowner, 'USAGE'))::text AS not_owned`,
        refParams(refs),
      ))[0];
      if (r.superuser) return pass();
      const causes: string[] = [];
      const fixes: string[] = [];
      const notOwned: { schema: string; name: string }[] = r.not_owned ? JSON.parse(r.not_owned) : [];
      if (!r.create_db) {
        causes.push(`The account "${sourceUser}" has no CREATE permission on the database, which CREATE PUBLICATION needs.`);
        fixes.push(`GRANT CREATE ON DATABASE ${q(input.source.database)} TO ${q(sourceUser)};`);
      }
      if (notOwned.length) {
        causes.push(`A publication can only list tables the account owns; "${sourceUser}" does not own: ${qualifiedList(notOwned)}.`);
        fixes.push(...notOwned.map((t) => `ALTER TABLE ${qualify(t)} OWNER TO ${q(sourceUser)};`));
      }
      // the heartbeat table and its schema: source.helper_objects
      if (!causes.length) return pass();
      return { result: 'fail', cause: causes.join(' '), fix: `Use the tables' owner or a superuser as the source account, or run as a superuser:\n${listStatements(fixes)}` };
    },
  },
  {
    key: 'source.primary_key',
    name: 'Check whether the tables to be synchronized have primary keys',
    sides: ['source'],
    when: dataSync,
    async run({ source, input }) {
      const refs = input.mappings.map((m) => m.source);
      const rows = (await catalogQuery<{ schema: string; name: string; replident: string; has_pk: boolean; ri_index: boolean; uk_index: string | null }>(source,
        `SELECT x.s AS schema, x.n AS name, c.relreplident::text AS replident,
                EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_pk,
                EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident AND i.indisvalid) AS ri_index,
                (SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                  WHERE i.indrelid = c.oid AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL AND NOT i.indisprimary
                    AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey::int2[]) k JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k WHERE NOT a.attnotnull)
                  ORDER BY ic.relname LIMIT 1) AS uk_index
           FROM unnest($1::text[], $2::text[]) AS x(s, n) JOIN pg_class c ON c.oid = to_regclass(format('%I.%I', x.s, x.n))`,
        refParams(refs),
      ));
      const incr = input.syncTypes.incremental;
      // conflicts are detected, and rows matched on both sides, by their keys
      const paired = isPair(input);
      const failing: string[] = [];
      const warning: string[] = [];
      const fixes: string[] = [];
      for (const t of rows) {
        const name = qualify(t);
        if (t.replident === 'n' && incr) {
          failing.push(`${name} has REPLICA IDENTITY NOTHING, so its updates and deletes cannot be published`);
          fixes.push(`ALTER TABLE ${name} REPLICA IDENTITY DEFAULT;`);
        } else if (t.replident === 'i' && !t.ri_index && incr) {
          // the index was dropped: PostgreSQL then publishes no old-row image, as with NOTHING
          failing.push(`${name} has REPLICA IDENTITY USING INDEX, but that index no longer exists, so its updates and deletes cannot be published`);
          fixes.push(
            t.has_pk ? `ALTER TABLE ${name} REPLICA IDENTITY DEFAULT;`
            : t.uk_index ? `ALTER TABLE ${name} REPLICA IDENTITY USING INDEX ${q(t.uk_index)};`
            : `ALTER TABLE ${name} REPLICA IDENTITY FULL;`,
          );
        } else if (t.has_pk || t.replident === 'i') {
          // the primary key, or the replica identity index, which the mapping uses as the key
          continue;
        } else if (t.replident === 'f' && !t.uk_index && paired) {
          failing.push(`${name} has neither a primary key nor a NOT NULL unique key (REPLICA IDENTITY FULL is set)`);
          fixes.push(`ALTER TABLE ${name} ADD PRIMARY KEY (<key columns>);`);
        } else if (t.replident === 'f') {
          if (!t.uk_index) warning.push(`${name} has no primary key; REPLICA IDENTITY FULL is set, so updates and deletes match rows on every column (slower, and duplicate rows cannot be told apart)`);
        } else if (t.uk_index) {
          if (incr) {
            failing.push(`${name} has no primary key and its replica identity is DEFAULT, so its updates and deletes cannot be published`);
            fixes.push(`ALTER TABLE ${name} REPLICA IDENTITY USING INDEX ${q(t.uk_index)};`);
          }
        } else if (incr || paired) {
          failing.push(`${name} has neither a primary key nor a NOT NULL unique key`);
          fixes.push(`ALTER TABLE ${name} ADD PRIMARY KEY (<key columns>);${paired ? '' : ` -- or: ALTER TABLE ${name} REPLICA IDENTITY FULL;`}`);
        } else {
          warning.push(`${name} has neither a primary key nor a NOT NULL unique key, so the destination may get duplicate rows`);
        }
      }
      if (failing.length) {
        return {
          result: 'fail',
          cause: `${listNames(failing, 5)}. The tables to be synchronized must have PRIMARY KEY or UNIQUE constraints.${paired ? ` ${PAIR_KEYS}` : ''}`,
          fix: `${paired ? 'Add a primary key' : 'Add a primary key (preferred), or set the replica identity'}:\n${listStatements(fixes)}`,
        };
      }
      if (warning.length) return { result: 'warn', cause: `${listNames(warning, 5)}.`, fix: 'Add a primary key to these tables: ALTER TABLE <table> ADD PRIMARY KEY (<key columns>);' };
      return pass();
    },
  },
  {
    key: 'source.sequences',
    name: 'Check the sequences that feed the tables to be synchronized',
    sides: ['source'],
    when: dataSync,
    async run({ source, input, sourceUser }) {
      // columns fed by a sequence: through an identity, OWNED BY, or a DEFAULT whose nextval the
      // catalog links to its sequence. A default that names the sequence as text (or calls it
      // from a function) has no such link: DTS cannot create that sequence, copy its value or
      // move it at failover.
      const rows = await catalogQuery<{ schema: string; name: string; col: string; def: string | null; seq: string | null; readable: boolean | null }>(source,
        `SELECT x.s AS schema, x.n AS name, a.attname AS col, pg_get_expr(ad.adbin, ad.adrelid) AS def,
                CASE WHEN sq.oid IS NOT NULL THEN format('%I.%I', sn.nspname, sq.relname) END AS seq,
                CASE WHEN sq.oid IS NOT NULL THEN has_sequence_privilege(sq.oid, 'SELECT') END AS readable
           FROM unnest($1::text[], $2::text[]) AS x(s, n)
           JOIN pg_class c ON c.oid = to_regclass(format('%I.%I', x.s, x.n))
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
           LEFT JOIN LATERAL (
             SELECT s.oid, s.relname, s.relnamespace FROM pg_depend d JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'
              WHERE d.refclassid = 'pg_class'::regclass AND (
                    (d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid)
                 OR (d.classid = 'pg_class'::regclass AND d.deptype = 'i' AND d.refobjid = c.oid AND d.refobjsubid = a.attnum))
              ORDER BY s.oid LIMIT 1) sq ON true
           LEFT JOIN pg_namespace sn ON sn.oid = sq.relnamespace
          WHERE sq.oid IS NOT NULL OR pg_get_expr(ad.adbin, ad.adrelid) ~* 'nextval\\('
          ORDER BY 1, 2, 3`,
        refParams(input.mappings.map((m) => m.source)),
      );
      const unlinked = rows.filter((r) => r.seq === null);
      const unreadable = [...new Set(rows.filter((r) => r.seq !== null && r.readable === false).map((r) => r.seq as string))];
      if (!unlinked.length && !unreadable.length) {
        return pass(rows.length ? `${rows.length} column${rows.length === 1 ? ' is' : 's are'} fed by sequences; each is created and its value copied with schema synchronization, and moved at failover and switchover.` : undefined);
      }
      const causes: string[] = [];
      const fixes: string[] = [];
      if (unlinked.length) {
        causes.push(
          `These columns call nextval() in their default, but the catalog does not link the default to a sequence (the sequence is named as text, or called from a function): ${listNames(unlinked.map((r) => `${qualify(r)}.${q(r.col)} DEFAULT ${r.def ?? ''}`), 5)}. ` +
            'DTS cannot tell which sequence feeds them: it does not create that sequence on the destination, copy its value, or move it at failover and switchover.',
        );
        fixes.push(...unlinked.map((r) => `ALTER TABLE ${qualify(r)} ALTER COLUMN ${q(r.col)} SET DEFAULT nextval('<sequence>'::regclass);`));
      }
      if (unreadable.length) {
        causes.push(`The account "${sourceUser}" may not read these sequences, so their values are not copied to the destination and cannot be moved at failover: ${listNames(unreadable, 5)}.`);
        fixes.push(...unreadable.map((n) => `GRANT SELECT ON SEQUENCE ${n} TO ${q(sourceUser)};`));
      }
      return { result: 'warn', cause: causes.join(' '), fix: `Run on the source as the owner or a superuser, then run the precheck again:\n${listStatements(fixes)}` };
    },
  },
  {
    key: 'source.conflict_detection',
    name: 'Check that conflicts can be detected on the source tables',
    sides: ['source'],
    when: (i) => i.topology === 'TwoWay' && incremental(i),
    async run({ source, input }) {
      const rows = await catalogQuery<{ schema: string; name: string }>(source,
        `SELECT x.s AS schema, x.n AS name
           FROM unnest($1::text[], $2::text[]) AS x(s, n) JOIN pg_class c ON c.oid = to_regclass(format('%I.%I', x.s, x.n))
          WHERE c.relreplident <> 'f'`,
        refParams(input.mappings.map((m) => m.source)),
      );
      if (!rows.length) return pass('Every table has REPLICA IDENTITY FULL: an UPDATE made on both sides to the same row is detected as a conflict.');
      return {
        result: 'warn',
        cause: `The replica identity of these tables is not FULL: ${qualifiedList(rows)}. An UPDATE made on both sides to the same row cannot be detected as a conflict, because the old row image carries only the key.`,
        fix: `Set the replica identity to FULL on the source, during off-peak hours:\n${listStatements(rows.map((r) => `ALTER TABLE ${qualify(r)} REPLICA IDENTITY FULL;`))}`,
      };
    },
  },
  {
    key: 'source.long_transactions',
    name: 'Check for long-running transactions in the source database',
    sides: ['source'],
    when: incremental,
    async run({ source }) {
      const secs = longTransactionSeconds();
      const rows = (await catalogQuery<{ pid: number; usename: string | null; datname: string | null; age: string; state: string | null }>(source,
        `SELECT pid, usename, datname, (now() - xact_start)::text AS age, state FROM pg_stat_activity
          WHERE xact_start < now() - make_interval(secs => $1) AND pid <> pg_backend_pid() AND backend_type = 'client backend'
          ORDER BY xact_start`,
        [secs],
      ));
      if (!rows.length) return pass();
      const list = rows.map((r) => `pid ${r.pid} (${r.usename ?? '?'} on ${r.datname ?? '?'}, open for ${r.age.replace(/\.\d+$/, '')}, ${r.state ?? 'unknown'})`);
      return {
        result: 'warn',
        cause: `Transactions open for more than ${secs} seconds: ${listNames(list, 5)}. DTS creates its replication slot only after they end, and WAL piles up on the source while they stay open.`,
        fix: `Commit or end them before starting the task, e.g. SELECT pg_terminate_backend(${rows[0].pid});`,
      };
    },
  },
  {
    key: 'source.wal_retention',
    name: 'Check the WAL retention settings of the source database',
    sides: ['source'],
    when: incremental,
    async run({ source, input, sourceVersion }) {
      if (sourceVersion < 130000) return pass('max_slot_wal_keep_size does not exist before PostgreSQL 13: the slot keeps WAL without limit; watch the disk of the source while the task is paused or behind.');
      const r = (await catalogQuery<{ keep_max: string; keep_max_bytes: string; wal_keep: string; retained: string | null; my_status: string | null }>(source,
        `SELECT current_setting('max_slot_wal_keep_size') AS keep_max,
                CASE WHEN current_setting('max_slot_wal_keep_size') = '-1' THEN -1 ELSE pg_size_bytes(current_setting('max_slot_wal_keep_size')) END::text AS keep_max_bytes,
                current_setting('wal_keep_size') AS wal_keep,
                (SELECT max(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)) FROM pg_replication_slots WHERE restart_lsn IS NOT NULL)::text AS retained,
                (SELECT wal_status FROM pg_replication_slots WHERE slot_name = $1) AS my_status`,
        [slotName(input.taskId)],
      ))[0];
      if (r.my_status === 'lost') {
        return {
          result: 'fail',
          cause: `The task's replication slot ${slotName(input.taskId)} has lost WAL it still needed (wal_status = lost), so changes were missed.`,
          fix: `Drop the slot (SELECT pg_drop_replication_slot(${lit(slotName(input.taskId))});) and synchronize the full data again.`,
        };
      }
      const keepMax = Number(r.keep_max_bytes);
      const retained = Number(r.retained ?? 0);
      const note = `wal_keep_size is ${r.wal_keep}; replication slots now retain ${size(retained)} of WAL.`;
      if (keepMax < 0) return pass(`max_slot_wal_keep_size is -1: the slot keeps WAL without limit, so the source's disk fills up if the task stays paused or behind. ${note}`);
      if (keepMax < ONE_GB || retained > keepMax * 0.8) {
        return {
          result: 'warn',
          cause: `max_slot_wal_keep_size is ${r.keep_max}: if the task falls more than that behind (or stays paused), the source removes WAL the task needs and the task fails. ${note}`,
          fix: "Raise it so it covers the WAL written in at least 24 hours (7 days while full data is synchronized), e.g. ALTER SYSTEM SET max_slot_wal_keep_size = '50GB'; SELECT pg_reload_conf();",
        };
      }
      return pass(`max_slot_wal_keep_size is ${r.keep_max}. ${note}`);
    },
  },
  {
    key: 'source.reverse_wal_retention',
    name: "Check the WAL retention of the reverse task's source database",
    sides: ['source'],
    when: (i) => i.topology === 'Reverse',
    async run({ source, input, sourceVersion }) {
      const slot = slotName(input.taskId);
      const held = `The reverse task's replication slot ${slot} is created on this database when the precheck passes, and it holds WAL here from then until the reverse task is started and catches up.`;
      const fix = [
        `Monitor the slot: SELECT slot_name, wal_status, pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)) AS retained FROM pg_replication_slots WHERE slot_name = ${lit(slot)};`,
        "Raise max_slot_wal_keep_size if the disk allows it, e.g. ALTER SYSTEM SET max_slot_wal_keep_size = '50GB'; SELECT pg_reload_conf();",
        'Release the reverse task if it is not needed: its slot is dropped.',
      ].join('\n');
      if (sourceVersion < 130000) {
        return { result: 'warn', cause: `${held} max_slot_wal_keep_size does not exist before PostgreSQL 13: the WAL grows without limit while the reverse task waits, and the disk may fill.`, fix };
      }
      const keep = (await catalogQuery<{ keep_max: string }>(source, `SELECT current_setting('max_slot_wal_keep_size') AS keep_max`))[0].keep_max;
      const implies =
        keep === '-1'
          ? 'max_slot_wal_keep_size is -1: the WAL grows without limit while the reverse task waits, and the disk may fill.'
          : `max_slot_wal_keep_size is ${keep}: once the slot holds more WAL than that, it is invalidated and the reverse task must be created again.`;
      return { result: 'warn', cause: `${held} ${implies}`, fix };
    },
  },
  filtersCheck<CheckContext>((ctx, table, where) => validateFilterOn(ctx.source, table, where)),
];
