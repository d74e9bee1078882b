'use client';
// A saved connection in the list, with Test Connectivity (the server uses the saved password).
import { useTestSavedConnection, type ConnectionView } from '../data/settings';
import { Button } from '../ui/button';
import { EngineIcon } from '../ui/engine-icon';
import { formatTime } from '../ui/format';
import { ErrorMessage } from '../ui/states';
import { TD } from './card';

/** `readOnly`: why Test Connectivity and Delete are disabled (the read-only role), or null */
export function ConnectionRow({ c, onDelete, readOnly }: { c: ConnectionView; onDelete: (c: ConnectionView) => void; readOnly: string | null }) {
  const test = useTestSavedConnection();
  const result = test.data;
  return (
    <>
      <tr className="border-t border-gray-100" data-testid="connection-row" data-connection-id={c.id}>
        <td className={`${TD} min-w-40 font-medium text-gray-900`}>{c.name}</td>
        <td className={TD}>
          <EngineIcon engine={c.engine} withLabel />
        </td>
        <td className={`${TD} font-mono text-xs whitespace-nowrap text-gray-700`}>
          {c.host}:{c.port}/{c.database}
          {c.ssl && c.ssl !== 'disable' && <span className="ml-1 rounded-sm border border-gray-300 px-1 font-sans text-[10px] text-gray-500">SSL {c.ssl}</span>}
        </td>
        <td className={TD}>{c.user}</td>
        <td className={`${TD} text-xs whitespace-nowrap text-gray-600`}>{formatTime(c.createdAt)}</td>
        <td className={`${TD} text-right whitespace-nowrap`}>
          <span className="inline-flex items-center gap-2">
            <Button variant="link" aria-label={`Test connectivity of ${c.name}`} disabled={test.isPending} disabledReason={readOnly} onClick={() => test.test(c)}>
              {test.isPending ? 'Testing…' : 'Test Connectivity'}
            </Button>
            <span aria-hidden className="h-3 w-px bg-gray-300" />
            <Button variant="link" aria-label={`Delete ${c.name}`} disabledReason={readOnly} onClick={() => onDelete(c)}>
              Delete
            </Button>
          </span>
        </td>
      </tr>
      {(result || test.error) && (
        <tr data-testid="connectivity-result">
          <td colSpan={6} className="px-3 pb-2">
            {test.error ? (
              <ErrorMessage error={test.error} />
            ) : result ? (
              <p
                role={result.ok ? 'status' : 'alert'}
                data-ok={result.ok}
                className={`rounded-sm border px-3 py-1.5 text-xs ${result.ok ? 'border-green-200 bg-green-50 text-green-800' : 'border-red-200 bg-red-50 text-red-700'}`}
              >
                <strong className="mr-1">{result.ok ? 'Passed' : 'Failed'}</strong>
                {result.message}
              </p>
            ) : null}
          </td>
        </tr>
      )}
    </>
  );
}
