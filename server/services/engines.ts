// The engine registry and the object mapper, loaded on first use so that the API (and every
// test of it) starts without loading database drivers.
import type { Catalog, EngineModule, EngineName, TableMapping } from '../engines/types';
import type { ObjectSelection } from './task-config';

export async function engineFor(name: EngineName): Promise<EngineModule> {
  const { getEngine } = await import('../engines/registry');
  return getEngine(name);
}

export async function mappingsFor(catalog: Catalog, selection: ObjectSelection): Promise<TableMapping[]> {
  const { resolveMappings } = await import('../pipeline/mapping');
  return resolveMappings(catalog, selection);
}
