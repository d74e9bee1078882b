// Runs an engine's precheck items. Items are yielded as they complete, so the console shows them
// one by one. One connection to each side, closed at the end. When a side cannot be reached, its
// connectivity item fails and every item that needs that side fails with the cause
// "Skipped: ..." so the operator sees why it did not run; a connection lost during an item does
// the same for the items after it. Engine-neutral: the engine opens, describes and closes.
import type { ConnectionConfig, PrecheckInput, PrecheckItem } from '../types';
import { SIDE, type Check, type PrecheckContext, type Side } from './precheck-util';

/** one side after its connectivity item: the connection and version, or why it is down */
export interface OpenedSide<C, V> {
  conn: C | null;
  version: V | null;
  down: string | null;
}

export interface PrecheckDriver<C, V> {
  /** connects and reads the version (closing the connection itself when that fails) */
  open(side: Side, cfg: ConnectionConfig): Promise<{ conn: C; version: V }>;
  /** the connectivity item's cause and fix, and the reason the other items quote */
  describeFailure(e: unknown, cfg: ConnectionConfig): { cause: string; fix: string; reason: string };
  /** the version the checks see for a side that could not be connected */
  unknownVersion: V;
  /** true when the error means the connection is gone */
  isConnectionError(e: unknown): boolean;
  /** closes a connection; must not throw */
  close(conn: C): Promise<void>;
  checks: Check<PrecheckContext<C, V>>[];
}

async function openSide<C, V>(driver: PrecheckDriver<C, V>, side: Side, cfg: ConnectionConfig): Promise<{ item: PrecheckItem; opened: OpenedSide<C, V> }> {
  const key = `${side}.connectivity`;
  const name = `${SIDE[side].title} Database Connectivity`;
  try {
    const { conn, version } = await driver.open(side, cfg);
    return { item: { key, name, result: 'pass' }, opened: { conn, version, down: null } };
  } catch (e) {
    const d = driver.describeFailure(e, cfg);
    return {
      item: { key, name, result: 'fail', cause: d.cause, fix: d.fix },
      opened: { conn: null, version: null, down: `Skipped: the ${SIDE[side].label} database could not be connected (${d.reason}); see ${name}.` },
    };
  }
}

/** the items runPrecheck will yield for this input, in order, before any of them runs */
export function plannedItems<C, V>(input: PrecheckInput, driver: PrecheckDriver<C, V>): { key: string; name: string }[] {
  return [
    ...(['source', 'target'] as const).map((side) => ({ key: `${side}.connectivity`, name: `${SIDE[side].title} Database Connectivity` })),
    ...driver.checks.filter((c) => c.when(input)).map((c) => ({ key: c.key, name: c.name })),
  ];
}

export async function* runPrecheck<C, V>(input: PrecheckInput, driver: PrecheckDriver<C, V>): AsyncGenerator<PrecheckItem> {
  const opened: Partial<Record<Side, OpenedSide<C, V>>> = {};
  try {
    const [src, tgt] = await Promise.all([openSide(driver, 'source', input.source), openSide(driver, 'target', input.target)]);
    opened.source = src.opened;
    opened.target = tgt.opened;
    yield src.item;
    yield tgt.item;
    const ctx: PrecheckContext<C, V> = {
      input,
      source: src.opened.conn as C,
      target: tgt.opened.conn as C,
      sourceVersion: src.opened.version ?? driver.unknownVersion,
      targetVersion: tgt.opened.version ?? driver.unknownVersion,
      sourceUser: input.source.user,
      targetUser: input.target.user,
    };
    for (const check of driver.checks) {
      if (!check.when(input)) continue;
      const down = check.sides.map((s) => opened[s]?.down).find(Boolean);
      if (down) {
        yield { key: check.key, name: check.name, result: 'fail', cause: down, fix: 'Fix the connection problem, then run the precheck again.' };
        continue;
      }
      try {
        yield { key: check.key, name: check.name, ...(await check.run(ctx)) };
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (driver.isConnectionError(e)) {
          // the connection dropped: later items on that side cannot run either
          for (const s of check.sides) {
            const o = opened[s];
            if (o) o.down = `Skipped: the connection to the ${SIDE[s].label} database was lost (${msg}).`;
          }
        }
        yield { key: check.key, name: check.name, result: 'fail', cause: `The check could not run: ${msg}`, fix: 'Fix the cause and run the precheck again.' };
      }
    }
  } finally {
    await Promise.all(Object.values(opened).map((o) => (o?.conn ? driver.close(o.conn) : undefined)));
  }
}
