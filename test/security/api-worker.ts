// The test API (test/api/harness.ts: a real metadata database and the API on a node http server)
// in a worker thread of its own, started by apiInWorker() in patterns.test.ts. The test's thread
// stays free while the API evaluates user input, so it can see whether the API still answers,
// and it can stop the worker when the API is frozen (a test fails then, it does not hang).
// Messages: the worker posts { ready } or { failed }; on 'stop' it stops the API and posts 'stopped'.
import { parentPort } from 'node:worker_threads';
import { startApi } from '../api/harness';

export interface WorkerReady {
  url: string;
  token: string;
  /** the metadata database, for direct reads and writes by the test */
  metaUrl: string;
  /** to stop the metadata server if the worker has to be terminated */
  metaDataDir: string | null;
  dataDir: string;
}

const port = parentPort;
if (port) {
  try {
    const api = await startApi();
    const ready: WorkerReady = { url: api.url, token: api.token, metaUrl: api.meta.url('dts_meta'), metaDataDir: api.meta.local?.dataDir ?? null, dataDir: api.dataDir };
    port.on('message', (m) => {
      if (m !== 'stop') return;
      void api
        .stop()
        .catch((e: unknown) => console.error(`stopping the API: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => {
          port.postMessage('stopped');
          port.close();
        });
    });
    port.postMessage({ ready });
  } catch (e) {
    port.postMessage({ failed: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    port.close();
  }
}
