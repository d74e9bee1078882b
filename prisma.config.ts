// Used only by `npm run db:diff` (scripts/prisma-generate.mjs) to produce migration SQL offline.
// Prisma's schema engine runs as WASM and talks to PostgreSQL through the pg adapter.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  engine: 'js',
  experimental: { adapter: true },
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL ?? '' }),
});
