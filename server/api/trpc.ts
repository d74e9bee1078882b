// tRPC setup: the request context (who is calling, and how), the procedures every router
// builds on, and the ONE place that maps service errors (AppError) to tRPC error codes.
import { timingSafeEqual } from 'node:crypto';
import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import superjson from 'superjson';
import { AppError, type AppErrorCode } from '../errors';
import { resolveApiToken } from '../services/api-tokens';
import type { AuthUser } from '../services/auth-user';
import { CSRF_HEADER, SESSION_COOKIE, readCookie, resolveSession } from '../services/sessions';
import { issuePath } from '../services/validate';

export interface Context {
  user: AuthUser | null;
  /** how the caller authenticated: a browser session cookie or an API token */
  via: 'session' | 'token' | null;
  sessionToken: string | null;
  /** the session's CSRF token, which cookie-authenticated mutations must echo */
  csrfToken: string | null;
  headers: Headers;
  /** response headers, for Set-Cookie */
  resHeaders: Headers;
  secure: boolean;
}

export async function createContext(opts: { req: Request; resHeaders: Headers }): Promise<Context> {
  const { req, resHeaders } = opts;
  const base = { headers: req.headers, resHeaders, secure: new URL(req.url).protocol === 'https:', sessionToken: null, csrfToken: null };
  const auth = req.headers.get('authorization');
  if (auth) {
    const m = auth.match(/^Bearer\s+(\S+)$/i);
    const user = m ? await resolveApiToken(m[1]) : null;
    return { ...base, user, via: user ? 'token' : null };
  }
  const token = readCookie(req.headers.get('cookie'), SESSION_COOKIE);
  if (token) {
    const s = await resolveSession(token);
    if (s) return { ...base, user: s.user, via: 'session', sessionToken: token, csrfToken: s.csrfToken };
  }
  return { ...base, user: null, via: null };
}

const CODE_MAP: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHORIZED: 'UNAUTHORIZED',
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
};

interface Issue {
  path: ReadonlyArray<PropertyKey>;
  message: string;
}

function zodIssues(cause: unknown): Issue[] | null {
  if (cause && typeof cause === 'object' && 'issues' in cause && Array.isArray((cause as { issues: unknown }).issues)) {
    return (cause as { issues: Issue[] }).issues;
  }
  return null;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  isDev: false,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    let field: string | null = null;
    let message = shape.message;
    const issues = zodIssues(cause);
    if (cause instanceof AppError) {
      field = cause.field ?? null;
    } else if (issues && issues.length) {
      field = issuePath(issues[0].path) || null;
      message = issues.map((i) => (i.path.length ? `${issuePath(i.path)}: ${i.message}` : i.message)).join('; ');
    } else if (error.code === 'INTERNAL_SERVER_ERROR') {
      message = `Internal error: ${error.message}`;
    }
    return { ...shape, message, data: { ...shape.data, field } };
  },
});

/** Service errors become tRPC errors here and nowhere else; the `field` survives in the error data. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: CODE_MAP[cause.code], message: cause.message, cause });
  }
  return result;
});

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const requireUser = t.middleware(({ ctx, type, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in, or send an API token (Authorization: Bearer <token>)' });
  if (type === 'mutation' && ctx.via === 'session') {
    const sent = ctx.headers.get(CSRF_HEADER);
    if (!sent || !ctx.csrfToken || !sameToken(sent, ctx.csrfToken)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `Missing or invalid CSRF token (send the ${CSRF_HEADER} header)` });
    }
  }
  return next({ ctx: { ...ctx, user: ctx.user } });
});

const requireAdmin = t.middleware(({ ctx, next }) => {
  if (ctx.user?.role !== 'admin') throw new TRPCError({ code: 'FORBIDDEN', message: 'Only an administrator can do this' });
  return next();
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapErrors);
export const protectedProcedure = publicProcedure.use(requireUser);
export const adminProcedure = protectedProcedure.use(requireAdmin);
