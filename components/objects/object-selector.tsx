'use client';
// Configure Objects (seed 003 step 7): Source Objects and Selected Objects side by side, the
// arrow buttons between them, Edit for one object and Batch Edit for many. The selection rules
// live in the pure modules beside this file; this component keeps the UI state (checkboxes,
// dialogs, notes) and hands every change to the wizard as an ObjectSelection.
import { useCallback, useMemo, useState } from 'react';
import { Button } from '../ui/button';
import { BatchEditDialog } from './batch-edit-dialog';
import { indexCatalog, tableKey, type Catalog, type ObjectSelection } from './catalog-index';
import { emptyChecks, isEmptyChecks, type CheckState } from './checks';
import { EditDialog } from './edit-dialog';
import { compileRules, destName } from './rename';
import { SelectedPane, summaryText } from './selected-pane';
import { fromSelection, moveToSelected, removeChecked, toSelection, type Outcome } from './selection';
import { applyEdit, currentEdit, removeObject, selectionStats, tooManyTablesWarning, type ObjRef } from './selection-edit';
import { SourcePane } from './source-pane';

export type { Catalog, ObjectSelection };

export function ObjectSelector({
  catalog,
  value,
  onChange,
  validateFilter,
  disabledTables,
}: {
  catalog: Catalog;
  value: ObjectSelection | null;
  onChange: (v: ObjectSelection | null) => void;
  /** checks a WHERE condition against the source: null when valid, else the server's message */
  validateFilter: (table: { schema: string; name: string }, where: string) => Promise<string | null>;
  /** tables that cannot be selected (the forward direction's, for the reverse direction of a two-way pair) */
  disabledTables?: Array<{ schema: string; name: string }>;
}) {
  // a new array with the same tables must not rebuild the index of 5,000 tables
  const disabledKey = (disabledTables ?? []).map((t) => tableKey(t.schema, t.name)).join('\u0001');
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const index = useMemo(() => indexCatalog(catalog, disabledTables ?? []), [catalog, disabledKey]);
  const selection = useMemo(() => fromSelection(value), [value]);
  const stats = useMemo(() => selectionStats(selection), [selection]);
  const [srcChecks, setSrcChecks] = useState<CheckState>(emptyChecks);
  const [selChecks, setSelChecks] = useState<CheckState>(emptyChecks);
  const [notes, setNotes] = useState<string[]>([]);
  const [editing, setEditing] = useState<ObjRef | null>(null);
  const [batch, setBatch] = useState(false);

  const commit = (o: Outcome) => {
    // keep the capitalization the wizard gave
    onChange(toSelection({ ...o.state, capitalization: selection.capitalization }, index));
    setNotes(o.notes);
  };
  const moveIn = () => {
    commit(moveToSelected(selection, srcChecks, index));
    setSrcChecks(emptyChecks());
  };
  const moveOut = () => {
    commit(removeChecked(selection, selChecks, index));
    setSelChecks(emptyChecks());
  };
  const closeEdit = useCallback(() => setEditing(null), []);
  const closeBatch = useCallback(() => setBatch(false), []);
  const warning = tooManyTablesWarning(stats, selection.renameRules.length > 0);

  const editDefaultName = () => {
    if (!editing) return '';
    const level = editing.column ? 'column' : editing.table ? 'table' : 'schema';
    return destName(compileRules(selection.renameRules), level, editing.column ?? editing.table ?? editing.schema, undefined, selection.capitalization);
  };

  return (
    <div className="space-y-2" data-testid="object-selector">
      {notes.length > 0 && (
        <div role="status" data-testid="objects-notes" className="flex items-start gap-2 rounded-sm border border-blue-200 bg-blue-50 px-3 py-2 text-xs text-gray-700">
          <ul className="flex-1 space-y-0.5">
            {notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
          <button type="button" aria-label="Dismiss" className="text-gray-400 hover:text-gray-700" onClick={() => setNotes([])}>
            ×
          </button>
        </div>
      )}
      {warning && (
        <p role="alert" data-testid="objects-too-many-tables" className="rounded-sm border border-amber-300 bg-amber-50 px-3 py-2 text-xs text-amber-800">
          {warning}
        </p>
      )}
      <div className="grid grid-cols-[minmax(0,1fr)_auto_minmax(0,1fr)] items-center gap-3">
        <SourcePane index={index} selection={selection} checks={srcChecks} onChecks={setSrcChecks} onHint={(h) => setNotes([h])} />
        <div className="flex flex-col gap-2">
          <Button aria-label="Move to Selected Objects" title="Move to Selected Objects" className="!px-2.5" disabled={isEmptyChecks(srcChecks)} onClick={moveIn}>
            {'>'}
          </Button>
          <Button aria-label="Move to Source Objects" title="Move to Source Objects" className="!px-2.5" disabled={isEmptyChecks(selChecks)} onClick={moveOut}>
            {'<'}
          </Button>
        </div>
        <SelectedPane
          index={index}
          selection={selection}
          checks={selChecks}
          onChecks={setSelChecks}
          onEdit={setEditing}
          onRemove={(ref) => {
            commit(removeObject(selection, ref, index));
            setSelChecks(emptyChecks());
          }}
          onBatchEdit={() => setBatch(true)}
          summary={summaryText(stats, index, selection)}
        />
      </div>
      {editing && (
        <EditDialog
          key={`${editing.schema}.${editing.table}.${editing.column}`}
          target={editing}
          initial={currentEdit(selection, editing)}
          defaultName={editDefaultName()}
          validateFilter={validateFilter}
          onClose={closeEdit}
          onSave={(v) => {
            commit(applyEdit(selection, editing, v, index));
            setSelChecks(emptyChecks());
            setEditing(null);
          }}
        />
      )}
      {batch && (
        <BatchEditDialog
          index={index}
          selection={selection}
          onClose={closeBatch}
          onSave={(renameRules) => {
            commit({ state: { ...selection, renameRules }, notes: [] });
            setBatch(false);
          }}
        />
      )}
    </div>
  );
}
