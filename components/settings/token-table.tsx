'use client';
// A table of API tokens (yours, or with the Owner column every user's), and the Note that
// confirms Revoke. "Expired" is as of when the list was read; the server enforces the expiry.
import { useCallback, useState } from 'react';
import { useTokenActions, type ApiTokenView } from '../data/settings';
import { Button } from '../ui/button';
import { NoteDialog } from '../ui/dialog';
import { formatTime } from '../ui/format';
import { TD, TH } from './card';
import { expiryText } from './token-expiry';

export function TokenTable({ tokens, readAt, showOwner = false, label }: { tokens: ApiTokenView[]; readAt: number; showOwner?: boolean; label: string }) {
  const { revoke } = useTokenActions();
  const [revoking, setRevoking] = useState<ApiTokenView | null>(null);
  const resetRevoke = revoke.reset;
  const cancelRevoke = useCallback(() => {
    resetRevoke();
    setRevoking(null);
  }, [resetRevoke]);
  return (
    <>
      <div className="overflow-x-auto">
        <table className="w-full" aria-label={label}>
          <thead className="bg-gray-50">
            <tr>
              {showOwner && <th className={TH}>Owner</th>}
              <th className={TH}>Name</th>
              <th className={TH}>Token</th>
              <th className={TH}>Created</th>
              <th className={TH}>Last Used</th>
              <th className={TH}>Expires</th>
              <th className={`${TH} text-right`}>Actions</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => {
              const expiry = expiryText(t.expiresAt, readAt);
              return (
                <tr key={t.id} className="border-t border-gray-100" data-testid={showOwner ? 'all-api-token-row' : 'api-token-row'} data-token-id={t.id}>
                  {showOwner && <td className={TD}>{t.username}</td>}
                  <td className={TD}>{t.name}</td>
                  <td className={`${TD} font-mono text-xs text-gray-600`}>{t.prefix}…</td>
                  <td className={`${TD} text-gray-600`}>{formatTime(t.createdAt)}</td>
                  <td className={`${TD} text-gray-600`}>{t.lastUsedAt ? formatTime(t.lastUsedAt) : 'Never'}</td>
                  <td className={`${TD} ${expiry.expired ? 'text-red-600' : 'text-gray-600'}`} data-testid="token-expiry" title={t.expiresAt ? `Expires at ${formatTime(t.expiresAt)}` : 'Works until revoked'}>
                    {expiry.text}
                  </td>
                  <td className={`${TD} text-right`}>
                    <Button variant="link" aria-label={showOwner ? `Revoke ${t.name} of ${t.username}` : `Revoke ${t.name}`} onClick={() => setRevoking(t)}>
                      Revoke
                    </Button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {revoking && (
        <NoteDialog
          okText="Revoke"
          danger
          pending={revoke.isPending}
          error={revoke.error}
          onCancel={cancelRevoke}
          onOk={() => revoke.mutate({ id: revoking.id }, { onSuccess: () => setRevoking(null) })}
        >
          <p>
            Revoke the API token <strong>{revoking.name}</strong> ({revoking.prefix}…){showOwner ? <> of <strong>{revoking.username}</strong></> : null}?
          </p>
          <p className="text-xs text-gray-500">Programs that use it can no longer sign in. This cannot be undone.</p>
        </NoteDialog>
      )}
    </>
  );
}
