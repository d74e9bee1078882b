// Sign-in for the browser (session cookie + CSRF token), API tokens for the CLI, and users.
import { z } from 'zod';
import { createApiToken, issueApiToken, listApiTokens, revokeApiToken } from '../../services/api-tokens';
import { clearedSessionCookie, createSession, deleteSession, sessionCookie } from '../../services/sessions';
import { createUser, authenticate, listUsers, setPassword } from '../../services/users';
import { adminProcedure, protectedProcedure, publicProcedure, router } from '../trpc';

const userView = z.object({ id: z.number(), username: z.string(), role: z.enum(['admin', 'operator']) });
const tokenView = z.object({ id: z.number(), name: z.string(), prefix: z.string(), createdAt: z.date(), lastUsedAt: z.date().nullable() });
const newTokenView = tokenView.extend({ token: z.string() });
const credentials = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });
const ok = z.object({ ok: z.literal(true) });

export const authRouter = router({
  login: publicProcedure
    .input(credentials)
    .output(z.object({ user: userView, csrfToken: z.string() }))
    .mutation(async ({ input, ctx }) => {
      const user = await authenticate(input.username, input.password);
      const s = await createSession(user.id);
      ctx.resHeaders.append('Set-Cookie', sessionCookie(s.token, s.expiresAt, ctx.secure));
      return { user, csrfToken: s.csrfToken };
    }),

  logout: protectedProcedure.output(ok).mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await deleteSession(ctx.sessionToken);
    ctx.resHeaders.append('Set-Cookie', clearedSessionCookie());
    return { ok: true as const };
  }),

  me: protectedProcedure
    .output(z.object({ user: userView, via: z.enum(['session', 'token']).nullable(), csrfToken: z.string().nullable() }))
    .query(({ ctx }) => ({ user: ctx.user, via: ctx.via, csrfToken: ctx.csrfToken })),

  /** Username and password in, an API token out (shown once): how the CLI signs in. */
  issueToken: publicProcedure
    .input(credentials.extend({ name: z.string().min(1).max(100).default('cli') }))
    .output(newTokenView)
    .mutation(({ input }) => issueApiToken(input)),

  createToken: protectedProcedure
    .input(z.object({ name: z.string().min(1).max(100) }))
    .output(newTokenView)
    .mutation(({ input, ctx }) => createApiToken(ctx.user, input.name)),

  listTokens: protectedProcedure.output(z.array(tokenView)).query(({ ctx }) => listApiTokens(ctx.user)),

  revokeToken: protectedProcedure
    .input(z.object({ id: z.number().int() }))
    .output(ok)
    .mutation(({ input, ctx }) => revokeApiToken(ctx.user, input.id)),

  /** An administrator sets anyone's password; any user may set their own. */
  setPassword: protectedProcedure
    .input(z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }))
    .output(ok)
    .mutation(({ input, ctx }) => setPassword(ctx.user, input)),

  createUser: adminProcedure
    .input(credentials.extend({ role: z.enum(['admin', 'operator']).default('operator') }))
    .output(userView)
    .mutation(({ input, ctx }) => createUser(ctx.user, input)),

  listUsers: adminProcedure.output(z.array(userView.extend({ createdAt: z.date() }))).query(() => listUsers()),
});
