'use client';
// Source Objects: the catalog as a tree with a search box, checkboxes and markers.
import { useDeferredValue, useMemo, useState } from 'react';
import { formatNumber } from '../ui/format';
import { tableKey, type CatalogIndex } from './catalog-index';
import { columnChecked, schemaTri, setColumn, setSchema, setTable, setTables, tableTri, type CheckState, type Tri } from './checks';
import type { SelState } from './selection';
import { isSelected, sourceChildren, sourceKeyColumnHint } from './source-tree';
import { Marker, TriCheckbox } from './tree-parts';
import { TreeView } from './tree-view';
import { sourceRows, toggleFlip, visibleSelectable, type TreeRow } from './tree-rows';

export function SourcePane({
  index,
  selection,
  checks,
  onChecks,
  onHint,
}: {
  index: CatalogIndex;
  selection: SelState;
  checks: CheckState;
  onChecks: (c: CheckState) => void;
  onHint: (hint: string) => void;
}) {
  const [search, setSearch] = useState('');
  const query = useDeferredValue(search);
  const [flipped, setFlipped] = useState<ReadonlySet<string>>(() => new Set());
  const rows = useMemo(() => sourceRows(index, flipped, query), [index, flipped, query]);
  const kids = useMemo(() => sourceChildren(index), [index]);
  const visible = useMemo(() => visibleSelectable(index, query), [index, query]);
  const allTri: Tri = useMemo(() => {
    const n = visible.filter((t) => tableTri(checks, t.schema, t.name) === 'all').length;
    return n === 0 ? 'none' : n === visible.length ? 'all' : 'some';
  }, [visible, checks]);

  const disabledRow = (r: TreeRow) =>
    r.table !== undefined ? index.disabled.has(tableKey(r.schema, r.table)) : (index.tablesBySchema.get(r.schema)?.length ?? 0) > 0 && kids.tables(r.schema).length === 0;
  const triOf = (r: TreeRow): Tri =>
    r.kind === 'schema' ? schemaTri(checks, r.schema, kids) : r.kind === 'table' ? tableTri(checks, r.schema, r.table!) : columnChecked(checks, r.schema, r.table!, r.column!) ? 'all' : 'none';
  const setRow = (r: TreeRow, on: boolean) => {
    if (disabledRow(r)) return;
    if (r.kind === 'schema') onChecks(setSchema(checks, r.schema, on, kids));
    else if (r.kind === 'table') onChecks(setTable(checks, r.schema, r.table!, on, kids));
    else {
      if (!on && index.tables.get(tableKey(r.schema, r.table!))?.primaryKey?.includes(r.column!)) onHint(sourceKeyColumnHint(r.schema, r.table!, r.column!));
      onChecks(setColumn(checks, r.schema, r.table!, r.column!, on, kids));
    }
  };

  const renderRow = (r: TreeRow) => {
    const t = r.table !== undefined ? index.tables.get(tableKey(r.schema, r.table)) : undefined;
    const disabled = disabledRow(r);
    const done = r.kind !== 'column' && isSelected(selection, r.schema, r.table);
    return (
      <>
        <TriCheckbox state={triOf(r)} label={`Select ${r.label}`} disabled={disabled} onChange={(on) => setRow(r, on)} />
        <span className={`min-w-0 truncate ${done || disabled ? 'text-gray-400' : 'text-gray-800'}`} title={r.label}>
          {r.kind === 'schema' ? r.schema : r.kind === 'table' ? r.table : r.column}
        </span>
        {r.kind === 'schema' && <span className="shrink-0 text-xs text-gray-400">({formatNumber(index.tablesBySchema.get(r.schema)?.length ?? 0)})</span>}
        {r.kind === 'table' && t && !t.primaryKey && (
          <Marker tone="warn" title="The table has no primary key: the precheck fails it for incremental synchronization" testId={`no-pk-${r.label}`}>
            No primary key
          </Marker>
        )}
        {t?.partitioned && r.kind === 'table' && <Marker tone="muted">Partitioned</Marker>}
        {disabled && r.kind === 'table' && (
          <Marker tone="muted" title="Selected by the forward direction of the two-way synchronization">
            In forward direction
          </Marker>
        )}
        {done && <Marker tone="muted">Selected</Marker>}
        {r.kind === 'column' && t && (
          <>
            <span className="shrink-0 text-xs text-gray-400">{t.columns.find((c) => c.name === r.column)?.nativeType}</span>
            {t.primaryKey?.includes(r.column!) && (
              <Marker tone="muted" title="Primary key column">
                PK
              </Marker>
            )}
          </>
        )}
      </>
    );
  };

  return (
    <section aria-label="Source Objects" data-testid="objects-source" className="flex min-w-0 flex-col rounded-sm border border-gray-200 bg-white">
      <div className="flex h-10 items-center justify-between border-b border-gray-200 bg-gray-50 px-3">
        <h3 className="text-sm font-semibold text-gray-800">Source Objects</h3>
        <span className="text-xs text-gray-500">{formatNumber(index.catalog.tables.length)} tables</span>
      </div>
      <div className="space-y-2 border-b border-gray-100 p-2">
        <input
          type="search"
          aria-label="Search Source Objects"
          placeholder="Search by schema or table name"
          className="w-full rounded-sm border border-gray-300 px-2 py-1 text-sm focus:border-[#ff6a00] focus:outline-none"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <label className="flex items-center gap-2 text-xs text-gray-600">
          <TriCheckbox state={allTri} label={query ? 'Select all matching tables' : 'Select all tables'} disabled={visible.length === 0} onChange={(on) => onChecks(setTables(checks, visible, on, kids))} />
          {query ? `Select all ${formatNumber(visible.length)} matching tables` : 'Select All'}
        </label>
      </div>
      <TreeView
        rows={rows}
        label="Source Objects"
        testId="objects-source-tree"
        rowTestIdPrefix="src"
        renderRow={renderRow}
        onToggleOpen={(r) => setFlipped((f) => toggleFlip(f, r.id))}
        onToggleCheck={(r) => setRow(r, triOf(r) !== 'all')}
        empty={<p className="p-6 text-center text-sm text-gray-500">{query ? `No schema or table matches "${query}".` : 'The source database has no schemas.'}</p>}
      />
    </section>
  );
}
