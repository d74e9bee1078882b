// The MySQL engine (MySQL and MariaDB), assembled from its capability files.
import type { EngineModule } from '../types';
import { isConnectionError } from './connect';
import { writeFence } from './fence';
import { introspector } from './introspect';
import { prechecker } from './precheck';
import { retainedProbe } from './retained';
import { schemaSync } from './schema';
import { sequenceSync } from './sequences';
import { snapshotSource } from './snapshot';
import { streamSource } from './stream';
import { writerTarget } from './writer';

export const mysqlEngine: EngineModule = {
  name: 'mysql',
  classifyError: (e) => (isConnectionError(e) ? 'connection' : 'other'),
  introspector,
  prechecker,
  schema: schemaSync,
  snapshot: snapshotSource,
  stream: streamSource,
  writer: writerTarget,
  sequences: sequenceSync,
  retained: retainedProbe,
  fence: writeFence,
};
