// No task may reach the DTS metadata database, however it is addressed: another host name, an
// address of the same machine, a port forward. Before a connectivity test, an introspection, a
// precheck, a run or a failover uses an endpoint, the server and database it reaches are compared
// with the metadata database's own (cluster system identifier, or server start time, and the
// database). Used by the services and the pipeline alike.
import { db } from './db';
import { AppError } from './errors';
import type { ConnectionConfig, EngineModule, ServerIdentity } from './engines/types';

let own: Promise<ServerIdentity> | null = null;

/** the metadata database's identity, read once per process */
export function metadataIdentity(): Promise<ServerIdentity> {
  own ??= (async () => {
    const rows = await db().$queryRawUnsafe<Array<{ started_at: string; database: string; database_oid: string; system_id: string | null }>>(
      `SELECT extract(epoch FROM pg_postmaster_start_time())::text AS started_at, current_database()::text AS database,
              (SELECT oid::text FROM pg_database WHERE datname = current_database()) AS database_oid,
              (SELECT system_identifier::text FROM pg_control_system()) AS system_id`,
    );
    const r = rows[0];
    return { systemId: r.system_id, startedAt: r.started_at, database: r.database, databaseOid: r.database_oid };
  })().catch((e: unknown) => {
    own = null;
    throw e;
  });
  return own;
}

/** the same server (by system id when both are known, else by start time) and the same database */
export function sameDatabase(a: ServerIdentity, b: ServerIdentity): boolean {
  const sameServer = a.systemId && b.systemId ? a.systemId === b.systemId : a.startedAt === b.startedAt;
  return sameServer && a.database === b.database && a.databaseOid === b.databaseOid;
}

export class MetadataEndpointError extends AppError {
  constructor(side: string, cfg: Pick<ConnectionConfig, 'host' | 'port' | 'database'>) {
    super(
      'FORBIDDEN',
      `${side}.host: refused: ${cfg.host}:${cfg.port}/${cfg.database} is the DTS metadata database itself (the same server and database, under another address). A task can never read or write the metadata database; choose a customer database.`,
      `${side}.host`,
    );
    this.name = 'MetadataEndpointError';
  }
}

/**
 * Throws MetadataEndpointError when `cfg` reaches the metadata database. When the endpoint cannot
 * be reached or logged in to, it returns: the operation that follows fails with its own, clearer
 * message, and nothing was read or written.
 */
export async function refuseMetadataDatabase(engine: EngineModule, cfg: ConnectionConfig, side: string): Promise<void> {
  if (!engine.serverIdentity) return; // an engine the metadata database cannot be (MySQL)
  let theirs: ServerIdentity;
  try {
    theirs = await engine.serverIdentity(cfg);
  } catch {
    return;
  }
  if (sameDatabase(theirs, await metadataIdentity())) throw new MetadataEndpointError(side, cfg);
}
