// How the console names the roles, and what each may do (the server enforces it).
import type { Role } from '../data/me';

export const ROLE_LABEL: Record<Role, string> = { admin: 'Administrator', operator: 'Operator', viewer: 'Viewer' };

/** one line per role, for the Create User dialog */
export const ROLE_HELP: Record<Role, string> = {
  operator: 'Operator: creates, configures and runs tasks, and manages database connections.',
  admin: 'Administrator: everything an operator does, plus users, every API token and the audit log.',
  viewer: 'Viewer: read-only; sees tasks, connections and events, changes nothing but its own password and API tokens.',
};

export const ROLES: Role[] = ['operator', 'admin', 'viewer'];
