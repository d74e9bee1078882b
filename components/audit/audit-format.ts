// How the Audit Log page shows an entry and turns its filters into audit.list's input. Pure:
// what happened and how it ended is the server's record, shown as it is.
import type { AuditEntry, AuditQuery } from '../data/audit';

export interface AuditFilterForm {
  username: string;
  taskId: string;
  action: string;
}

export const EMPTY_FILTER: AuditFilterForm = { username: '', taskId: '', action: '' };

/** the filters as audit.list takes them: trimmed, empty ones left out */
export function auditQuery(f: AuditFilterForm): AuditQuery {
  const q: AuditQuery = {};
  const username = f.username.trim();
  const taskId = f.taskId.trim();
  const action = f.action.trim();
  if (username) q.username = username;
  if (taskId) q.taskId = taskId;
  if (action) q.action = action;
  return q;
}

export function hasFilter(f: AuditFilterForm): boolean {
  return Object.keys(auditQuery(f)).length > 0;
}

/** how a caller who was not signed in came: a sign-in (the name tried), or a lock it caused */
const UNSIGNED: Record<string, string> = { 'auth.login': 'console sign-in', 'auth.issueToken': 'sign-in for an API token', 'auth.lock': 'sign-in lock' };

/** the User column: the user, and how they came (the API token's name, a browser, a sign-in) */
export function actorText(e: Pick<AuditEntry, 'username' | 'tokenName' | 'via' | 'action'>): { name: string; via: string } {
  if (e.tokenName) return { name: e.username, via: `token "${e.tokenName}"` };
  if (e.via === 'session') return { name: e.username, via: 'browser' };
  if (e.via === 'token') return { name: e.username, via: 'API token' };
  return { name: e.username, via: UNSIGNED[e.action] ?? 'not signed in' };
}

export interface OutcomeView {
  ok: boolean;
  /** "ok", or the error code (FORBIDDEN, UNAUTHORIZED, ...) */
  label: string;
  /** the server's message, for a refusal or a failure */
  message: string | null;
}

export function outcomeView(e: Pick<AuditEntry, 'outcome' | 'message'>): OutcomeView {
  return { ok: e.outcome === 'ok', label: e.outcome, message: e.outcome === 'ok' ? null : e.message };
}

/** every entry of the loaded pages, newest first, each once (a refresh may overlap a page) */
export function mergePages(pages: ReadonlyArray<{ items: AuditEntry[] }>): AuditEntry[] {
  const seen = new Set<string>();
  const out: AuditEntry[] = [];
  for (const p of pages) {
    for (const e of p.items) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      out.push(e);
    }
  }
  return out;
}
