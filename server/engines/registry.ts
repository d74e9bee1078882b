// Engines by name. Loaded lazily so that a process only loads the drivers it uses.
import { AppError } from '../errors';
import type { EngineModule, EngineName } from './types';

export async function getEngine(name: EngineName): Promise<EngineModule> {
  switch (name) {
    case 'postgres':
      return (await import('./postgres/index')).postgresEngine;
    case 'mysql':
      return (await import('./mysql/index')).mysqlEngine;
    case 'mongodb':
    case 'sqlserver':
      throw new AppError('BAD_REQUEST', `The ${name} engine is not available yet; PostgreSQL and MySQL are supported in this version`, 'engine');
  }
}
