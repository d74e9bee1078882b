// npm run db:diff -- <name>: writes prisma/migrations/<NNNN_name>/migration.sql, the SQL from the
// schema of the last migration (prisma/migrations/schema.snapshot.prisma) to prisma/schema.prisma.
// Prisma's WASM schema engine needs a PostgreSQL to talk to; a throwaway embedded one serves.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { embeddedBinDir, startLocalPostgres } from '../server/pg-server';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:diff -- <snake_case_name>');
  process.exit(2);
}
const dir = path.resolve('prisma/migrations');
const snapshot = path.join(dir, 'schema.snapshot.prisma');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'dts-diff-'));
chmodSync(tmp, 0o755);
const pg = await startLocalPostgres({ binDir: await embeddedBinDir(), dataDir: path.join(tmp, 'data'), port: 54399, password: 'diff' });
try {
  const from = existsSync(snapshot) ? ['--from-schema-datamodel', snapshot] : ['--from-empty'];
  const r = spawnSync(process.execPath, ['scripts/prisma-generate.mjs', 'migrate', 'diff', ...from, '--to-schema-datamodel', 'prisma/schema.prisma', '--script'], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: pg.url() },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  if (!r.stdout.trim() || r.stdout.includes('This is an empty migration')) {
    console.log('no schema change');
  } else {
    const n = readdirSync(dir).filter((d) => /^\d{4}_/.test(d)).length + 1;
    const out = path.join(dir, `${String(n).padStart(4, '0')}_${name}`);
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'migration.sql'), r.stdout);
    copyFileSync('prisma/schema.prisma', snapshot);
    console.log(`wrote ${out}/migration.sql`);
  }
} finally {
  await pg.stop('immediate');
  rmSync(tmp, { recursive: true, force: true });
}
