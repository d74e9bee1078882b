// HTTP hardening, through real servers: the security headers (a nonce-based Content-Security-Policy
// on pages, a fresh nonce per request that the page's inline scripts carry), the request body size
// limit (413 on Content-Length and on chunked bodies), and the client address our server sets,
// which a client cannot spoof. The pages and the API of a real `npm start` (scripts/start.ts, with
// Next; it builds first when .next is stale), the API test harness (the same request pipeline
// without Next), and the pipeline on its own for DTS_TRUST_PROXY and DTS_MAX_BODY_BYTES.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startApp, type App } from '../../e2e/app';
import { rejection, startApi, type ApiHarness } from '../api/harness';

const ADMIN = 'http-test-admin-pw';
const TWO_MB = 2 * 1024 * 1024;
const LIMIT_TEXT = /Request body too large: the limit is 1048576 bytes \(1 MiB\), set by DTS_MAX_BODY_BYTES/;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** a request through node:http; `chunks` are sent with Transfer-Encoding: chunked (no Content-Length) */
function send(url: string, opts: { method?: string; headers?: http.OutgoingHttpHeaders; body?: Buffer | string; chunks?: Buffer[] } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    // the server may answer 413 before it has the whole body: once answered, the answer is what counts
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    if (opts.chunks) {
      for (const c of opts.chunks) req.write(c);
      req.end();
    } else {
      req.end(opts.body);
    }
  });
}

const trpcBody = (json: unknown) => JSON.stringify({ json });
const jsonHeaders = { 'content-type': 'application/json' };

function nonceOf(policy: string | undefined): string {
  const m = (policy ?? '').match(/script-src [^;]*'nonce-([A-Za-z0-9+/=]+)'/);
  assert.ok(m, `a script-src nonce in ${policy}`);
  return m[1];
}

function assertCommonHeaders(h: http.IncomingHttpHeaders, what: string): void {
  assert.equal(h['x-frame-options'], 'DENY', `${what}: X-Frame-Options`);
  assert.equal(h['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`);
  assert.equal(h['referrer-policy'], 'same-origin', `${what}: Referrer-Policy`);
  assert.match(String(h['content-security-policy']), /frame-ancestors 'none'/, `${what}: frame-ancestors`);
}

function assertApiHeaders(h: http.IncomingHttpHeaders, what: string): void {
  assertCommonHeaders(h, what);
  assert.match(String(h['cache-control']), /no-store/, `${what}: Cache-Control`);
}

describe('npm start: pages and API', () => {
  let app: App;
  before(async () => {
    app = await startApp(ADMIN);
  });
  after(async () => {
    await app?.stop();
  });

  test('a page has the security headers and a nonce-based policy, with a fresh nonce each request that its inline scripts carry', async () => {
    const a = await send(`${app.url}/`);
    const b = await send(`${app.url}/`);
    assert.equal(a.status, 200);
    assertCommonHeaders(a.headers, 'page');
    const policy = String(a.headers['content-security-policy']);
    assert.match(policy, /script-src 'self' 'nonce-[^']+' 'strict-dynamic'(;|$)/, 'scripts only with the nonce; no unsafe-inline or unsafe-eval in production');
    assert.match(policy, /object-src 'none'/);
    assert.match(policy, /base-uri 'self'/);
    const n1 = nonceOf(policy);
    const n2 = nonceOf(String(b.headers['content-security-policy']));
    assert.notEqual(n1, n2, 'a fresh nonce per request');
    assert.ok(n1.length >= 16, 'the nonce is long enough not to be guessed');

    const scripts = [...a.body.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
    const inline = scripts.filter((attrs) => !/\bsrc=/.test(attrs));
    assert.ok(inline.length > 0, 'the page has inline scripts (Next\'s flight data)');
    for (const attrs of scripts) assert.match(attrs, new RegExp(`nonce="${n1.replace(/[+/=]/g, (c) => `\\${c}`)}"`), `every script carries this request's nonce: <script${attrs}>`);
    assert.ok(!a.body.includes(n2), 'the other request\'s nonce is not in this page');
  });

  test('the 404 page has the policy too, and no inline <style> the policy would refuse', async () => {
    const r = await send(`${app.url}/no-such-page`);
    assert.equal(r.status, 404);
    assertCommonHeaders(r.headers, '404 page');
    const nonce = nonceOf(String(r.headers['content-security-policy']));
    for (const attrs of [...r.body.matchAll(/<(?:script|style)\b([^>]*)>/g)].map((m) => m[1])) {
      if (!/\bsrc=/.test(attrs)) assert.ok(attrs.includes(`nonce="${nonce}"`), `an inline element without the nonce: ${attrs}`);
    }
    assert.match(r.body, /Page not found/);
  });

  test('static files and API responses have the security headers; API responses are never cached', async () => {
    const page = await send(`${app.url}/`);
    const asset = page.body.match(/\/_next\/static\/[^"']+\.(?:js|css)/);
    assert.ok(asset, 'the page links a static file');
    const file = await send(`${app.url}${asset[0]}`);
    assert.equal(file.status, 200);
    assertCommonHeaders(file.headers, 'static file');

    const me = await send(`${app.url}/api/trpc/auth.me?input=${encodeURIComponent(JSON.stringify({ json: null }))}`);
    assert.equal(me.status, 401);
    assertApiHeaders(me.headers, 'tRPC');
    assert.match(String(me.headers['content-security-policy']), /default-src 'none'/);
    const metrics = await send(`${app.url}/api/metrics`);
    assert.equal(metrics.status, 401);
    assertApiHeaders(metrics.headers, 'metrics');
  });

  test('a 2 MB body is refused with 413 (Content-Length, and chunked), and normal calls still work', async () => {
    const url = `${app.url}/api/trpc/auth.issueToken`;
    const big = trpcBody({ username: 'admin', password: 'x'.repeat(TWO_MB), name: 'big' });
    const declared = await send(url, { method: 'POST', headers: jsonHeaders, body: big });
    assert.equal(declared.status, 413);
    assert.match(declared.body, LIMIT_TEXT);
    assertApiHeaders(declared.headers, '413');

    const chunks = Array.from({ length: 32 }, () => Buffer.alloc(64 * 1024, 0x61));
    const chunked = await send(url, { method: 'POST', headers: jsonHeaders, chunks });
    assert.equal(chunked.status, 413);
    assert.match(chunked.body, LIMIT_TEXT);

    const onPage = await send(`${app.url}/`, { method: 'POST', body: Buffer.alloc(TWO_MB) });
    assert.equal(onPage.status, 413);
    assert.match(onPage.body, LIMIT_TEXT);

    const ok = await send(url, { method: 'POST', headers: jsonHeaders, body: trpcBody({ username: 'admin', password: ADMIN, name: 'small' }) });
    assert.equal(ok.status, 200, ok.body);
    assert.match(ok.body, /"token":"dts_/);
    // a small chunked body reaches Next whole
    const body = Buffer.from(trpcBody({ username: 'admin', password: ADMIN, name: 'chunked' }));
    const okChunked = await send(url, { method: 'POST', headers: jsonHeaders, chunks: [body.subarray(0, 10), body.subarray(10)] });
    assert.equal(okChunked.status, 200, okChunked.body);
    assert.match(okChunked.body, /"token":"dts_/);
  });
});

describe('the API harness: the same pipeline without Next', () => {
  let api: ApiHarness;
  before(async () => {
    api = await startApi();
  });
  after(async () => {
    await api?.stop();
  });

  test('API responses have the security headers and Cache-Control: no-store', async () => {
    const r = await send(`${api.url}/api/trpc/auth.me?input=${encodeURIComponent(JSON.stringify({ json: null }))}`, { headers: { authorization: `Bearer ${api.token}` } });
    assert.equal(r.status, 200, r.body);
    assertApiHeaders(r.headers, 'harness tRPC');
  });

  test('a 2 MB call is refused with a message that names the limit, and the next call works', async () => {
    const c = api.client({ token: api.token });
    const refused = await rejection(c.auth.createToken.mutate({ name: 'x'.repeat(TWO_MB) }));
    assert.equal(refused.code, 'PAYLOAD_TOO_LARGE');
    assert.match(refused.message, LIMIT_TEXT);
    const chunked = await send(`${api.url}/api/trpc/auth.createToken`, {
      method: 'POST',
      headers: { ...jsonHeaders, authorization: `Bearer ${api.token}` },
      chunks: Array.from({ length: 3 }, () => Buffer.alloc(1024 * 1024, 0x61)),
    });
    assert.equal(chunked.status, 413);
    assert.match(chunked.body, LIMIT_TEXT);
    const made = await c.auth.createToken.mutate({ name: 'after the refusal' });
    assert.match(made.token, /^dts_/);
  });

  test('the client address the API records is the TCP peer, whatever the client sends', async () => {
    const r = await send(`${api.url}/api/trpc/auth.createToken`, {
      method: 'POST',
      headers: { ...jsonHeaders, authorization: `Bearer ${api.token}`, 'x-dts-client-address': '203.0.113.7', 'x-forwarded-for': '198.51.100.1' },
      body: trpcBody({ name: 'spoofing' }),
    });
    assert.equal(r.status, 200, r.body);
    const rows = await api.meta.query<{ clientAddress: string | null }>('dts_meta', `SELECT "clientAddress" FROM "AuditEntry" WHERE action = 'auth.createToken' ORDER BY id DESC LIMIT 1`);
    assert.equal(rows[0]?.clientAddress, '127.0.0.1', 'recorded from the socket, not from x-dts-client-address or X-Forwarded-For');
  });
});

describe('the request pipeline on its own server', () => {
  /** a server behind the pipeline whose handler answers with what it received */
  async function echoServer(env: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      const { createRequestPipeline } = await import('../../server/api/request-pipeline');
      const { CLIENT_ADDRESS_HEADER } = await import('../../server/api/http');
      const server = http.createServer(
        createRequestPipeline(async (req, res) => {
          let size = 0;
          for await (const c of req) size += (c as Buffer).length;
          const raw = req.rawHeaders.filter((_, i) => i % 2 === 0 && req.rawHeaders[i].toLowerCase() === CLIENT_ADDRESS_HEADER).length;
          res.end(JSON.stringify({ address: req.headers[CLIENT_ADDRESS_HEADER], rawCount: raw, size }));
        }),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      return {
        url: `http://127.0.0.1:${port}/api/trpc/echo`,
        close: () => {
          server.closeAllConnections();
          return new Promise<void>((resolve) => server.close(() => resolve()));
        },
      };
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }

  test('a client-sent x-dts-client-address never gets through; DTS_TRUST_PROXY=<n> takes the n-th X-Forwarded-For address from the right', async () => {
    const spoof = { 'x-dts-client-address': ['203.0.113.7', '203.0.113.8'], 'x-forwarded-for': '203.0.113.9, 198.51.100.1, 192.0.2.5' };
    for (const [trust, want] of [['0', '127.0.0.1'], ['1', '192.0.2.5'], ['2', '198.51.100.1'], ['5', '203.0.113.9']] as const) {
      const s = await echoServer({ DTS_TRUST_PROXY: trust });
      try {
        const r = JSON.parse((await send(s.url, { headers: spoof })).body) as { address: string; rawCount: number };
        assert.equal(r.address, want, `DTS_TRUST_PROXY=${trust}`);
        assert.equal(r.rawCount, 1, 'one value, ours, in the raw headers too');
        const direct = JSON.parse((await send(s.url, { headers: { 'x-dts-client-address': '203.0.113.7' } })).body) as { address: string };
        assert.equal(direct.address, '127.0.0.1', `DTS_TRUST_PROXY=${trust} without X-Forwarded-For: the peer`);
      } finally {
        await s.close();
      }
    }
  });

  test('DTS_MAX_BODY_BYTES sets the limit, and a bad value stops the server from starting', async () => {
    const s = await echoServer({ DTS_MAX_BODY_BYTES: '1000' });
    try {
      const over = await send(s.url, { method: 'POST', body: Buffer.alloc(1001) });
      assert.equal(over.status, 413);
      assert.match(over.body, /the limit is 1000 bytes, set by DTS_MAX_BODY_BYTES/);
      const at = await send(s.url, { method: 'POST', chunks: [Buffer.alloc(600), Buffer.alloc(400)] });
      assert.equal(at.status, 200);
      assert.equal((JSON.parse(at.body) as { size: number }).size, 1000, 'the whole chunked body is handed on');
      const overChunked = await send(s.url, { method: 'POST', chunks: [Buffer.alloc(600), Buffer.alloc(401)] });
      assert.equal(overChunked.status, 413);
    } finally {
      await s.close();
    }
    await assert.rejects(echoServer({ DTS_MAX_BODY_BYTES: '1MB' }), /DTS_MAX_BODY_BYTES must be a whole number/);
    await assert.rejects(echoServer({ DTS_TRUST_PROXY: 'yes' }), /DTS_TRUST_PROXY must be a whole number/);
  });
});
