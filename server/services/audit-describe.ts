// What an API mutation was about, for the audit log and the task's event log: the task (if any),
// a short target ("user ops1", "postgres 10.0.0.5:5432/shop"), and the words of the task event.
// Pure and defensive: the input is what the client sent, valid or not. Never copies a secret.

export interface Described {
  taskId: string | null;
  target: string | null;
  /** the task event's words ("Pause requested"), when the action is about a task */
  taskEvent: string | null;
  /** a second task the action concerns (the reverse task created), with its event */
  otherTask?: { id: string; event: string };
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown, max = 200): string | null => (typeof v === 'string' && v.length ? v.slice(0, max) : typeof v === 'number' ? String(v) : null);

const TASK_EVENTS: Record<string, string> = {
  'tasks.create': 'Task created',
  'tasks.configure': 'Configuration changed',
  'tasks.precheck': 'Precheck started',
  'tasks.ignorePrecheckWarnings': 'Precheck warnings ignored',
  'tasks.createReverse': 'Create Reverse Task',
  'tasks.configureReverse': 'Reverse direction configured',
  'tasks.failover': 'Failover',
  'tasks.switchBack': 'Switch Back',
  'tasks.switchover': 'Switchover',
  'tasks.start': 'Start requested',
  'tasks.pause': 'Pause requested',
  'tasks.end': 'End requested',
  'tasks.release': 'Release requested',
};

function endpointTarget(e: Obj): string | null {
  const host = str(e.host, 253);
  if (!host) return null;
  return `${str(e.engine, 20) ?? 'postgres'} ${host}:${str(e.port, 10) ?? '?'}/${str(e.database, 128) ?? ''}`;
}

function endpointRefTarget(ref: Obj): string | null {
  if (ref.taskId !== undefined) return `task ${str(ref.taskId, 64) ?? '?'} ${str(ref.side, 20) ?? ''}`.trim();
  return endpointTarget(obj(ref.endpoint));
}

export function describeMutation(path: string, rawInput: unknown, output: unknown): Described {
  const input = obj(rawInput);
  const out = obj(output);
  const none: Described = { taskId: null, target: null, taskEvent: null };
  if (path.startsWith('tasks.')) {
    // tasks.create has no id until it is made: the new task's id comes back
    const taskId = path === 'tasks.create' ? str(out.id, 64) : str(input.id, 64);
    const d: Described = { taskId, target: path === 'tasks.create' ? str(input.name, 128) : null, taskEvent: TASK_EVENTS[path] ?? null };
    const createdId = str(out.id, 64);
    if ((path === 'tasks.createReverse' || path === 'tasks.configureReverse') && createdId && createdId !== taskId) {
      d.target = `task ${createdId}`;
      d.taskEvent = path === 'tasks.createReverse' ? `Create Reverse Task: ${createdId}` : `Reverse direction configured: ${createdId}`;
      d.otherTask = { id: createdId, event: path === 'tasks.createReverse' ? `Created as the reverse task of ${taskId}` : `Configured as the reverse direction of ${taskId}` };
    }
    return d;
  }
  switch (path) {
    case 'auth.login':
    case 'auth.issueToken':
    case 'auth.setPassword':
    case 'auth.createUser':
      return { ...none, target: `user ${str(input.username, 256)?.trim().toLowerCase() ?? '?'}` };
    case 'auth.setUserDisabled':
      return { ...none, target: `user ${str(input.username, 256)?.trim().toLowerCase() ?? '?'} ${input.disabled === true ? 'disabled' : 'enabled'}` };
    case 'auth.createToken':
      return { ...none, target: `token ${str(input.name, 100) ?? '?'}` };
    case 'auth.revokeToken':
      return { ...none, target: `token ${str(input.id, 20) ?? '?'}${out.name ? ` (${str(out.name, 100)} of ${str(out.username, 64)})` : ''}` };
    case 'endpoints.testConnectivity':
      return { ...none, target: endpointRefTarget(input) };
    case 'endpoints.introspect':
    case 'endpoints.validateFilter':
      return { ...none, target: endpointRefTarget(obj(input.ref)) };
    case 'endpoints.registerConnection':
      return { ...none, target: `connection ${str(input.name, 100) ?? '?'} (${endpointTarget(input) ?? '?'})` };
    case 'endpoints.removeConnection':
      return { ...none, target: `connection ${str(input.id, 20) ?? '?'}` };
    default:
      return none;
  }
}
