// Destination names, shared by the replicator's mapping and the console's Batch Edit preview
// (pure: no imports, so the browser bundle can use it too). In order: a name the operator typed
// is used as it is; otherwise the first Batch Edit rule of the object's level whose pattern
// matches the whole source name gives the name; otherwise the source name. Names from a rule or
// the source then follow "Capitalization of Object Names in Destination Instance".
export type NamingLevel = 'schema' | 'table' | 'column';
export type Capitalization = 'default' | 'source' | 'lower' | 'upper';

export interface NamingRule {
  level: NamingLevel;
  re: RegExp;
  replace: string;
}

/** a Batch Edit pattern matched against the whole name; throws SyntaxError when it is not valid */
export function ruleRegExp(match: string): RegExp {
  return new RegExp(`^(?:${match})$`);
}

export function applyCapitalization(name: string, mode: Capitalization): string {
  if (mode === 'lower') return name.toLowerCase();
  if (mode === 'upper') return name.toUpperCase();
  return name;
}

export function destinationName(rules: NamingRule[], level: NamingLevel, source: string, typed: string | undefined, cap: Capitalization): string {
  if (typed) return typed;
  const rule = rules.find((r) => r.level === level && r.re.test(source));
  return applyCapitalization(rule ? source.replace(rule.re, rule.replace) : source, cap);
}
