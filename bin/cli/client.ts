// The tRPC client the CLI talks through, with the API token as a Bearer header.
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '../../server/api/root';

export type Client = ReturnType<typeof createTRPCClient<AppRouter>>;

export function baseUrl(): string {
  const url = process.env.DTS_URL ?? 'http://localhost:3000';
  // trailing slashes off, in one pass (a /\/+$/ replace is quadratic on a long run of slashes)
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}

export function createClient(token: string | undefined = process.env.DTS_TOKEN): Client {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl()}/api/trpc`,
        transformer: superjson,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly details: Record<string, unknown> = {},
    /** printed on stdout as JSON, like a successful result */
    readonly output?: unknown,
  ) {
    super(message);
  }
}

/** The innermost cause of a network error, e.g. "connect ECONNREFUSED 127.0.0.1:3000". */
function rootCause(e: unknown): string {
  let cur: unknown = e;
  let last = 'fetch failed';
  for (let i = 0; i < 10 && cur instanceof Error; i++) {
    last = cur.message || (cur as { code?: string }).code || last;
    cur = cur.cause;
  }
  if (cur && typeof cur === 'object' && 'message' in cur) last = String((cur as { message: unknown }).message);
  return last;
}

/** What the CLI prints for an error: the API's message, its code and the field at fault. */
export function describeError(e: unknown): { message: string; exitCode: number; details: Record<string, unknown>; output?: unknown } {
  if (e instanceof CliError) return { message: e.message, exitCode: e.exitCode, details: e.details, output: e.output };
  if (e instanceof TRPCClientError) {
    const data = (e.data ?? {}) as { code?: string; field?: string | null; httpStatus?: number };
    const message = e.message === 'fetch failed' ? `cannot reach ${baseUrl()}: ${rootCause(e)}` : e.message;
    return { message, exitCode: 1, details: { code: data.code ?? null, field: data.field ?? null } };
  }
  return { message: e instanceof Error ? e.message : String(e), exitCode: 1, details: {} };
}
