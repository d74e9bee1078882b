// Engine-neutral pieces of the precheck items: the check shape, the common conditions, list
// formatting, and the items whose logic and wording are the same on every engine (version,
// destination tables present or conflicting, WHERE filters). The engine supplies what it reads
// from its databases; `list` names tables the way the engine quotes them.
import type { PrecheckInput, PrecheckItem, TableRef } from '../types';
import { tableKey } from '../types';

export type Outcome = Omit<PrecheckItem, 'key' | 'name'>;

export type Side = 'source' | 'target';

export const SIDE: Record<Side, { label: string; title: string }> = {
  source: { label: 'source', title: 'Source' },
  target: { label: 'destination', title: 'Destination' },
};

export interface Check<Ctx> {
  key: string;
  name: string;
  /** the sides the check talks to; it is skipped when one is unreachable */
  sides: Side[];
  when(input: PrecheckInput): boolean;
  run(ctx: Ctx): Promise<Outcome>;
}

/** what the checks get: the task, and a connection to each side with its server version */
export interface PrecheckContext<C, V> {
  input: PrecheckInput;
  /** a side that could not be connected has no connection: its checks are skipped */
  source: C;
  target: C;
  sourceVersion: V;
  targetVersion: V;
  sourceUser: string;
  targetUser: string;
}

/** the part of the context the shared checks read */
export interface BaseContext {
  input: PrecheckInput;
}

export const pass = (cause?: string): Outcome => (cause ? { result: 'pass', cause } : { result: 'pass' });
export const incremental = (i: PrecheckInput) => i.syncTypes.incremental;
export const dataSync = (i: PrecheckInput) => i.syncTypes.full || i.syncTypes.incremental;
/** a direction of a two-way pair, or a reverse task */
export const isPair = (i: PrecheckInput) => i.topology === 'TwoWay' || i.topology === 'Reverse';

/** "a, b, c and 12 more" */
export function listNames(names: string[], max = 10): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** statements one per line, cut after `max` */
export function listStatements(stmts: string[], max = 10): string {
  const shown = stmts.slice(0, max).join('\n');
  return stmts.length > max ? `${shown}\n-- and ${stmts.length - max} more like these` : shown;
}

/** `<side>.version`: `judge` returns the failure, or null when the version is supported */
export function versionCheck<Ctx>(side: Side, judge: (ctx: Ctx, label: string) => Outcome | null): Check<Ctx> {
  return {
    key: `${side}.version`,
    name: `Check the version of the ${SIDE[side].label} database`,
    sides: [side],
    when: () => true,
    async run(ctx) {
      return judge(ctx, SIDE[side].label) ?? { result: 'pass' };
    },
  };
}

/** without Schema Synchronization the destination tables must exist; `missing` lists those that do not */
export function tablesExistCheck<Ctx>(missing: (ctx: Ctx) => Promise<TableRef[]>, list: (refs: TableRef[]) => string): Check<Ctx> {
  return {
    key: 'target.tables_exist',
    name: 'Check the existence of the destination tables',
    sides: ['target'],
    when: (i) => !i.syncTypes.schema && dataSync(i),
    async run(ctx) {
      const absent = await missing(ctx);
      if (!absent.length) return pass();
      return {
        result: 'fail',
        cause: `Schema Synchronization is not selected, so the destination tables must exist, but these do not: ${list(absent)}.`,
        fix: 'Select Schema Synchronization, or create the tables in the destination database, or map the tables to existing ones.',
      };
    },
  };
}

/**
 * Destination tables that already exist under Schema Synchronization: an error, or a warning
 * under Ignore Errors and Proceed. `existing` lists the mapped destination tables that exist;
 * those of `ignoreExistingTargets` are left out here.
 */
export function conflictingTablesCheck<Ctx extends BaseContext>(existing: (ctx: Ctx) => Promise<TableRef[]>, list: (refs: TableRef[]) => string): Check<Ctx> {
  return {
    key: 'target.conflicting_tables',
    name: 'Check the existence of tables with the same names in the destination database',
    sides: ['target'],
    when: (i) => i.syncTypes.schema,
    async run(ctx) {
      const ignore = new Set((ctx.input.ignoreExistingTargets ?? []).map((t) => tableKey(t)));
      const found = (await existing(ctx)).filter((t) => !ignore.has(tableKey(t)));
      if (!found.length) return pass();
      const names = list(found);
      if (ctx.input.conflictingTables === 'IgnoreErrorsAndProceed') {
        return {
          result: 'warn',
          cause: `The destination database already has tables with the same names: ${names}. Ignore Errors and Proceed is selected: rows with the same primary key are kept during full data synchronization and overwritten during incremental data synchronization; different schemas may make the task fail.`,
          fix: 'Make sure the existing tables have the same schema as the source tables, or rename the tables with object name mapping.',
        };
      }
      return {
        result: 'fail',
        cause: `The destination database already has tables with the same names: ${names}.`,
        fix: 'Rename the tables in the destination with object name mapping, or drop or rename the existing destination tables, or select Ignore Errors and Proceed in Processing Mode of Conflicting Tables.',
      };
    },
  };
}

/** the WHERE conditions run on the source: `validate` throws a BAD_REQUEST error for a bad one */
export function filtersCheck<Ctx extends BaseContext>(validate: (ctx: Ctx, table: TableRef, where: string) => Promise<void>): Check<Ctx> {
  return {
    key: 'source.filters',
    name: 'Check the WHERE conditions of the tables to be synchronized',
    sides: ['source'],
    when: (i) => dataSync(i) && i.mappings.some((m) => m.where),
    async run(ctx) {
      const problems: string[] = [];
      for (const m of ctx.input.mappings) {
        if (!m.where) continue;
        try {
          await validate(ctx, m.source, m.where);
        } catch (e) {
          if ((e as { code?: string }).code !== 'BAD_REQUEST') throw e;
          problems.push(e instanceof Error ? e.message : String(e));
        }
      }
      if (!problems.length) return pass();
      return { result: 'fail', cause: listNames(problems, 5), fix: 'Correct the WHERE conditions in the selected objects (right-click a table), then run the precheck again.' };
    },
  };
}
