// A real metadata PostgreSQL, migrated, with the admin user, and the API mounted on a plain
// node:http server (the same fetch handler the Next route handlers use), behind the same request
// pipeline as production (server/api/request-pipeline.ts).
import { execFile } from 'node:child_process';
import http from 'node:http';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '../../server/api/root';
import { createAppDatabase, freePort, pgServerOf, startPgServer, type PgServer } from '../helpers/pg';

export const ADMIN_PASSWORD = 'admin-test-password-1';

export interface ApiHarness {
  url: string;
  meta: PgServer;
  dataDir: string;
  /** an API token of the admin */
  token: string;
  client(opts?: { token?: string; cookie?: string; csrf?: string }): ReturnType<typeof createTRPCClient<AppRouter>>;
  stop(): Promise<void>;
}

async function toNode(response: Response, res: http.ServerResponse): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((v, k) => {
    if (k !== 'set-cookie') res.setHeader(k, v);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader('set-cookie', cookies);
  res.end(Buffer.from(await response.arrayBuffer()));
}

/**
 * The metadata database npm start uses without DATABASE_URL: the embedded server under the data
 * directory, opened and migrated by scripts/metadata-db.ts, with a handle for its superuser.
 */
async function embeddedMeta(dataDir: string): Promise<PgServer> {
  chmodSync(dataDir, 0o755);
  process.env.DTS_EMBEDDED_PG_PORT = String(await freePort());
  delete process.env.DATABASE_URL;
  const { openMetadataDatabase } = await import('../../scripts/metadata-db');
  await openMetadataDatabase();
  const { embeddedBinDir, startLocalPostgres } = await import('../../server/pg-server');
  const superPassword = readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  // the server is running: this only gives a handle on it
  const local = await startLocalPostgres({ binDir: await embeddedBinDir(), dataDir: path.join(dataDir, 'pg'), port: Number(process.env.DTS_EMBEDDED_PG_PORT), password: superPassword, auth: 'password' });
  return pgServerOf(18, local, superPassword);
}

/** `embedded`: the metadata database is npm start's embedded one (meta.url('dts') is it) */
export async function startApi(opts: { embedded?: boolean } = {}): Promise<ApiHarness> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dts-api-'));
  process.env.DTS_SECRET_KEY = 'api-test-secret-key';
  process.env.DTS_DATA_DIR = dataDir;
  process.env.DTS_ADMIN_PASSWORD = ADMIN_PASSWORD;
  let meta: PgServer;
  if (opts.embedded) {
    meta = await embeddedMeta(dataDir);
  } else {
    meta = await startPgServer(18);
    // as in production: the metadata role owns its database and is not a superuser
    process.env.DATABASE_URL = await createAppDatabase(meta, 'dts_meta');
    const { migrate } = await import('../../server/migrate');
    await migrate();
  }
  const { ensureAdmin } = await import('../../server/services/bootstrap-admin');
  await ensureAdmin(() => undefined);
  const { handleApiRequest } = await import('../../server/api/http');
  // the request pipeline of production (security headers, body limit, client address), then the API
  const { createRequestPipeline } = await import('../../server/api/request-pipeline');
  const server = http.createServer(
    createRequestPipeline(async (req, res) => {
      try {
        const request = incomingMessageToRequest(req, res, { maxBodySize: null });
        const response = (await handleApiRequest(request)) ?? new Response('not found', { status: 404 });
        await toNode(response, res);
      } catch (e) {
        res.statusCode = 500;
        res.end(String(e));
      }
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const client: ApiHarness['client'] = (opts = {}) =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${url}/api/trpc`,
          transformer: superjson,
          headers: () => ({
            ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
            ...(opts.cookie ? { cookie: opts.cookie } : {}),
            ...(opts.csrf ? { 'x-csrf-token': opts.csrf } : {}),
          }),
        }),
      ],
    });
  const issued = await client().auth.issueToken.mutate({ username: 'admin', password: ADMIN_PASSWORD, name: 'tests' });
  return {
    url,
    meta,
    dataDir,
    token: issued.token,
    client,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const { disconnectDb } = await import('../../server/db');
      await disconnectDb();
      await meta.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The tRPC error code and field of a failed call; throws if the call succeeded. */
export async function rejection(p: Promise<unknown>): Promise<{ code: string; field: string | null; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TRPCClientError) {
      const data = (e.data ?? {}) as { code?: string; field?: string | null };
      return { code: data.code ?? 'UNKNOWN', field: data.field ?? null, message: e.message };
    }
    throw e;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A task definition pointing at a server; passwords are distinctive so leaks are easy to find. */
export function definition(overrides: Record<string, unknown> = {}, port = 5432) {
  return {
    name: 'orders sync',
    source: { engine: 'postgres' as const, host: '127.0.0.1', port, database: 'src', user: 'postgres', password: 'S3cret-source-pw' },
    destination: { engine: 'postgres' as const, host: '127.0.0.1', port, database: 'dst', user: 'postgres', password: 'S3cret-dest-pw' },
    objects: { schemas: [{ name: 'public' }] },
    ...overrides,
  };
}

export const CLI_BIN = path.resolve('bin/dts');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json: () => Record<string, unknown> & { id?: string };
}

/** Runs the dts CLI against the harness's API with its admin token (unless env overrides it). */
export function runCli(api: ApiHarness, args: string[], opts: { cwd: string; env?: Record<string, string>; bin?: string }): Promise<CliRun> {
  return new Promise((resolve) => {
    const env = { ...process.env, DTS_URL: api.url, DTS_TOKEN: api.token, ...opts.env };
    execFile(opts.bin ?? CLI_BIN, args, { cwd: opts.cwd, env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
}

/** Writes `value` as JSON to `dir/name` and returns the path. */
export function jsonFile(dir: string, name: string, value: unknown): string {
  const p = path.join(dir, name);
  writeFileSync(p, JSON.stringify(value));
  return p;
}
