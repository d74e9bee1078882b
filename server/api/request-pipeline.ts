// What our own HTTP server does to every request before anything else sees it, the same in
// production (scripts/start.ts, in front of Next) and in the API tests (test/api/harness.ts):
//   - security headers on the response (server/api/security-headers.ts); pages get a
//     Content-Security-Policy with a fresh nonce, which is also put on the request for Next;
//     API responses get Cache-Control: no-store
//   - the client's address in the request header x-dts-client-address, set from the TCP peer
//     (or X-Forwarded-For behind DTS_TRUST_PROXY proxies) after removing what the client sent
//   - a body size limit (DTS_MAX_BODY_BYTES, 1 MiB by default): 413 when Content-Length says more,
//     or when a chunked body streams more
// Nothing here imports Next.js; the replicator does not import this module.
import { IncomingMessage, type ServerResponse } from 'node:http';
import { CLIENT_ADDRESS_HEADER, clientAddress } from './client-address';
import { API_POLICY, COMMON_SECURITY_HEADERS, isApiPath, newNonce, pagePolicy } from './security-headers';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const MAX_BODY_VAR = 'DTS_MAX_BODY_BYTES';
export const TRUST_PROXY_VAR = 'DTS_TRUST_PROXY';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface PipelineSettings {
  maxBodyBytes: number;
  /** how many proxies in front of us append to X-Forwarded-For; 0: use the TCP peer */
  trustProxy: number;
  /** Next.js in development mode: a CSP that its dev tooling works with */
  dev: boolean;
}

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number of at least ${min} (it is "${raw}")`);
  return n;
}

export function pipelineSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): PipelineSettings {
  return {
    maxBodyBytes: intSetting(env, MAX_BODY_VAR, DEFAULT_MAX_BODY_BYTES, 1),
    trustProxy: intSetting(env, TRUST_PROXY_VAR, 0, 0),
    dev: env.DTS_DEV === '1',
  };
}

/** replaces every value of a request header, in `headers` and in `rawHeaders` alike */
function setRequestHeader(req: IncomingMessage, name: string, value: string | undefined): void {
  delete req.headers[name];
  const raw: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() !== name) raw.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  if (value !== undefined) {
    req.headers[name] = value;
    raw.push(name, value);
  }
  req.rawHeaders = raw;
}

function describeLimit(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes} bytes (${bytes / (1024 * 1024)} MiB)`;
  if (bytes % 1024 === 0) return `${bytes} bytes (${bytes / 1024} KiB)`;
  return `${bytes} bytes`;
}

/** the 413 answer: tRPC's error shape for /api/trpc (so its clients show the message), text elsewhere */
function tooLarge(req: IncomingMessage, res: ServerResponse, pathname: string, search: string, max: number): void {
  const message = `Request body too large: the limit is ${describeLimit(max)}, set by ${MAX_BODY_VAR}`;
  let body: string;
  let type: string;
  if (pathname.startsWith('/api/trpc/')) {
    const error = { json: { message, code: -32013, data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413, path: null, field: null } } };
    const calls = pathname.slice('/api/trpc/'.length).split(',').length;
    body = JSON.stringify(new URLSearchParams(search).get('batch') === '1' ? Array.from({ length: calls }, () => ({ error })) : { error });
    type = 'application/json';
  } else {
    body = `${message}\n`;
    type = 'text/plain; charset=utf-8';
  }
  res.statusCode = 413;
  res.setHeader('content-type', type);
  res.setHeader('content-length', Buffer.byteLength(body));
  // The answer is written at once (a client reads it whole, by its Content-Length, while it still
  // sends), but the response ends only when the rest of the body has been read and thrown away:
  // Node closes a Connection: close socket when the response ends, and closing a socket with
  // unread data resets the connection, so a client still sending would lose the answer. A client
  // that goes on sending far past the limit is cut off.
  res.write(body);
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_FACTOR * max) req.socket.destroy();
  });
  req.on('end', () => res.end());
  req.resume();
}

/** how much past the limit a refused body is read (and thrown away) before the connection is cut */
const DISCARD_FACTOR = 16;

/** the body of a chunked request, or null once it streams more than `max` bytes */
function readLimited(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        done();
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks));
    };
    const onError = (e: Error) => {
      done();
      reject(e);
    };
    const onClose = () => {
      done();
      reject(new Error('the client closed the connection before the request body ended'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** the request again, with its (already read) chunked body as a plain Content-Length body */
function withBody(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new IncomingMessage(req.socket);
  copy.method = req.method;
  copy.url = req.url;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  copy.rawHeaders = [...req.rawHeaders];
  copy.headers = { ...req.headers };
  setRequestHeader(copy, 'transfer-encoding', undefined);
  setRequestHeader(copy, 'content-length', String(body.length));
  copy.complete = true;
  copy.push(body);
  copy.push(null);
  return copy;
}

/** a node:http request listener: the checks above, then `handle` */
export function createRequestPipeline(handle: Handler, overrides: Partial<PipelineSettings> = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const settings = { ...pipelineSettingsFromEnv(), ...overrides };
  const run = async (incoming: IncomingMessage, res: ServerResponse): Promise<void> => {
    let req = incoming;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const api = isApiPath(url.pathname);
    for (const [name, value] of Object.entries(COMMON_SECURITY_HEADERS)) res.setHeader(name, value);
    // the client's own policy headers never reach Next: it takes its nonce from them
    setRequestHeader(req, 'content-security-policy-report-only', undefined);
    if (api) {
      res.setHeader('content-security-policy', API_POLICY);
      res.setHeader('cache-control', 'no-store');
      setRequestHeader(req, 'content-security-policy', undefined);
    } else {
      const policy = pagePolicy(newNonce(), { dev: settings.dev });
      res.setHeader('content-security-policy', policy);
      setRequestHeader(req, 'content-security-policy', policy);
    }
    setRequestHeader(req, CLIENT_ADDRESS_HEADER, clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], settings.trustProxy));

    const declared = req.headers['content-length'];
    if (declared !== undefined) {
      // Node's parser reads exactly Content-Length bytes, so checking the number is enough
      if (Number(declared) > settings.maxBodyBytes) return tooLarge(req, res, url.pathname, url.search, settings.maxBodyBytes);
    } else if (req.headers['transfer-encoding'] !== undefined) {
      const body = await readLimited(req, settings.maxBodyBytes);
      if (body === null) return tooLarge(req, res, url.pathname, url.search, settings.maxBodyBytes);
      req = withBody(req, body);
    }
    await handle(req, res);
  };
  return (req, res) => {
    run(req, res).catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      console.error(`${req.method ?? '?'} ${req.url ?? '?'}: ${message}`);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end('Internal error\n');
      } else {
        res.destroy();
      }
    });
  };
}
