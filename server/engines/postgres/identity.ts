// Which PostgreSQL cluster and database a connection reaches (see ServerIdentity).
import type { ConnectionConfig, ServerIdentity } from '../types';
import { withClient } from './connect';

/** the same query answers for the metadata database (server/metadata-guard.ts) */
export const IDENTITY_SQL = `SELECT extract(epoch FROM pg_postmaster_start_time())::text AS started_at, current_database()::text AS database,
  (SELECT oid::text FROM pg_database WHERE datname = current_database()) AS database_oid`;
export const SYSTEM_ID_SQL = 'SELECT system_identifier::text AS system_id FROM pg_control_system()';

export async function serverIdentity(cfg: ConnectionConfig): Promise<ServerIdentity> {
  return withClient(cfg, async (c) => {
    const r = (await c.query<{ started_at: string; database: string; database_oid: string }>(IDENTITY_SQL)).rows[0];
    // pg_control_system() is readable by every role unless an administrator revoked it
    const systemId = await c.query<{ system_id: string }>(SYSTEM_ID_SQL).then((x) => x.rows[0].system_id, () => null);
    return { systemId, startedAt: r.started_at, database: r.database, databaseOid: r.database_oid };
  }, { applicationName: 'dts-identity', statementTimeoutMs: 10_000 });
}
