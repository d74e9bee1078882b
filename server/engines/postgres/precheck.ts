// Precheck for PostgreSQL -> PostgreSQL tasks, run by the shared precheck runner: items are
// yielded as they complete, one connection to each side, closed at the end. When a side cannot
// be reached, its connectivity item fails and every item that needs that side fails with the
// cause "Skipped: ..." so the operator sees why it did not run.
import type pg from 'pg';
import type { ConnectionConfig, PrecheckInput, Prechecker } from '../types';
import { plannedItems, runPrecheck, type PrecheckDriver } from '../shared/precheck-runner';
import { versionCheck, type Side } from '../shared/precheck-util';
import { connect, describeConnectError, isConnectionError } from './connect';
import { serverVersionNum } from './introspect';
import { sourceHelperCheck, targetHelperCheck } from './precheck-helpers';
import { sourceChecks } from './precheck-source';
import { targetChecks } from './precheck-target';
import type { Check, CheckContext } from './precheck-util';

async function open(_side: Side, cfg: ConnectionConfig): Promise<{ conn: pg.Client; version: number }> {
  let client: pg.Client | null = null;
  try {
    client = await connect(cfg, { applicationName: 'dts-precheck', statementTimeoutMs: 60_000 });
    const v = await serverVersionNum(client);
    return { conn: client, version: v.num };
  } catch (e) {
    await client?.end().catch(() => undefined);
    throw e;
  }
}

function describeFailure(e: unknown, cfg: ConnectionConfig): { cause: string; fix: string; reason: string } {
  const d = describeConnectError(e, cfg);
  const fix =
    d.kind === 'auth'
      ? 'Check the Database Account and Database Password, and that pg_hba.conf allows this account to log in from DTS.'
      : d.kind === 'database'
        ? 'Check the Database Name.'
        : 'Check the host and port, that the server is running, and that its firewall and pg_hba.conf allow connections from DTS.';
  const reason = d.kind === 'auth' ? 'the password was not accepted' : d.kind === 'database' ? 'the database does not exist' : 'it cannot be reached';
  return { cause: d.error ?? 'The connection failed.', fix, reason };
}

function pgVersionCheck(side: Side): Check {
  return versionCheck<CheckContext>(side, (ctx, label) => {
    const v = side === 'source' ? ctx.sourceVersion : ctx.targetVersion;
    if (v >= 100000) return null;
    return {
      result: 'fail',
      cause: `The ${label} runs PostgreSQL ${Math.floor(v / 10000)}; DTS needs PostgreSQL 10 or later (logical replication with pgoutput, identity columns).`,
      fix: `Upgrade the ${label} database to PostgreSQL 10 or later.`,
    };
  });
}

const driver: PrecheckDriver<pg.Client, number> = {
  open,
  describeFailure,
  unknownVersion: 0,
  isConnectionError,
  close: (client) => client.end().catch(() => undefined),
  checks: [pgVersionCheck('source'), pgVersionCheck('target'), ...sourceChecks, sourceHelperCheck, ...targetChecks, targetHelperCheck],
};

export const prechecker: Prechecker = { precheck: (input: PrecheckInput) => runPrecheck(input, driver), planned: (input: PrecheckInput) => plannedItems(input, driver) };
