// The security headers of every response, and the Content-Security-Policy of the console's pages.
// Scripts run only with the per-request nonce ('strict-dynamic' lets the scripts Next loads with
// that nonce load their own chunks); styles come from our own CSS files, plus inline style
// attributes (React's style props, recharts). The server puts the same policy on the request, so
// that Next gives its inline scripts the nonce (server/api/request-pipeline.ts, scripts/start.ts).
import { randomBytes } from 'node:crypto';

export interface PolicyOptions {
  /** Next.js in development mode (DTS_DEV=1): eval for React's dev tools, websockets for HMR, injected styles */
  dev?: boolean;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

/** the policy of a console page rendered with `nonce` */
export function pagePolicy(nonce: string, opts: PolicyOptions = {}): string {
  const dev = opts.dev === true;
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // development mode injects <style> elements for hot reloading; production uses CSS files only
    dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? ' ws: wss:' : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** API responses are data, never documents: nothing may load from them, and nobody may frame them */
export const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** the headers every response carries, whatever serves it */
export const COMMON_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

export function isApiPath(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/');
}
