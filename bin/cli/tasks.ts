// `dts task ...` and `dts precheck ...`.
import { bool, durationMs, flag, flags, intFlag, positional, readJson, requireFlag, type Args } from './args';
import { CliError, type Client } from './client';
import { TextOutput, textTable } from './output';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** statuses from which a task does not reach another status by itself */
const FAILED_STATUSES = ['Failed', 'Precheck Failed'];

async function waitForPrecheck(client: Client, id: string, runId: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client.tasks.precheckRun.query({ id, runId });
    if (run.state !== 'running') return run;
    if (Date.now() > deadline) throw new CliError(`timed out after ${timeoutMs / 1000}s waiting for precheck ${runId} of task ${id}`, 3);
    await sleep(500);
  }
}

export async function waitForStatus(client: Client, id: string, wanted: string, timeoutMs: number, intervalMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const task = await client.tasks.get.query({ id });
      last = task.status;
      if (task.status === wanted) return task;
      if (FAILED_STATUSES.includes(task.status) && !FAILED_STATUSES.includes(wanted)) {
        throw new CliError(`task ${id} is ${task.status}${task.statusReason ? `: ${task.statusReason}` : ''}`, 1, { status: task.status }, task);
      }
    } catch (e) {
      // a console restart must not end the wait; anything the API says (not found, ...) does
      if (e instanceof CliError || !(e instanceof Error) || !/fetch failed|ECONNREFUSED|ECONNRESET/.test(e.message)) throw e;
    }
    if (Date.now() > deadline) throw new CliError(`timed out after ${timeoutMs / 1000}s waiting for task ${id} to be ${wanted} (last status: ${last || 'unknown'})`, 3, { status: last || null });
    await sleep(intervalMs);
  }
}

type ConflictPage = Awaited<ReturnType<Client['tasks']['conflicts']['query']>>;

const keyText = (key: Record<string, unknown>) => Object.entries(key).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');

function conflictTable(page: ConflictPage): TextOutput {
  if (!page.items.length) return new TextOutput('no conflicts\n');
  const rows = page.items.map((c) => [c.createdAt.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'), c.table, keyText(c.key), c.kind, c.op, c.policy, c.action]);
  const more = page.nextCursor !== null ? `more: --cursor ${page.nextCursor}\n` : '';
  return new TextOutput(textTable(['TIME', 'TABLE', 'KEY', 'KIND', 'OP', 'POLICY', 'ACTION'], rows) + more);
}

export async function taskCommand(client: Client, cmd: string, args: Args): Promise<unknown> {
  const id = () => positional(args, 0, 'task id');
  switch (cmd) {
    case 'create':
      return client.tasks.create.mutate(readJson(positional(args, 0, 'task definition file')) as never);
    case 'configure': {
      const patch = readJson(positional(args, 1, 'configuration file')) as Record<string, unknown>;
      return client.tasks.configure.mutate({ ...patch, id: id() } as never);
    }
    case 'list':
      return client.tasks.list.query({ status: flag(args, 'status'), search: flag(args, 'search'), limit: intFlag(args, 'limit'), cursor: flag(args, 'cursor') });
    case 'get':
      return client.tasks.get.query({ id: id() });
    case 'precheck': {
      const { runId } = await client.tasks.precheck.mutate({ id: id(), ignoreWarnings: bool(args, 'ignore-warnings') });
      if (bool(args, 'no-wait')) return { runId };
      const run = await waitForPrecheck(client, id(), runId, durationMs(flag(args, 'timeout') ?? '600'));
      if (run.state !== 'passed') throw new CliError(`precheck of task ${id()} failed (success rate ${run.successRate}%)`, 1, {}, run);
      return run;
    }
    case 'start':
      return client.tasks.start.mutate({ id: id() });
    case 'pause':
      return client.tasks.pause.mutate({ id: id() });
    case 'end':
      return client.tasks.end.mutate({ id: id() });
    case 'release':
      return client.tasks.release.mutate({ id: id() });
    case 'create-reverse': {
      const policy = conflictPolicy(args);
      return client.tasks.createReverse.mutate({ id: id(), ...(policy ? { conflictPolicy: policy } : {}) });
    }
    case 'set-conflict-policy': {
      // a Paused or Failed reverse task or two-way direction (Failed under TaskFailed: change it, then start)
      const policy = conflictPolicy(args);
      if (!policy) throw new CliError('--conflict-policy is required (TaskFailed, Ignore or Overwrite)', 2);
      return client.tasks.configure.mutate({ id: id(), settings: { conflictPolicy: policy } });
    }
    case 'configure-reverse': {
      const file = flag(args, 'file');
      const given = (file ? readJson(file) : {}) as Record<string, unknown>;
      return client.tasks.configureReverse.mutate({ ...given, id: id() } as never);
    }
    case 'conflicts': {
      const page = await client.tasks.conflicts.query({ id: id(), limit: intFlag(args, 'limit'), cursor: intFlag(args, 'cursor'), kind: flag(args, 'kind') as never });
      return bool(args, 'json') ? page : conflictTable(page);
    }
    case 'readiness': {
      const action = requireFlag(args, 'action');
      const map: Record<string, 'failover' | 'switchBack' | 'switchover'> = { failover: 'failover', 'switch-back': 'switchBack', switchover: 'switchover' };
      if (!map[action]) throw new CliError('--action is failover, switch-back or switchover', 2);
      return client.tasks.readiness.query({ id: id(), action: map[action] });
    }
    case 'failover':
      return client.tasks.failover.mutate({ id: id() });
    case 'switch-back':
      return client.tasks.switchBack.mutate({ id: id() });
    case 'switchover':
      return client.tasks.switchover.mutate({ id: id(), writesStopped: bool(args, 'writes-stopped'), endForward: bool(args, 'end-forward') });
    case 'continue':
      return client.tasks.continueProcedure.mutate({ id: id() });
    case 'dismiss-procedure':
      return client.tasks.dismissProcedure.mutate({ id: id() });
    case 'wait':
      return waitForStatus(client, id(), requireFlag(args, 'status'), durationMs(flag(args, 'timeout') ?? '300'), durationMs(flag(args, 'interval') ?? '1'));
    case 'events':
      return client.events.list.query({ taskId: id(), afterId: intFlag(args, 'after'), beforeId: intFlag(args, 'before'), limit: intFlag(args, 'limit'), level: flag(args, 'level') as never });
    case 'metrics': {
      const to = flag(args, 'to') ? new Date(requireFlag(args, 'to')) : new Date();
      const from = flag(args, 'from') ? new Date(requireFlag(args, 'from')) : new Date(to.getTime() - durationMs(flag(args, 'since') ?? '1h'));
      return client.metrics.series.query({ taskId: id(), from, to, limit: intFlag(args, 'limit') });
    }
    default:
      throw new CliError(`unknown command: task ${cmd}`, 2);
  }
}

export async function precheckCommand(client: Client, cmd: string, args: Args): Promise<unknown> {
  const id = positional(args, 0, 'task id');
  switch (cmd) {
    case 'get':
      return client.tasks.precheckRun.query({ id, runId: intFlag(args, 'run') });
    case 'ignore':
      return client.tasks.ignorePrecheckWarnings.mutate({ id, keys: flags(args, 'key').length ? flags(args, 'key') : undefined });
    default:
      throw new CliError(`unknown command: precheck ${cmd}`, 2);
  }
}

type Policy = 'TaskFailed' | 'Ignore' | 'Overwrite';

function conflictPolicy(args: Args): Policy | undefined {
  const policy = flag(args, 'conflict-policy');
  if (policy !== undefined && !['TaskFailed', 'Ignore', 'Overwrite'].includes(policy)) {
    throw new CliError(`--conflict-policy is TaskFailed, Ignore or Overwrite (got "${policy}")`, 2);
  }
  return policy as Policy | undefined;
}
