'use client';
// API Tokens: for the dts CLI and for scraping /api/metrics. A token is shown once, when created.
import { useCallback, useState } from 'react';
import { useTokenActions, useTokens, type ApiTokenView } from '../data/settings';
import { Button } from '../ui/button';
import { NoteDialog } from '../ui/dialog';
import { formatTime } from '../ui/format';
import { Empty, ErrorMessage, Loading } from '../ui/states';
import { Card, TD, TH } from './card';
import { CreateTokenDialog } from './create-token-dialog';

export function ApiTokensSection() {
  const tokens = useTokens();
  const { revoke } = useTokenActions();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiTokenView | null>(null);
  const resetRevoke = revoke.reset;
  const cancelRevoke = useCallback(() => {
    resetRevoke();
    setRevoking(null);
  }, [resetRevoke]);
  const closeCreate = useCallback(() => setCreating(false), []);
  return (
    <Card
      id="api-tokens"
      title="API Tokens"
      extra={
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create Token
        </Button>
      }
      description={
        <>
          API tokens sign in the <code className="font-mono">dts</code> command line tool and scrapers of <code className="font-mono">/api/metrics</code>. A token acts as you until it is revoked.
        </>
      }
    >
      {tokens.isPending ? (
        <Loading what="Loading tokens" />
      ) : tokens.error ? (
        <ErrorMessage error={tokens.error} className="m-4" />
      ) : tokens.data.length === 0 ? (
        <Empty>No API tokens. Create one to use the dts command line tool.</Empty>
      ) : (
        <table className="w-full" aria-label="API tokens">
          <thead className="bg-gray-50">
            <tr>
              <th className={TH}>Name</th>
              <th className={TH}>Token</th>
              <th className={TH}>Created</th>
              <th className={TH}>Last Used</th>
              <th className={`${TH} text-right`}>Actions</th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((t) => (
              <tr key={t.id} className="border-t border-gray-100" data-testid="api-token-row">
                <td className={TD}>{t.name}</td>
                <td className={`${TD} font-mono text-xs text-gray-600`}>{t.prefix}…</td>
                <td className={`${TD} text-gray-600`}>{formatTime(t.createdAt)}</td>
                <td className={`${TD} text-gray-600`}>{t.lastUsedAt ? formatTime(t.lastUsedAt) : 'Never'}</td>
                <td className={`${TD} text-right`}>
                  <Button variant="link" aria-label={`Revoke ${t.name}`} onClick={() => setRevoking(t)}>
                    Revoke
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && <CreateTokenDialog onClose={closeCreate} />}
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
            Revoke the API token <strong>{revoking.name}</strong> ({revoking.prefix}…)?
          </p>
          <p className="text-xs text-gray-500">Programs that use it can no longer sign in. This cannot be undone.</p>
        </NoteDialog>
      )}
    </Card>
  );
}
