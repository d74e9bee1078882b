// Entry of the dts CLI: dispatches `dts <group> <command>`, prints the result as JSON on stdout,
// and errors as a message on stderr with a non-zero exit code.
import { bool, flag, flags, parseArgs, readJson, type Args } from './args';
import { loginCommand, tokenCommand, userCommand } from './accounts';
import { rotateKeyCommand } from './admin';
import { auditCommand } from './audit';
import { baseUrl, CliError, createClient, describeError, type Client } from './client';
import { TextOutput } from './output';
import { precheckCommand, taskCommand } from './tasks';

export const USAGE = `usage: dts <command> [options]          (DTS_URL, DTS_TOKEN; output is JSON)

  login --user <name> --password <pw> [--name <token name>] [--expires <days>]   print a new API token
  whoami
  token create <name> [--expires <days>]   a token that stops working after 1 to 3650 days (default: never)
  token list [--all]                 your tokens; --all: every user's (administrators)
  token revoke <id>                  your own token; an administrator revokes anyone's
  user create <name> --password <pw> [--role operator|admin|viewer]    viewer: read-only
  user set-password <name> --password <pw> [--current <pw>]   your own needs the current one
                                     (--current or DTS_CURRENT_PASSWORD)
  user disable <name> | user enable <name>   a disabled user's sessions and tokens stop at once
  user list
  audit list [--user <name>] [--task <id>] [--action <procedure>] [--limit <n>] [--cursor <id>]
                                     the audit log (administrators), newest first; pass nextCursor
                                     as --cursor for the next page

  endpoint test (--file <endpoint.json> | --task <id>) [--side source|destination]
  endpoint introspect (--file <endpoint.json> | --task <id> [--side source|destination]) [--schema <s>]...

  task create <task.json>            "topology": "TwoWay" in the file for two-way synchronization
  task configure <id> <changes.json>
  task list [--status <status>] [--search <text>] [--limit <n>] [--cursor <id>]
  task get <id>
  task precheck <id> [--ignore-warnings] [--no-wait] [--timeout <s>]
  task start|pause|end|release <id>
  task create-reverse <id> [--conflict-policy TaskFailed|Ignore|Overwrite]
  task set-conflict-policy <id> --conflict-policy TaskFailed|Ignore|Overwrite   (a Paused or Failed reverse or two-way task)
                                     Create Reverse Task: incremental, old destination -> old source (policy: Overwrite)
  task configure-reverse <id> [--file <objects-and-settings.json>]
                                     two-way: configure the reverse direction of a Running forward
                                     direction ({"objects": ..., "settings": ...}, both optional)
  task conflicts <id> [--limit <n>] [--cursor <conflict id>] [--kind <kind>] [--json]
                                     conflicts recorded, newest first, as a table (--json: JSON);
                                     kind: unique_conflict, update_differs, update_missing, delete_missing
  task readiness <id> --action failover|switch-back|switchover
  task failover <id>                 pause the forward task, move sequences, start the reverse task
  task switch-back <id>              wait for no latency, pause the reverse, move sequences, start the forward
  task switchover <id> --writes-stopped [--end-forward]
                                     fence the source, wait until everything is applied, check
                                     that nothing arrives, pause, move sequences, start the reverse
  task continue <id>                 a failover, switch back or switchover that stopped midway
                                     (readiness shows where) runs the steps it has not done
  task dismiss-procedure <id>        ends a stopped procedure where it is; the tasks stay as they are
  task wait <id> --status <status> [--timeout <s>] [--interval <s>]
  task events <id> [--after <event id>] [--before <event id>] [--limit <n>] [--level info|warn|error]
  task metrics <id> [--since 1h | --from <iso> --to <iso>] [--limit <n>]
  precheck get <id> [--run <run id>]
  precheck ignore <id> [--key <item key>]...
  metrics                                   Prometheus text of /api/metrics

  admin rotate-key                   on the console's machine, not through the API: re-encrypts the stored
                                     database passwords under DTS_NEW_SECRET_KEY (or a new secret.key)

exit codes: 0 ok, 1 error (or the task became Failed), 2 usage, 3 timeout
`;

function endpointRef(args: Args) {
  const side = (flag(args, 'side') ?? 'source') as 'source' | 'destination';
  if (side !== 'source' && side !== 'destination') throw new CliError('--side must be source or destination', 2);
  const task = flag(args, 'task');
  if (task) return { taskId: task, side };
  const file = flag(args, 'file');
  if (!file) throw new CliError('give --file <endpoint.json> or --task <id>', 2);
  return { endpoint: readJson(file) as never, side };
}

async function run(client: Client, group: string, cmd: string | undefined, args: Args): Promise<unknown> {
  const sub = cmd ?? '';
  switch (group) {
    case 'login':
      return loginCommand(client, args);
    case 'whoami':
      return client.auth.me.query();
    case 'token':
      return tokenCommand(client, sub, args);
    case 'user':
      return userCommand(client, sub, args);
    case 'audit':
      return auditCommand(client, sub, args);
    case 'endpoint':
      if (sub === 'test') {
        const r = await client.endpoints.testConnectivity.mutate(endpointRef(args));
        // a failed test prints the same JSON and exits 1, so that scripts can rely on the exit code
        if (!r.ok) throw new CliError(`connectivity test of the ${r.side} failed: ${r.message}`, 1, { kind: r.kind ?? null }, r);
        return r;
      }
      if (sub === 'introspect') {
        const schemas = flags(args, 'schema');
        return client.endpoints.introspect.mutate({ ref: endpointRef(args), ...(schemas.length ? { schemas } : {}) });
      }
      break;
    case 'task':
      return taskCommand(client, sub, args);
    case 'precheck':
      return precheckCommand(client, sub, args);
    case 'admin':
      if (sub === 'rotate-key') return rotateKeyCommand(args);
      break;
    case 'metrics': {
      const res = await fetch(`${baseUrl()}/api/metrics`, { headers: { authorization: `Bearer ${process.env.DTS_TOKEN ?? ''}` } });
      const text = await res.text();
      if (!res.ok) throw new CliError(`GET /api/metrics: ${res.status} ${text.trim()}`);
      return new TextOutput(text);
    }
  }
  throw new CliError(`unknown command: ${[group, cmd].filter(Boolean).join(' ')}\n\n${USAGE}`, 2);
}

const GROUPS_WITH_SUBCOMMANDS = new Set(['token', 'user', 'endpoint', 'task', 'precheck', 'admin', 'audit']);

export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    const [group, ...rest] = args.positionals;
    if (!group || group === 'help' || bool(args, 'help')) {
      process.stdout.write(USAGE);
      return group ? 0 : 2;
    }
    const cmd = GROUPS_WITH_SUBCOMMANDS.has(group) ? rest.shift() : undefined;
    const result = await run(createClient(), group, cmd, { ...args, positionals: rest });
    if (result instanceof TextOutput) {
      process.stdout.write(result.text);
    } else {
      process.stdout.write(`${JSON.stringify(result, null, bool(args, 'compact') ? undefined : 2)}\n`);
    }
    return 0;
  } catch (e) {
    const { message, exitCode, details, output } = describeError(e);
    if (output !== undefined) process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    process.stderr.write(`dts: ${message}\n`);
    if (Object.values(details).some((v) => v !== null && v !== undefined)) process.stderr.write(`${JSON.stringify({ error: { message, ...details } })}\n`);
    return exitCode;
  }
}
