// Sign-in for the browser (session cookie + CSRF token), API tokens for the CLI, and users.
import { z } from 'zod';
import { rowId } from '../../services/validate';
import { createApiToken, issueApiToken, listApiTokens, MAX_TOKEN_DAYS, revokeApiToken } from '../../services/api-tokens';
import { recordAudit } from '../../services/audit';
import { permissionsOf, ROLES } from '../../services/auth-user';
import { clearedSessionCookie, createSession, deleteSession, sessionCookie } from '../../services/sessions';
import { newUsername, signInName } from '../../services/usernames';
import { createUser, authenticate, listUsers, setPassword, setUserDisabled } from '../../services/users';
import { accountProcedure, adminProcedure, protectedProcedure, publicProcedure, router, type Context } from '../trpc';

const role = z.enum(ROLES as ['admin', 'operator', 'viewer']);
const userView = z.object({ id: z.number(), username: z.string(), role });
const adminUserView = userView.extend({ createdAt: z.date(), disabled: z.boolean() });
const tokenView = z.object({
  id: z.number(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
  username: z.string(),
});
const newTokenView = tokenView.extend({ token: z.string() });
const password = z.string().min(1).max(256);
const credentials = z.object({ username: signInName, password });
const tokenOptions = z.object({
  name: z.string().min(1).max(100),
  /** days until the token stops working; omit for no expiry */
  expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).optional(),
});
const ok = z.object({ ok: z.literal(true) });
const permissions = z.object({ write: z.boolean(), admin: z.boolean() });

/** a lock of an account or an address after repeated failures goes to the audit log */
const onLock = (ctx: Context, username: string) => async (what: string, until: Date) => {
  const message = `Sign-in locked for ${what} until ${until.toISOString()} after repeated failed sign-ins`;
  console.warn(`${message} (last tried as ${username}${ctx.clientAddress ? ` from ${ctx.clientAddress}` : ''})`);
  await recordAudit({ actor: { user: null, via: null, tokenName: null, clientAddress: ctx.clientAddress }, username, action: 'auth.lock', target: `user ${username}`, outcome: 'locked', message });
};

export const authRouter = router({
  login: publicProcedure
    .input(credentials)
    .output(z.object({ user: userView, csrfToken: z.string() }))
    .mutation(async ({ input, ctx }) => {
      const user = await authenticate(input.username, input.password, ctx.clientAddress, onLock(ctx, input.username));
      const s = await createSession(user.id);
      ctx.resHeaders.append('Set-Cookie', sessionCookie(s.token, s.expiresAt, ctx.secure));
      return { user, csrfToken: s.csrfToken };
    }),

  logout: accountProcedure.output(ok).mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await deleteSession(ctx.sessionToken);
    ctx.resHeaders.append('Set-Cookie', clearedSessionCookie());
    return { ok: true as const };
  }),

  me: protectedProcedure
    .output(z.object({ user: userView, via: z.enum(['session', 'token']).nullable(), csrfToken: z.string().nullable(), permissions }))
    .query(({ ctx }) => ({ user: ctx.user, via: ctx.via, csrfToken: ctx.csrfToken, permissions: permissionsOf(ctx.user) })),

  /** Username and password in, an API token out (shown once): how the CLI signs in. */
  issueToken: publicProcedure
    .input(credentials.extend({ name: z.string().min(1).max(100).default('cli'), expiresInDays: tokenOptions.shape.expiresInDays }))
    .output(newTokenView.extend({ user: userView }))
    .mutation(async ({ input, ctx }) => {
      const issued = await issueApiToken(input, ctx.clientAddress, onLock(ctx, input.username));
      return { ...issued, user: issued.owner };
    }),

  createToken: accountProcedure
    .input(tokenOptions)
    .output(newTokenView)
    .mutation(({ input, ctx }) => createApiToken(ctx.user, input)),

  /** your own tokens; `all` (administrators): every user's */
  listTokens: protectedProcedure
    .input(z.object({ all: z.boolean().default(false) }).optional())
    .output(z.array(tokenView))
    .query(({ input, ctx }) => listApiTokens(ctx.user, { all: input?.all })),

  /** your own token; an administrator revokes anyone's */
  revokeToken: accountProcedure
    .input(z.object({ id: rowId }))
    .output(ok.extend({ name: z.string(), username: z.string() }))
    .mutation(({ input, ctx }) => revokeApiToken(ctx.user, input.id)),

  /** An administrator sets anyone's password; any user sets their own, giving the current one. */
  setPassword: accountProcedure
    .input(z.object({ username: signInName, password, currentPassword: password.optional() }))
    .output(ok)
    .mutation(({ input, ctx }) => setPassword(ctx.user, input, { currentSessionId: ctx.sessionId, clientAddress: ctx.clientAddress })),

  createUser: adminProcedure
    .input(z.object({ username: newUsername, password, role: role.default('operator') }))
    .output(userView)
    .mutation(({ input, ctx }) => createUser(ctx.user, input)),

  /** disable (sessions and tokens stop working at once) or enable a user */
  setUserDisabled: adminProcedure
    .input(z.object({ username: signInName, disabled: z.boolean() }))
    .output(adminUserView)
    .mutation(({ input, ctx }) => setUserDisabled(ctx.user, input)),

  listUsers: adminProcedure.output(z.array(adminUserView)).query(() => listUsers()),

});
