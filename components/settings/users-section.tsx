'use client';
// Users (administrators only): the console's accounts with their role and status; Create User,
// Set Password, Disable and Enable. You cannot disable yourself (the server refuses it too).
import { useCallback, useState } from 'react';
import { useUsers, type UserView } from '../data/settings';
import { Button } from '../ui/button';
import { formatTime } from '../ui/format';
import { ROLE_LABEL } from '../ui/roles';
import { Empty, ErrorMessage, Loading } from '../ui/states';
import { Card, TD, TH } from './card';
import { CreateUserDialog, SetDisabledDialog, SetPasswordDialog } from './user-dialogs';

const SELF_REASON = 'You cannot disable yourself; ask another administrator';

export function UsersSection({ me }: { me: string }) {
  const users = useUsers(true);
  const [creating, setCreating] = useState(false);
  const [settingFor, setSettingFor] = useState<string | null>(null);
  const [toggling, setToggling] = useState<UserView | null>(null);
  const closeCreate = useCallback(() => setCreating(false), []);
  const closeSet = useCallback(() => setSettingFor(null), []);
  const closeToggle = useCallback(() => setToggling(null), []);
  return (
    <Card
      id="users"
      title="Users"
      extra={
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create User
        </Button>
      }
      description="Accounts that sign in to the console. Only administrators see and manage them. A disabled user cannot sign in, and its API tokens stop working."
    >
      {users.isPending ? (
        <Loading what="Loading users" />
      ) : users.error ? (
        <ErrorMessage error={users.error} className="m-4" />
      ) : users.data.length === 0 ? (
        <Empty>No users.</Empty>
      ) : (
        <table className="w-full" aria-label="Users">
          <thead className="bg-gray-50">
            <tr>
              <th className={TH}>Username</th>
              <th className={TH}>Role</th>
              <th className={TH}>Status</th>
              <th className={TH}>Created</th>
              <th className={`${TH} text-right`}>Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => {
              const self = u.username === me;
              return (
                <tr key={u.id} className="border-t border-gray-100" data-testid="user-row" data-username={u.username}>
                  <td className={TD}>
                    {u.username}
                    {self && <span className="ml-1 text-xs text-gray-400">(you)</span>}
                  </td>
                  <td className={TD}>{ROLE_LABEL[u.role]}</td>
                  <td className={TD} data-testid="user-status">
                    <span className={`inline-flex items-center gap-1.5 ${u.disabled ? 'text-gray-500' : 'text-green-700'}`}>
                      <span aria-hidden className={`h-1.5 w-1.5 rounded-full ${u.disabled ? 'bg-gray-400' : 'bg-green-600'}`} />
                      {u.disabled ? 'Disabled' : 'Active'}
                    </span>
                  </td>
                  <td className={`${TD} text-gray-600`}>{formatTime(u.createdAt)}</td>
                  <td className={`${TD} text-right whitespace-nowrap`}>
                    <span className="inline-flex items-center gap-2">
                      <Button variant="link" aria-label={`Set password of ${u.username}`} onClick={() => setSettingFor(u.username)}>
                        Set Password
                      </Button>
                      <span aria-hidden className="h-3 w-px bg-gray-300" />
                      <Button
                        variant="link"
                        aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.username}`}
                        disabledReason={self && !u.disabled ? SELF_REASON : null}
                        onClick={() => setToggling(u)}
                      >
                        {u.disabled ? 'Enable' : 'Disable'}
                      </Button>
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {creating && <CreateUserDialog onClose={closeCreate} />}
      {settingFor && <SetPasswordDialog username={settingFor} self={settingFor === me} onClose={closeSet} />}
      {toggling && <SetDisabledDialog user={toggling} onClose={closeToggle} />}
    </Card>
  );
}
