'use client';
// Users (administrators only): the console's accounts, Create User and Set Password.
import { useCallback, useState } from 'react';
import { useUsers } from '../data/settings';
import { Button } from '../ui/button';
import { formatTime } from '../ui/format';
import { Empty, ErrorMessage, Loading } from '../ui/states';
import { Card, TD, TH } from './card';
import { CreateUserDialog, SetPasswordDialog } from './user-dialogs';

const ROLE_LABEL = { admin: 'Administrator', operator: 'Operator' } as const;

export function UsersSection({ me }: { me: string }) {
  const users = useUsers(true);
  const [creating, setCreating] = useState(false);
  const [settingFor, setSettingFor] = useState<string | null>(null);
  const closeCreate = useCallback(() => setCreating(false), []);
  const closeSet = useCallback(() => setSettingFor(null), []);
  return (
    <Card
      id="users"
      title="Users"
      extra={
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create User
        </Button>
      }
      description="Accounts that sign in to the console. Only administrators see and manage them."
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
              <th className={TH}>Created</th>
              <th className={`${TH} text-right`}>Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => (
              <tr key={u.id} className="border-t border-gray-100" data-testid="user-row">
                <td className={TD}>
                  {u.username}
                  {u.username === me && <span className="ml-1 text-xs text-gray-400">(you)</span>}
                </td>
                <td className={TD}>{ROLE_LABEL[u.role]}</td>
                <td className={`${TD} text-gray-600`}>{formatTime(u.createdAt)}</td>
                <td className={`${TD} text-right`}>
                  <Button variant="link" aria-label={`Set password of ${u.username}`} onClick={() => setSettingFor(u.username)}>
                    Set Password
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && <CreateUserDialog onClose={closeCreate} />}
      {settingFor && <SetPasswordDialog username={settingFor} self={settingFor === me} onClose={closeSet} />}
    </Card>
  );
}
