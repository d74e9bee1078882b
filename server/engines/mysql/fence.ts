// The write fence of a planned switchover on a MySQL or MariaDB source: SET GLOBAL read_only = ON.
// It waits for open write transactions to finish and then refuses writes of every session
// without the privilege to bypass it (MariaDB: READ_ONLY ADMIN, included in SUPER up to 10.11;
// MySQL: CONNECTION_ADMIN or SUPER). An account that may set read_only may also write through it,
// so DTS's heartbeat and a reverse task writing here with that account go on. The switchover
// also checks that no change arrives after the fence (services/failover.ts).
import type { ConnectionConfig, FenceCheck, FenceResult, WriteFence } from '../types';
import { currentPosition } from './capture';
import { rows, withConnection, type MyConnection } from './connect';
import { grantee, readGrants } from './precheck-util';
import { comparePos } from './types';

const errno = (e: unknown) => (e as { errno?: number }).errno;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
/** ER_SPECIFIC_ACCESS_DENIED_ERROR, ER_ACCESS_DENIED_ERROR, ER_DBACCESS_DENIED_ERROR */
const DENIED = new Set([1227, 1045, 1044]);

const readOnlyOn = async (c: MyConnection): Promise<boolean> => Number((await rows<{ ro: number | string }>(c, 'SELECT @@GLOBAL.read_only AS ro'))[0]?.ro) === 1;

async function readOnly(cfg: ConnectionConfig): Promise<boolean> {
  return withConnection(cfg, readOnlyOn);
}

/** SET GLOBAL read_only needs SUPER, or READ_ONLY ADMIN (MariaDB 10.5.2+), or SYSTEM_VARIABLES_ADMIN (MySQL 8) */
const MAY_SET_READ_ONLY = ['SUPER', 'READ_ONLY ADMIN', 'SYSTEM_VARIABLES_ADMIN'];

async function check(cfg: ConnectionConfig): Promise<FenceCheck> {
  return withConnection(cfg, async (c) => {
    const grants = await readGrants(c);
    if (MAY_SET_READ_ONLY.some((p) => grants.has(p, null))) return { mayLift: true, problem: null, manual: [], notes: [] };
    if (await readOnlyOn(c)) return { mayLift: false, problem: null, manual: [], notes: [] };
    return {
      mayLift: false,
      problem: `the source account ${await grantee(c)} may not set read_only: it needs SUPER (MariaDB: READ_ONLY ADMIN; MySQL 8: SYSTEM_VARIABLES_ADMIN), granted ON *.*`,
      manual: ['SET GLOBAL read_only = ON'],
      notes: [],
    };
  });
}

async function raise(cfg: ConnectionConfig): Promise<FenceResult> {
  const set = 'SET GLOBAL read_only = ON';
  if (await readOnly(cfg)) return { raised: true, by: 'operator', done: ['the server already has read_only = ON'], manual: [] };
  try {
    await withConnection(cfg, (c) => c.query(set));
  } catch (e) {
    if (!DENIED.has(errno(e) ?? 0)) throw e;
    return {
      raised: false,
      by: null,
      done: [],
      problem: `the source account may not set read_only (${message(e)}): it needs SUPER (MariaDB: READ_ONLY ADMIN), which also lets DTS write through the fence`,
      manual: [set],
    };
  }
  return { raised: true, by: 'dts', done: [`${set} (writes of accounts without READ_ONLY ADMIN or SUPER are refused)`], manual: [] };
}

async function lift(cfg: ConnectionConfig): Promise<string> {
  const reset = 'SET GLOBAL read_only = OFF';
  if (!(await readOnly(cfg))) return 'the server is not read-only';
  try {
    await withConnection(cfg, (c) => c.query(reset));
    return `${reset} (applications may write)`;
  } catch (e) {
    if (!DENIED.has(errno(e) ?? 0)) throw e;
    return `the source account may not lift the fence (${message(e)}): run ${reset}`;
  }
}

export const writeFence: WriteFence = {
  check,
  isRaised: readOnly,
  raise,
  lift,
  position: (cfg) => withConnection(cfg, currentPosition),
  reached: (applied, wanted) => comparePos(applied, wanted) >= 0,
};
