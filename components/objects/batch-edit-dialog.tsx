'use client';
// Batch Edit (upper-right corner of Selected Objects): rename many objects at once with rules
// (level, a regular expression in RE2 syntax over the whole source name, a replacement), with a
// live preview of the names that change. The rules are checked as the server checks them
// (server/domain/naming.ts): a rule the server would refuse shows the server's message.
import { useDeferredValue, useId, useMemo, useState } from 'react';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { MAX_PATTERN_LENGTH, MAX_RENAME_RULES, RE2_SYNTAX_URL } from '../../server/domain/naming';
import { formatNumber } from '../ui/format';
import type { CatalogIndex, RenameRule } from './catalog-index';
import { LEVELS, previewRenames } from './rename';
import type { SelState } from './selection';

const LEVEL_LABEL = { schema: 'Schema', table: 'Table', column: 'Column' };
const INPUT = 'rounded-sm border border-gray-300 px-2 py-1 text-sm focus:border-[#ff6a00] focus:outline-none';

export function BatchEditDialog({ index, selection, onSave, onClose }: { index: CatalogIndex; selection: SelState; onSave: (rules: RenameRule[]) => void; onClose: () => void }) {
  const id = useId();
  const [rules, setRules] = useState<RenameRule[]>(() => (selection.renameRules.length ? selection.renameRules : [{ level: 'table', match: '', replace: '' }]));
  const deferred = useDeferredValue(rules);
  const preview = useMemo(() => previewRenames(selection, index, deferred, selection.capitalization), [selection, index, deferred]);
  const [tried, setTried] = useState(false);
  const update = (i: number, patch: Partial<RenameRule>) => setRules((rs) => rs.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const errors = rules === deferred ? preview.errors : [];
  const errorFields = rules === deferred ? preview.fields : [];
  const shown = (i: number, field: 'match' | 'replace') => {
    const r = rules[i];
    if (!errors[i] || errorFields[i] !== field || (r.match === '' && r.replace === '')) return null;
    return tried || r.match !== '' ? errors[i] : null;
  };
  const usable = rules.filter((r) => r.match !== '' || r.replace !== '');

  const submit = () => {
    setTried(true);
    const check = previewRenames(selection, index, usable, selection.capitalization, 0);
    if (check.countError || check.errors.some((e) => e) || check.collisions.length) return;
    onSave(usable);
  };

  return (
    <Dialog
      title="Batch Edit"
      onClose={onClose}
      width="max-w-3xl"
      footer={
        <>
          <Button variant="primary" type="submit" form={`${id}-form`}>
            OK
          </Button>
          <Button onClick={onClose}>Cancel</Button>
        </>
      }
    >
      <form
        id={`${id}-form`}
        data-testid="objects-batch-edit-dialog"
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <p className="text-xs text-gray-500">
          Each rule renames the selected objects of its level whose whole source name matches the pattern (a regular expression in{' '}
          <a className="text-[#0070cc] hover:underline" href={RE2_SYNTAX_URL} target="_blank" rel="noreferrer">
            RE2 syntax
          </a>
          : no backreferences or lookarounds); use $1, $2… or $&lt;name&gt; in Replace for the groups, $&amp; for the whole name. The first matching rule of a level applies. A name set for a single
          object with Edit takes precedence.
        </p>
        <table className="w-full text-sm">
          <thead>
            <tr className="bg-gray-50 text-left text-xs text-gray-600">
              <th className="px-2 py-1.5 font-medium">Level</th>
              <th className="px-2 py-1.5 font-medium">Match</th>
              <th className="px-2 py-1.5 font-medium">Replace</th>
              <th className="px-2 py-1.5" />
            </tr>
          </thead>
          <tbody>
            {rules.map((r, i) => (
              <tr key={i} className="align-top">
                <td className="px-2 py-1">
                  <select aria-label={`Rule ${i + 1} Level`} className={INPUT} value={r.level} onChange={(e) => update(i, { level: e.target.value as RenameRule['level'] })}>
                    {LEVELS.map((l) => (
                      <option key={l} value={l}>
                        {LEVEL_LABEL[l]}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="px-2 py-1">
                  <input
                    aria-label={`Rule ${i + 1} Match`}
                    aria-invalid={shown(i, 'match') ? true : undefined}
                    className={`${INPUT} w-full font-mono`}
                    placeholder="(.*)"
                    maxLength={MAX_PATTERN_LENGTH}
                    value={r.match}
                    onChange={(e) => update(i, { match: e.target.value })}
                  />
                  {shown(i, 'match') && (
                    <p role="alert" className="mt-1 text-xs text-red-600">
                      {shown(i, 'match')}
                    </p>
                  )}
                </td>
                <td className="px-2 py-1">
                  <input
                    aria-label={`Rule ${i + 1} Replace`}
                    aria-invalid={shown(i, 'replace') ? true : undefined}
                    className={`${INPUT} w-full font-mono`}
                    placeholder="$1_copy"
                    maxLength={MAX_PATTERN_LENGTH}
                    value={r.replace}
                    onChange={(e) => update(i, { replace: e.target.value })}
                  />
                  {shown(i, 'replace') && (
                    <p role="alert" className="mt-1 text-xs text-red-600">
                      {shown(i, 'replace')}
                    </p>
                  )}
                </td>
                <td className="px-2 py-1">
                  <Button variant="link" aria-label={`Delete rule ${i + 1}`} onClick={() => setRules((rs) => rs.filter((_, k) => k !== i))}>
                    Delete
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Button
          disabled={rules.length >= MAX_RENAME_RULES}
          title={rules.length >= MAX_RENAME_RULES ? `At most ${MAX_RENAME_RULES} rules` : undefined}
          onClick={() => setRules((rs) => [...rs, { level: 'table', match: '', replace: '' }])}
        >
          Add Rule
        </Button>
        {preview.countError && (
          <p role="alert" className="text-xs text-red-600">
            {preview.countError}
          </p>
        )}
        {preview.collisions.length > 0 && (
          <div role="alert" className="text-xs text-red-600" data-testid="batch-edit-collisions">
            <p>These objects would get the same name in the destination. Change the rules so that each gets its own name:</p>
            <ul className="mt-1 list-disc pl-5">
              {preview.collisions.slice(0, 20).map((c) => (
                <li key={c.target}>
                  {c.sources.join(', ')} → {c.target}
                </li>
              ))}
              {preview.collisions.length > 20 && <li>and {formatNumber(preview.collisions.length - 20)} more</li>}
            </ul>
          </div>
        )}
        <div>
          <h4 className="mb-1 text-sm font-medium text-gray-700">Preview</h4>
          <p className="mb-1 text-xs text-gray-500" data-testid="batch-edit-preview-count">
            {preview.changed === 0 ? 'No selected object is renamed.' : `${formatNumber(preview.changed)} name${preview.changed === 1 ? '' : 's'} change${preview.rows.length < preview.changed ? ` (first ${preview.rows.length} shown)` : ''}.`}
          </p>
          {preview.rows.length > 0 && (
            <div className="max-h-56 overflow-y-auto border border-gray-200">
              <table className="w-full text-xs" aria-label="Preview of names in the destination">
                <thead className="sticky top-0 bg-gray-50 text-left text-gray-600">
                  <tr>
                    <th className="px-2 py-1 font-medium">Level</th>
                    <th className="px-2 py-1 font-medium">Source Name</th>
                    <th className="px-2 py-1 font-medium">Name in Destination</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.rows.map((r) => (
                    <tr key={`${r.level}:${r.source}`} className="border-t border-gray-100">
                      <td className="px-2 py-1 text-gray-500">{LEVEL_LABEL[r.level]}</td>
                      <td className="px-2 py-1 font-mono">{r.source}</td>
                      <td className="px-2 py-1 font-mono text-[#0070cc]">{r.target}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      </form>
    </Dialog>
  );
}
