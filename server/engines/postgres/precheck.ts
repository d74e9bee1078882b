// Precheck for PostgreSQL -> PostgreSQL tasks. Items are yielded as they complete, so the
// console shows them one by one. One connection to each side, closed at the end. When a side
// cannot be reached, its connectivity item fails and every item that needs that side fails
// with the cause "Skipped: ..." so the operator sees why it did not run.
import type pg from 'pg';
import type { ConnectionConfig, PrecheckInput, PrecheckItem, Prechecker } from '../types';
import { connect, describeConnectError, isConnectionError } from './connect';
import { serverVersionNum } from './introspect';
import { sourceChecks } from './precheck-source';
import { targetChecks } from './precheck-target';
import type { Check, CheckContext } from './precheck-util';

type Side = 'source' | 'target';
const SIDE: Record<Side, { label: string; title: string }> = {
  source: { label: 'source', title: 'Source' },
  target: { label: 'destination', title: 'Destination' },
};

interface Opened {
  client: pg.Client | null;
  version: number;
  versionText: string;
  down: string | null;
}

async function open(side: Side, cfg: ConnectionConfig): Promise<{ item: PrecheckItem; opened: Opened }> {
  const key = `${side}.connectivity`;
  const name = `${SIDE[side].title} Database Connectivity`;
  let client: pg.Client | null = null;
  try {
    client = await connect(cfg, { applicationName: 'dts-precheck', statementTimeoutMs: 60_000 });
    const v = await serverVersionNum(client);
    return { item: { key, name, result: 'pass' }, opened: { client, version: v.num, versionText: v.text, down: null } };
  } catch (e) {
    await client?.end().catch(() => undefined);
    const d = describeConnectError(e, cfg);
    const fix =
      d.kind === 'auth'
        ? 'Check the Database Account and Database Password, and that pg_hba.conf allows this account to log in from DTS.'
        : d.kind === 'database'
          ? 'Check the Database Name.'
          : 'Check the host and port, that the server is running, and that its firewall and pg_hba.conf allow connections from DTS.';
    const reason = d.kind === 'auth' ? 'the password was not accepted' : d.kind === 'database' ? 'the database does not exist' : 'it cannot be reached';
    return {
      item: { key, name, result: 'fail', cause: d.error ?? 'The connection failed.', fix },
      opened: { client: null, version: 0, versionText: '', down: `Skipped: the ${SIDE[side].label} database could not be connected (${reason}); see ${name}.` },
    };
  }
}

function versionCheck(side: Side): Check {
  return {
    key: `${side}.version`,
    name: `Check the version of the ${SIDE[side].label} database`,
    sides: [side],
    when: () => true,
    async run(ctx) {
      const v = side === 'source' ? ctx.sourceVersion : ctx.targetVersion;
      if (v >= 100000) return { result: 'pass' };
      return {
        result: 'fail',
        cause: `The ${SIDE[side].label} runs PostgreSQL ${Math.floor(v / 10000)}; DTS needs PostgreSQL 10 or later (logical replication with pgoutput, identity columns).`,
        fix: `Upgrade the ${SIDE[side].label} database to PostgreSQL 10 or later.`,
      };
    },
  };
}

const CHECKS: Check[] = [versionCheck('source'), versionCheck('target'), ...sourceChecks, ...targetChecks];

async function* precheck(input: PrecheckInput): AsyncGenerator<PrecheckItem> {
  const opened: Partial<Record<Side, Opened>> = {};
  try {
    const [src, tgt] = await Promise.all([open('source', input.source), open('target', input.target)]);
    opened.source = src.opened;
    opened.target = tgt.opened;
    yield src.item;
    yield tgt.item;
    const ctx: CheckContext = {
      input,
      source: src.opened.client as pg.Client,
      target: tgt.opened.client as pg.Client,
      sourceVersion: src.opened.version,
      targetVersion: tgt.opened.version,
      sourceUser: input.source.user,
      targetUser: input.target.user,
    };
    for (const check of CHECKS) {
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
        if (isConnectionError(e)) {
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
    await Promise.all(Object.values(opened).map((o) => o?.client?.end().catch(() => undefined)));
  }
}

export const prechecker: Prechecker = { precheck };
