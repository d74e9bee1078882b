// The stored database passwords (Endpoint and Connection rows) as the key checks see them, and
// the start-up check of scripts/start.ts: a console or replicator whose DTS_SECRET_KEY (or
// secret.key) is not the key the passwords were saved with stops at once, saying so, instead of
// starting and failing at the first connection.
import { existsSync } from 'node:fs';
import { currentKeySource, decryptSecret, SECRET_KEY_VAR } from '../server/crypto';
import { db } from '../server/db';

export interface StoredSecret {
  table: 'Endpoint' | 'Connection';
  id: number;
  /** e.g. `Endpoint 12 (postgres 10.0.0.5:5432/shop)`, `saved connection 3 "shop source"` */
  label: string;
  passwordEnc: string;
}

const select = { id: true, engine: true, host: true, port: true, database: true, passwordEnc: true } as const;

type Row = { id: number; engine: string; host: string; port: number; database: string; passwordEnc: string };

function endpoint(e: Row): StoredSecret {
  return { table: 'Endpoint', id: e.id, label: `Endpoint ${e.id} (${e.engine} ${e.host}:${e.port}/${e.database})`, passwordEnc: e.passwordEnc };
}

function connection(c: Row & { name: string }): StoredSecret {
  return { table: 'Connection', id: c.id, label: `saved connection ${c.id} "${c.name}" (${c.engine} ${c.host}:${c.port}/${c.database})`, passwordEnc: c.passwordEnc };
}

/** the client to read through: the Prisma client, or a transaction of it */
type Reader = Pick<ReturnType<typeof db>, 'endpoint' | 'connection'>;

export async function storedSecrets(client: Reader = db()): Promise<StoredSecret[]> {
  const endpoints = await client.endpoint.findMany({ select, orderBy: { id: 'asc' } });
  const connections = await client.connection.findMany({ select: { ...select, name: true }, orderBy: { id: 'asc' } });
  return [...endpoints.map(endpoint), ...connections.map(connection)];
}

/**
 * Decrypts the newest stored password of each table with this process's key; throws the
 * SecretKeyError that names DTS_SECRET_KEY (and secret.key) when the key is not theirs.
 */
export async function checkSecretKey(): Promise<void> {
  const e = await db().endpoint.findFirst({ select, orderBy: { id: 'desc' } });
  const c = await db().connection.findFirst({ select: { ...select, name: true }, orderBy: { id: 'desc' } });
  const samples = [...(e ? [endpoint(e)] : []), ...(c ? [connection(c)] : [])];
  if (samples.length === 0) return;
  const source = currentKeySource();
  if (source.kind === 'file' && !existsSync(source.file)) {
    // a new secret.key would be generated, and none of the stored passwords would decrypt
    throw new Error(
      `${source.file} is missing (and ${SECRET_KEY_VAR} is unset), but the metadata database holds passwords saved with a key (${samples[0].label}). ` +
        `Restore secret.key from a backup of ${source.file}, or set ${SECRET_KEY_VAR} to the key the other consoles and replicators use, and start again.`,
    );
  }
  for (const s of samples) decryptSecret(s.passwordEnc, s.label);
}
