// Endpoint rows <-> engine ConnectionConfigs. Passwords are decrypted here, just before use,
// and never leave the server.
import type { Endpoint } from '../generated/prisma/client';
import { hostProblem } from '../domain/endpoint-host';
import type { ConnectionConfig } from '../engines/types';
import { decryptSecret, encryptSecret } from '../crypto';
import { badRequest } from '../errors';
import type { EndpointInput } from './task-config';

export type EndpointSide = 'source' | 'destination';

export function endpointOptions(input: Pick<EndpointInput, 'ssl'>): { ssl?: EndpointInput['ssl'] } {
  return input.ssl ? { ssl: input.ssl } : {};
}

/** the address and account of an endpoint, the fields every form of it shares */
function address(e: Pick<EndpointInput, 'engine' | 'host' | 'port' | 'database' | 'user'>) {
  return { engine: e.engine, host: e.host, port: e.port, database: e.database, user: e.user };
}

/**
 * Refuses a host that is not a TCP host name or address, naming the field (`source.host`). Typed-in
 * endpoints are checked by their schema already; this also holds for rows stored before the check
 * existed, and for every connection made from them.
 */
export function assertTcpHost(host: string, side: EndpointSide): void {
  const problem = hostProblem(host);
  if (problem) throw badRequest(`${side}.host: ${problem}`, `${side}.host`);
}

/** The columns of an Endpoint row for an endpoint definition, with the password encrypted. */
export function endpointData(input: EndpointInput) {
  return {
    ...address(input),
    passwordEnc: encryptSecret(input.password),
    options: endpointOptions(input),
  };
}

export function inputToConnection(input: EndpointInput, side: EndpointSide, connectTimeoutMs = 10_000): ConnectionConfig {
  assertTcpHost(input.host, side);
  return {
    ...address(input),
    password: input.password,
    ...(input.ssl ? { ssl: input.ssl } : {}),
    connectTimeoutMs,
  };
}

export function endpointToConnection(e: Endpoint, side: EndpointSide, connectTimeoutMs = 10_000): ConnectionConfig {
  assertTcpHost(e.host, side);
  const options = (e.options ?? {}) as { ssl?: ConnectionConfig['ssl']; sslRootCert?: string };
  return {
    ...address(e),
    password: decryptSecret(e.passwordEnc),
    ...(options.ssl ? { ssl: options.ssl } : {}),
    ...(options.sslRootCert ? { sslRootCert: options.sslRootCert } : {}),
    connectTimeoutMs,
  };
}

export function describeEndpoint(side: EndpointSide, c: Pick<ConnectionConfig, 'host' | 'port' | 'database'>): string {
  return `${side === 'source' ? 'Source' : 'Destination'} database ${c.host}:${c.port}/${c.database}`;
}
