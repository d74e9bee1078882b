'use client';
// Database Connections: saved connections, offered by Configure Task as "Select Existing
// Connection". Their passwords stay on the server; Test Connectivity logs in with the saved one.
import { useCallback, useState } from 'react';
import { useReadOnlyReason } from '../data/me';
import { useConnectionActions, useConnections, type ConnectionView } from '../data/settings';
import { Button } from '../ui/button';
import { NoteDialog } from '../ui/dialog';
import { Empty, ErrorMessage, Loading } from '../ui/states';
import { Card, TH } from './card';
import { ConnectionRow } from './connection-row';
import { RegisterConnectionDialog } from './register-connection-dialog';

export function ConnectionsPage() {
  const list = useConnections();
  const { remove } = useConnectionActions();
  // a viewer (the read-only role) sees Register, Delete and Test Connectivity disabled, with the reason
  const readOnly = useReadOnlyReason('connections');
  const [registering, setRegistering] = useState(false);
  const [deleting, setDeleting] = useState<ConnectionView | null>(null);
  const closeRegister = useCallback(() => setRegistering(false), []);
  const resetRemove = remove.reset;
  const cancelDelete = useCallback(() => {
    resetRemove();
    setDeleting(null);
  }, [resetRemove]);
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-lg font-semibold text-gray-900">Database Connections</h1>
        <Button variant="primary" onClick={() => setRegistering(true)} disabledReason={readOnly}>
          Register Connection
        </Button>
      </div>
      <Card
        id="connections"
        title="Saved Connections"
        extra={
          <Button onClick={() => void list.refetch()} disabled={list.isFetching} aria-label="Refresh connections">
            {list.isFetching ? 'Refreshing…' : 'Refresh'}
          </Button>
        }
        description={
          <>
            Registered connections are offered under <strong>Select Existing Connection</strong> when you configure a task; their passwords never leave the server.{' '}
            <code className="font-mono">npm run demo</code> registers two sample connections: the demo source database <code className="font-mono">shop</code> and the
            destination <code className="font-mono">shop_dr</code>.
          </>
        }
      >
        {list.isPending ? (
          <Loading what="Loading connections" />
        ) : list.error ? (
          <ErrorMessage error={list.error} className="m-4" />
        ) : list.data.length === 0 ? (
          <Empty>
            No saved connections. Click Register Connection, or run <code className="font-mono">npm run demo</code> to register two sample connections.
          </Empty>
        ) : (
          <div className="overflow-x-auto">
          <table className="w-full" aria-label="Database connections">
            <thead className="bg-gray-50">
              <tr>
                <th className={TH}>Connection Name</th>
                <th className={TH}>Database Type</th>
                <th className={TH}>Address</th>
                <th className={TH}>Database Account</th>
                <th className={TH}>Created</th>
                <th className={`${TH} text-right`}>Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((c) => (
                <ConnectionRow key={c.id} c={c} onDelete={setDeleting} readOnly={readOnly} />
              ))}
            </tbody>
          </table>
          </div>
        )}
      </Card>
      {registering && <RegisterConnectionDialog onClose={closeRegister} />}
      {deleting && (
        <NoteDialog
          okText="Delete"
          danger
          pending={remove.isPending}
          error={remove.error}
          onCancel={cancelDelete}
          disabledReason={readOnly}
          onOk={() => remove.mutate({ id: deleting.id }, { onSuccess: () => setDeleting(null) })}
        >
          <p>
            Delete the saved connection <strong>{deleting.name}</strong>?
          </p>
          <p className="text-xs text-gray-500">Tasks keep their own copy of the endpoint: they are not affected.</p>
        </NoteDialog>
      )}
    </div>
  );
}
