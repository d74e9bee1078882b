'use client';
// Selected Objects: what the task synchronizes, with names in the destination (orders →
// orders_copy), markers for a WHERE filter and restricted SQL operations, an Edit button per
// row, a right-click menu, and Batch Edit in the upper-right corner.
import { useMemo, useState } from 'react';
import { useReadOnlyReason } from '../data/me';
import { Button } from '../ui/button';
import { formatNumber } from '../ui/format';
import { ALL_OPS, tableKey, type CatalogIndex, type DmlOp } from './catalog-index';
import { columnChecked, schemaTri, setColumn, setSchema, setTable, tableTri, type CheckState, type Tri } from './checks';
import { ContextMenu } from './context-menu';
import { compileRules, destName } from './rename';
import { selectedChildren, type SelState } from './selection';
import type { ObjRef } from './selection-edit';
import { Marker, TriCheckbox } from './tree-parts';
import { TreeView } from './tree-view';
import { selectedRows, toggleFlip, type TreeRow } from './tree-rows';

const OP_LABEL: Record<DmlOp, string> = { insert: 'Insert', update: 'Update', delete: 'Delete' };
const opsMarker = (ops: DmlOp[] | undefined) =>
  ops && ops.length < ALL_OPS.length ? (
    <Marker title={`SQL operations to synchronize: ${ops.map((o) => OP_LABEL[o]).join(', ')}`}>{ops.map((o) => OP_LABEL[o][0]).join('/')}</Marker>
  ) : null;

const refOf = (r: TreeRow): ObjRef => ({ schema: r.schema, table: r.table, column: r.column });

export function SelectedPane({
  index,
  selection,
  checks,
  onChecks,
  onEdit,
  onRemove,
  onBatchEdit,
  summary,
}: {
  index: CatalogIndex;
  selection: SelState;
  checks: CheckState;
  onChecks: (c: CheckState) => void;
  onEdit: (ref: ObjRef) => void;
  onRemove: (ref: ObjRef) => void;
  onBatchEdit: () => void;
  summary: string;
}) {
  const readOnly = useReadOnlyReason('tasks');
  const [flipped, setFlipped] = useState<ReadonlySet<string>>(() => new Set());
  const [menu, setMenu] = useState<{ row: TreeRow; at: { x: number; y: number } } | null>(null);
  const rows = useMemo(() => selectedRows(selection, index, flipped), [selection, index, flipped]);
  const kids = useMemo(() => selectedChildren(selection, index), [selection, index]);
  const rules = useMemo(() => compileRules(selection.renameRules), [selection.renameRules]);
  const cap = selection.capitalization;

  const triOf = (r: TreeRow): Tri =>
    r.kind === 'schema' ? schemaTri(checks, r.schema) : r.kind === 'table' ? tableTri(checks, r.schema, r.table!) : columnChecked(checks, r.schema, r.table!, r.column!) ? 'all' : 'none';
  const setRow = (r: TreeRow, on: boolean) =>
    onChecks(
      r.kind === 'schema'
        ? setSchema(checks, r.schema, on, kids)
        : r.kind === 'table'
          ? setTable(checks, r.schema, r.table!, on, kids)
          : setColumn(checks, r.schema, r.table!, r.column!, on, kids),
    );

  const renderRow = (r: TreeRow, active: boolean) => {
    const s = selection.schemas.get(r.schema);
    const t = r.table !== undefined ? s?.tables?.get(r.table) : undefined;
    const c = r.column !== undefined ? t?.columns?.get(r.column) : undefined;
    const name = r.column ?? r.table ?? r.schema;
    const target = destName(rules, r.kind, name, r.kind === 'schema' ? s?.targetName : r.kind === 'table' ? t?.targetName : c?.targetName, cap);
    const cat = r.table !== undefined ? index.tables.get(tableKey(r.schema, r.table)) : undefined;
    return (
      <>
        <TriCheckbox state={triOf(r)} label={`Select ${r.label}`} onChange={(on) => setRow(r, on)} />
        <span className="min-w-0 truncate text-gray-800" title={target !== name ? `${r.label} → ${target}` : r.label}>
          {name}
          {target !== name && <span className="text-[#0070cc]"> → {target}</span>}
        </span>
        {r.kind === 'schema' && !s?.tables && (
          <Marker tone="muted" title="The whole schema, including tables created later">
            Entire schema
          </Marker>
        )}
        {r.kind === 'schema' && opsMarker(s?.ops)}
        {r.kind === 'table' && opsMarker(t?.ops)}
        {t?.where && r.kind === 'table' && (
          <Marker title={`Filter Conditions: ${t.where}`} testId={`filter-${r.label}`}>
            WHERE
          </Marker>
        )}
        {r.kind === 'table' && t?.columns && cat && <Marker tone="muted">{`${t.columns.size}/${cat.columns.length} columns`}</Marker>}
        {r.kind === 'table' && cat && !cat.primaryKey && (
          <Marker tone="warn" title="The table has no primary key: the precheck fails it for incremental synchronization">
            No primary key
          </Marker>
        )}
        {r.kind === 'column' && cat?.primaryKey?.includes(r.column!) && (
          <Marker tone="muted" title="Primary key column: it must stay selected">
            PK
          </Marker>
        )}
        {r.kind !== 'schema' && !cat && (
          <Marker tone="warn" title="Not found in the source database: refresh the object list or remove it">
            Not in source
          </Marker>
        )}
        <span className="flex-1" />
        <Button variant="link" tabIndex={active ? 0 : -1} className="shrink-0 !py-0 text-xs" aria-label={`Edit ${r.label}`} onClick={() => onEdit(refOf(r))}>
          Edit
        </Button>
      </>
    );
  };

  return (
    <section aria-label="Selected Objects" data-testid="objects-selected" className="flex min-w-0 flex-col rounded-sm border border-gray-200 bg-white">
      <div className="flex h-10 items-center justify-between border-b border-gray-200 bg-gray-50 px-3">
        <h3 className="text-sm font-semibold text-gray-800">Selected Objects</h3>
        <Button variant="link" className="text-xs" onClick={onBatchEdit} disabled={selection.schemas.size === 0} disabledReason={readOnly}>
          Batch Edit
        </Button>
      </div>
      <p className="border-b border-gray-100 px-3 py-2 text-xs text-gray-500" data-testid="objects-selected-summary">
        {summary}
      </p>
      <TreeView
        rows={rows}
        label="Selected Objects"
        testId="objects-selected-tree"
        rowTestIdPrefix="sel"
        height={458}
        renderRow={renderRow}
        onToggleOpen={(r) => setFlipped((f) => toggleFlip(f, r.id))}
        onToggleCheck={(r) => setRow(r, triOf(r) !== 'all')}
        onEnter={(r) => onEdit(refOf(r))}
        onContextMenu={(row, at) => setMenu({ row, at })}
        empty={<p className="p-6 text-center text-sm text-gray-500">No objects selected. Check objects in Source Objects and click the rightwards arrow.</p>}
      />
      {menu && (
        <ContextMenu
          at={menu.at}
          label={`Actions for ${menu.row.label}`}
          onClose={() => setMenu(null)}
          items={[
            { label: 'Edit', onSelect: () => onEdit(refOf(menu.row)) },
            { label: 'Remove', onSelect: () => onRemove(refOf(menu.row)) },
          ]}
        />
      )}
    </section>
  );
}

export const summaryText = (st: { schemas: number; wholeSchemas: number; listedTables: number }, index: CatalogIndex, selection: SelState): string => {
  if (st.schemas === 0) return 'Nothing selected yet.';
  let wholeTables = 0;
  for (const s of selection.schemas.values()) if (!s.tables) wholeTables += index.tablesBySchema.get(s.name)?.length ?? 0;
  const parts = [`${formatNumber(st.schemas)} schema${st.schemas === 1 ? '' : 's'}`];
  if (st.wholeSchemas) parts.push(`${formatNumber(st.wholeSchemas)} entire (${formatNumber(wholeTables)} table${wholeTables === 1 ? '' : 's'} now)`);
  if (st.listedTables) parts.push(`${formatNumber(st.listedTables)} table${st.listedTables === 1 ? '' : 's'} selected one by one`);
  return parts.join(' · ');
};
