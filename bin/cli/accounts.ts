// `dts login`, `dts whoami`, `dts token ...` and `dts user ...`: signing in, API tokens and the
// console's users, through the API (auth.*). The server decides who may do what and says so.
import { bool, flag, positional, requireFlag, type Args } from './args';
import { CliError, type Client } from './client';

const ROLES = ['operator', 'admin', 'viewer'] as const;
type Role = (typeof ROLES)[number];

/** --expires <days>: a whole number of days (the server checks the range), or no expiry */
export function expiresFlag(args: Args): number | undefined {
  const v = flag(args, 'expires');
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new CliError(`--expires takes a whole number of days, e.g. --expires 90 (leave it out for a token that lasts until revoked); got ${JSON.stringify(v)}`, 2);
  return Number(v);
}

function roleFlag(args: Args): Role {
  const v = flag(args, 'role') ?? 'operator';
  if (!(ROLES as readonly string[]).includes(v)) throw new CliError(`--role must be one of ${ROLES.join(', ')}; got ${JSON.stringify(v)}`, 2);
  return v as Role;
}

export function loginCommand(client: Client, args: Args) {
  return client.auth.issueToken.mutate({
    username: requireFlag(args, 'user'),
    password: flag(args, 'password') ?? process.env.DTS_PASSWORD ?? '',
    name: flag(args, 'name') ?? 'cli',
    expiresInDays: expiresFlag(args),
  });
}

export async function tokenCommand(client: Client, cmd: string, args: Args): Promise<unknown> {
  switch (cmd) {
    case 'create':
      return client.auth.createToken.mutate({ name: positional(args, 0, 'token name'), expiresInDays: expiresFlag(args) });
    case 'list':
      return client.auth.listTokens.query({ all: bool(args, 'all') });
    case 'revoke': {
      const id = positional(args, 0, 'token id');
      if (!/^\d+$/.test(id)) throw new CliError(`the token id is a number (see dts token list); got ${JSON.stringify(id)}`, 2);
      return client.auth.revokeToken.mutate({ id: Number(id) });
    }
    default:
      throw new CliError(`unknown command: token ${cmd}`, 2);
  }
}

export async function userCommand(client: Client, cmd: string, args: Args): Promise<unknown> {
  switch (cmd) {
    case 'create':
      return client.auth.createUser.mutate({ username: positional(args, 0, 'user name'), password: requireFlag(args, 'password'), role: roleFlag(args) });
    case 'set-password':
      // your own password needs the current one: --current, or DTS_CURRENT_PASSWORD (kept off the command line)
      return client.auth.setPassword.mutate({
        username: positional(args, 0, 'user name'),
        password: requireFlag(args, 'password'),
        currentPassword: flag(args, 'current') ?? (process.env.DTS_CURRENT_PASSWORD || undefined),
      });
    case 'disable':
    case 'enable':
      return client.auth.setUserDisabled.mutate({ username: positional(args, 0, 'user name'), disabled: cmd === 'disable' });
    case 'list':
      return client.auth.listUsers.query();
    default:
      throw new CliError(`unknown command: user ${cmd}`, 2);
  }
}
