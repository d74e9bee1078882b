// tRPC setup: the request context (who is calling, how, and from where), the procedures every
// router builds on, and the ONE place that maps service errors (AppError) to tRPC error codes.
// Every mutation is audited here; a viewer may change nothing but its own account; no input
// carries a NUL or a lone surrogate; an internal error never shows the client database text.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import superjson from 'superjson';
import { isMetadataUnavailable } from '../db';
import { AppError, type AppErrorCode } from '../errors';
import { resolveApiToken } from '../services/api-tokens';
import { recordAudit, recordTaskAudit, type Actor } from '../services/audit';
import { describeMutation } from '../services/audit-describe';
import type { AuthUser } from '../services/auth-user';
import { CSRF_HEADER, SESSION_COOKIE, readCookie, resolveSession } from '../services/sessions';
import { issuePath } from '../services/validate';
import { CLIENT_ADDRESS_HEADER } from './client-address';
import { inputProblem } from './input-guard';

export interface Context {
  user: AuthUser | null;
  /** how the caller authenticated: a browser session cookie or an API token */
  via: 'session' | 'token' | null;
  sessionToken: string | null;
  /** Session.id (the token's hash) of a browser session */
  sessionId: string | null;
  /** the session's CSRF token, which cookie-authenticated mutations must echo */
  csrfToken: string | null;
  /** the API token's name, for the audit log */
  tokenName: string | null;
  /** the client's address as our HTTP server saw it (never what the client claims) */
  clientAddress: string | null;
  headers: Headers;
  /** response headers, for Set-Cookie */
  resHeaders: Headers;
  secure: boolean;
}

export interface Meta {
  /** a viewer (the read-only role) may call this mutation: it only concerns the caller's own account */
  viewerMay?: boolean;
}

const UNAVAILABLE = 'The metadata database cannot be reached right now (it is down or restarting). Try again in a moment.';

export async function createContext(opts: { req: Request; resHeaders: Headers }): Promise<Context> {
  const { req, resHeaders } = opts;
  const base = {
    headers: req.headers,
    resHeaders,
    secure: new URL(req.url).protocol === 'https:',
    sessionToken: null,
    sessionId: null,
    csrfToken: null,
    tokenName: null,
    clientAddress: req.headers.get(CLIENT_ADDRESS_HEADER)?.slice(0, 100) || null,
  };
  try {
    const auth = req.headers.get('authorization');
    if (auth) {
      const m = auth.match(/^Bearer\s+(\S+)$/i);
      const t = m ? await resolveApiToken(m[1]) : null;
      return { ...base, user: t?.user ?? null, via: t ? 'token' : null, tokenName: t?.tokenName ?? null };
    }
    const token = readCookie(req.headers.get('cookie'), SESSION_COOKIE);
    if (token) {
      const s = await resolveSession(token);
      if (s) return { ...base, user: s.user, via: 'session', sessionToken: token, sessionId: s.id, csrfToken: s.csrfToken };
    }
  } catch (e) {
    if (isMetadataUnavailable(e)) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: UNAVAILABLE, cause: e });
    throw e;
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
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
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

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    isDev: false,
    errorFormatter({ shape, error, path }) {
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
        // the text of a database or driver error stays in the log, under a reference the operator can quote
        const ref = randomBytes(4).toString('hex');
        console.error(`internal error ${ref} in ${path ?? '?'}: ${error.stack ?? error.message}${cause instanceof Error && cause !== error ? `\ncaused by: ${cause.stack ?? cause.message}` : ''}`);
        message = `Internal error (reference ${ref}). The details are in the console's log.`;
      }
      return { ...shape, message, data: { ...shape.data, field, stack: undefined } };
    },
  });

/** Service errors become tRPC errors here and nowhere else; the `field` survives in the error data. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: CODE_MAP[cause.code], message: cause.message, cause });
  }
  if (!result.ok && (isMetadataUnavailable(result.error.cause) || isMetadataUnavailable(result.error))) {
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: UNAVAILABLE, cause: result.error });
  }
  return result;
});

/** refuses NUL characters, lone surrogates and absurd nesting anywhere in the input, naming the field */
const guardInput = t.middleware(async ({ getRawInput, next }) => {
  const problem = inputProblem(await getRawInput());
  if (problem) throw new AppError('BAD_REQUEST', problem.field ? `${problem.field}: ${problem.message}` : `The input ${problem.message}`, problem.field || undefined);
  return next();
});

function outcomeOf(error: TRPCError): string {
  return error.cause instanceof AppError ? error.cause.code : error.code;
}

const SIGN_IN = new Set(['auth.login', 'auth.issueToken']);

/**
 * Every mutation of a signed-in caller, and every sign-in, is written to the audit log with its
 * outcome; a successful one about a task also goes into the task's events.
 */
const audit = t.middleware(async ({ ctx, type, path, getRawInput, next }) => {
  const result = await next();
  if (type !== 'mutation' || (!ctx.user && !SIGN_IN.has(path))) return result;
  try {
    const raw = await getRawInput().catch(() => undefined);
    const output = result.ok ? result.data : undefined;
    const d = describeMutation(path, raw, output);
    // a sign-in's user is known once it succeeded
    const signedIn = SIGN_IN.has(path) && result.ok ? ((output as { user?: AuthUser } | undefined)?.user ?? null) : null;
    const actor: Actor = { user: ctx.user ?? signedIn, via: ctx.via, tokenName: ctx.tokenName, clientAddress: ctx.clientAddress };
    const tried = typeof (raw as { username?: unknown } | undefined)?.username === 'string' ? (raw as { username: string }).username.trim().toLowerCase() : undefined;
    await recordAudit({
      actor,
      username: tried,
      action: path,
      taskId: d.taskId,
      target: d.target,
      outcome: result.ok ? 'ok' : outcomeOf(result.error),
      message: result.ok ? null : result.error.message,
    });
    if (result.ok && d.taskId && d.taskEvent) await recordTaskAudit(d.taskId, d.taskEvent, actor);
    if (result.ok && d.otherTask) await recordTaskAudit(d.otherTask.id, d.otherTask.event, actor);
  } catch (e) {
    console.error(`audit of ${path} could not be written: ${e instanceof Error ? e.message : String(e)}`);
  }
  return result;
});

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const READ_ONLY_MESSAGE = 'Your role is viewer (read-only): it can see everything and change nothing. Ask an administrator for the operator role.';

const requireUser = t.middleware(({ ctx, type, meta, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in, or send an API token (Authorization: Bearer <token>)' });
  if (type === 'mutation' && ctx.via === 'session') {
    const sent = ctx.headers.get(CSRF_HEADER);
    if (!sent || !ctx.csrfToken || !sameToken(sent, ctx.csrfToken)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `Missing or invalid CSRF token (send the ${CSRF_HEADER} header)` });
    }
  }
  if (type === 'mutation' && ctx.user.role === 'viewer' && !meta?.viewerMay) throw new TRPCError({ code: 'FORBIDDEN', message: READ_ONLY_MESSAGE });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

const requireAdmin = t.middleware(({ ctx, next }) => {
  if (ctx.user?.role !== 'admin') throw new TRPCError({ code: 'FORBIDDEN', message: 'Only an administrator can do this' });
  return next();
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapErrors).use(audit).use(guardInput);
/** signed in; a viewer may call its queries, and only mutations marked `viewerMay` */
export const protectedProcedure = publicProcedure.use(requireUser);
export const adminProcedure = protectedProcedure.use(requireAdmin);
/** a signed-in user's own account (password, tokens, sign-out): viewers too */
export const accountProcedure = protectedProcedure.meta({ viewerMay: true });
