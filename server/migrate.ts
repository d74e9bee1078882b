// Applies prisma/migrations/<name>/migration.sql in name order, each once, under an advisory
// lock so that several processes starting together do not race. (`prisma migrate deploy`
// needs a native engine that cannot be installed here; the SQL comes from `prisma migrate diff`.)
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { db } from './db';

const LOCK_ID = 7_465_001;

export async function migrate(dir = path.resolve('prisma/migrations')): Promise<string[]> {
  const names = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  const applied: string[] = [];
  await db().$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${LOCK_ID})`);
      await tx.$executeRawUnsafe(
        'CREATE TABLE IF NOT EXISTS "_dts_migrations" (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = new Set((await tx.$queryRawUnsafe<{ name: string }[]>('SELECT name FROM "_dts_migrations"')).map((r) => r.name));
      for (const name of names) {
        if (done.has(name)) continue;
        const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
        for (const stmt of splitStatements(sql)) await tx.$executeRawUnsafe(stmt);
        await tx.$executeRawUnsafe('INSERT INTO "_dts_migrations"(name) VALUES ($1)', name);
        applied.push(name);
      }
    },
    { timeout: 120_000 },
  );
  return applied;
}

/** Splits the SQL that `prisma migrate diff` prints: statements end with ";" at a line end. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let cur = '';
  let dollar = false;
  for (const line of sql.split('\n')) {
    if (!cur && (line.trim() === '' || line.trim().startsWith('--'))) continue;
    cur += `${line}\n`;
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) dollar = !dollar;
    if (!dollar && line.trimEnd().endsWith(';')) {
      out.push(cur.trim());
      cur = '';
    }
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
