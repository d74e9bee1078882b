// The one Prisma client, shared by the console, the API and the replicator.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

function create(): PrismaClient {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: start through `npm start`, or point it at the metadata PostgreSQL');
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: Number(process.env.DTS_DB_POOL ?? 10) }) });
}

/** Lazily created so that importing a module does not need a database. */
export function db(): PrismaClient {
  globalForPrisma.prisma ??= create();
  return globalForPrisma.prisma;
}

export async function disconnectDb(): Promise<void> {
  const p = globalForPrisma.prisma;
  globalForPrisma.prisma = undefined;
  if (p) await p.$disconnect();
}

export type { PrismaClient };

const UNREACHABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'DatabaseDoesNotExist', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const UNREACHABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

const PRISMA_ERRORS = new Set(['PrismaClientKnownRequestError', 'PrismaClientInitializationError', 'PrismaClientUnknownRequestError', 'DriverAdapterError']);

/**
 * True when an error from the Prisma client means the metadata database cannot be reached (down,
 * restarting, refusing connections), not that a query was wrong. The API answers these with 503.
 * Errors of customer databases (engine drivers) are never taken for it.
 */
export function isMetadataUnavailable(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return typeof name === 'string' && PRISMA_ERRORS.has(name) && unreachable(e, 0);
}

function unreachable(e: unknown, depth: number): boolean {
  if (!e || typeof e !== 'object' || depth > 4) return false;
  const x = e as { code?: unknown; kind?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown }; message?: unknown };
  if (typeof x.code === 'string' && (UNREACHABLE_CODES.has(x.code) || UNREACHABLE_ERRNOS.has(x.code) || /^(08|57P0)/.test(x.code))) return true;
  if (typeof x.kind === 'string' && UNREACHABLE_KINDS.has(x.kind)) return true;
  if (typeof x.message === 'string' && /Can't reach database server|Connection terminated|terminating connection due to administrator command|the database system is (shutting down|starting up)/i.test(x.message)) return true;
  return unreachable(x.cause, depth + 1) || unreachable(x.meta?.driverAdapterError, depth + 1);
}
