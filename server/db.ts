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
