// Names in the destination, as the server resolves them (server/pipeline/mapping.ts): a name
// typed for the object is used as it is; otherwise the first Batch Edit rule of the object's
// level whose pattern matches the whole source name renames it; then "Capitalization of Object
// Names in Destination Instance" applies to names that were not typed.
import { tableKey, qualified, selectableTables, type CatalogIndex, type ObjectSelection, type RenameRule } from './catalog-index';
import type { SelState } from './selection';
import { compileRenameRules, destinationName, type NamingRule } from '../../server/domain/naming';

export type Level = RenameRule['level'];
export const LEVELS: Level[] = ['schema', 'table', 'column'];
type Capitalization = ObjectSelection['capitalization'];

export interface CompiledRules {
  rules: NamingRule[];
  /** per rule, in the order given: why it cannot be used (the server's message), or null */
  errors: Array<string | null>;
  /** per rule: the input at fault, 'match' or 'replace' */
  fields: Array<'match' | 'replace' | null>;
  /** too many rules */
  countError: string | null;
}

/** the rules compiled as the server compiles them (RE2, server/domain/naming.ts), with its messages */
export function compileRules(rules: RenameRule[]): CompiledRules {
  const c = compileRenameRules(rules);
  return {
    rules: c.rules,
    errors: c.errors.map((e) => e?.message ?? null),
    fields: c.errors.map((e) => (e ? (e.field.endsWith('.replace') ? 'replace' : 'match') : null)),
    countError: c.countError?.message ?? null,
  };
}

/** the server's naming (server/domain/naming.ts), so the preview shows what the task will create */
export function destName(compiled: CompiledRules, level: Level, source: string, typed: string | undefined, cap: Capitalization): string {
  return destinationName(compiled.rules, level, source, typed, cap ?? 'default');
}

export interface PreviewRow {
  level: Level;
  /** qualified source name */
  source: string;
  target: string;
}

export interface Preview {
  rows: PreviewRow[];
  /** how many names change in all (rows holds the first `limit`) */
  changed: number;
  errors: Array<string | null>;
  fields: Array<'match' | 'replace' | null>;
  countError: string | null;
  /**
   * destination names that several selected objects would get, each with every object that
   * collides on it (the server refuses such a selection at the first one)
   */
  collisions: { target: string; sources: string[] }[];
}

/** what Batch Edit rules would do to the selected objects: the names that change */
export function previewRenames(state: SelState, index: CatalogIndex, rules: RenameRule[], cap: Capitalization, limit = 200): Preview {
  const compiled = compileRules(rules);
  const rows: PreviewRow[] = [];
  let changed = 0;
  const add = (level: Level, source: string, name: string, target: string) => {
    if (target === name) return;
    changed++;
    if (rows.length < limit) rows.push({ level, source, target });
  };
  const columnRules = compiled.rules.some((r) => r.level === 'column') || cap === 'lower' || cap === 'upper';
  // destination table -> source tables, and per table destination column -> source columns
  const byTarget = new Map<string, { target: string; sources: string[] }>();
  const claim = (key: string, target: string, source: string) => {
    const e = byTarget.get(key) ?? { target, sources: [] };
    e.sources.push(source);
    byTarget.set(key, e);
  };
  for (const s of state.schemas.values()) {
    const schemaTarget = destName(compiled, 'schema', s.name, s.targetName, cap);
    add('schema', s.name, s.name, schemaTarget);
    const tables = s.tables ? [...s.tables.values()] : selectableTables(index, s.name).map((t) => ({ name: t.name, targetName: undefined, columns: null }));
    for (const t of tables) {
      const tableTarget = destName(compiled, 'table', t.name, t.targetName, cap);
      add('table', qualified(s.name, t.name), t.name, tableTarget);
      claim(`t\u0000${schemaTarget}\u0000${tableTarget}`, qualified(schemaTarget, tableTarget), qualified(s.name, t.name));
      if (!columnRules) continue;
      const cols = t.columns ? [...t.columns.values()] : (index.tables.get(tableKey(s.name, t.name))?.columns ?? []).map((c) => ({ name: c.name, targetName: undefined }));
      for (const c of cols) {
        const colTarget = destName(compiled, 'column', c.name, c.targetName, cap);
        add('column', qualified(s.name, t.name, c.name), c.name, colTarget);
        claim(`c\u0000${s.name}\u0000${t.name}\u0000${colTarget}`, qualified(schemaTarget, tableTarget, colTarget), qualified(s.name, t.name, c.name));
      }
    }
  }
  const collisions = [...byTarget.values()].filter((e) => e.sources.length > 1);
  return { rows, changed, errors: compiled.errors, fields: compiled.fields, countError: compiled.countError, collisions };
}
