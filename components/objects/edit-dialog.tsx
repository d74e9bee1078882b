'use client';
// Edit one selected object (right-click → Edit, the row's Edit button, or Enter): its name in
// the destination, the SQL operations to synchronize (schema, table) and a table's Filter
// Conditions, which the source checks (validateFilter) before the dialog accepts them.
import { useId, useState } from 'react';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/states';
import { ALL_OPS, type DmlOp } from './catalog-index';
import { normalizeOps, refLabel, type EditValues, type ObjRef } from './selection-edit';

const OP_LABEL: Record<DmlOp, string> = { insert: 'Insert', update: 'Update', delete: 'Delete' };
const TITLE = { schema: 'Edit Schema', table: 'Edit Table', column: 'Edit Column' };

export function EditDialog({
  target,
  initial,
  defaultName,
  onSave,
  onClose,
  validateFilter,
}: {
  target: ObjRef;
  initial: EditValues;
  /** the name in the destination when none is typed (after Batch Edit rules and capitalization) */
  defaultName: string;
  onSave: (v: EditValues) => void;
  onClose: () => void;
  validateFilter: (table: { schema: string; name: string }, where: string) => Promise<string | null>;
}) {
  const id = useId();
  const kind = target.column ? 'column' : target.table ? 'table' : 'schema';
  const [targetName, setTargetName] = useState(initial.targetName);
  const [ops, setOps] = useState<DmlOp[]>(initial.ops);
  const [where, setWhere] = useState(initial.where);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  const submit = async () => {
    if (kind !== 'column') {
      const n = normalizeOps(ops);
      if (n.error) return setError(n.error);
    }
    const w = where.trim();
    if (kind === 'table' && w && w !== initial.where.trim()) {
      setChecking(true);
      setError(null);
      try {
        const message = await validateFilter({ schema: target.schema, name: target.table! }, w);
        if (message) return setError(message);
      } catch (e) {
        return setError(e instanceof Error ? e.message : String(e));
      } finally {
        setChecking(false);
      }
    }
    onSave({ targetName, ops, where: w });
  };

  return (
    <Dialog
      title={TITLE[kind]}
      onClose={onClose}
      width="max-w-xl"
      footer={
        <>
          <Button variant="primary" type="submit" form={`${id}-form`} disabled={checking}>
            {checking ? 'Checking…' : 'OK'}
          </Button>
          <Button onClick={onClose}>Cancel</Button>
        </>
      }
    >
      <form
        id={`${id}-form`}
        data-testid="objects-edit-dialog"
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="text-xs text-gray-500">
          Source object: <span className="font-medium text-gray-800">{refLabel(target)}</span>
        </p>
        <div>
          <label htmlFor={`${id}-name`} className="mb-1 block text-sm text-gray-700">
            Name in Destination
          </label>
          <input
            id={`${id}-name`}
            data-autofocus
            className="w-full rounded-sm border border-gray-300 px-2 py-1 text-sm focus:border-[#ff6a00] focus:outline-none"
            value={targetName}
            placeholder={defaultName}
            maxLength={128}
            onChange={(e) => setTargetName(e.target.value)}
          />
          <p className="mt-1 text-xs text-gray-500">Leave empty to use {defaultName}. If you rename an object, other objects that depend on it may fail to be synchronized.</p>
        </div>
        {kind !== 'column' && (
          <fieldset>
            <legend className="mb-1 text-sm text-gray-700">SQL Operations to Synchronize</legend>
            <div className="flex gap-4">
              {ALL_OPS.map((o) => (
                <label key={o} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    className="accent-[#ff6a00]"
                    checked={ops.includes(o)}
                    onChange={(e) => setOps((cur) => (e.target.checked ? [...cur, o] : cur.filter((x) => x !== o)))}
                  />
                  {OP_LABEL[o]}
                </label>
              ))}
            </div>
          </fieldset>
        )}
        {kind === 'table' && (
          <div>
            <label htmlFor={`${id}-where`} className="mb-1 block text-sm text-gray-700">
              Filter Conditions
            </label>
            <textarea
              id={`${id}-where`}
              rows={4}
              maxLength={4000}
              spellCheck={false}
              className="w-full rounded-sm border border-gray-300 px-2 py-1 font-mono text-xs focus:border-[#ff6a00] focus:outline-none"
              placeholder="e.g. total > 100 AND status <> 'cancelled'"
              value={where}
              onChange={(e) => setWhere(e.target.value)}
            />
            <p className="mt-1 text-xs text-gray-500">A SQL WHERE condition over the columns of the source table, without the WHERE keyword. It filters both full and incremental data. Leave empty for all rows.</p>
          </div>
        )}
        <ErrorMessage error={error} />
      </form>
    </Dialog>
  );
}
