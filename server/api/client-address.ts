// The address of the client of a request, as our own HTTP server saw it. The request pipeline
// (server/api/request-pipeline.ts) removes whatever a client sent in this header and sets it from
// the TCP peer, or, behind DTS_TRUST_PROXY=<n> proxies, from X-Forwarded-For. Code that needs the
// client's address (sign-in throttling, the audit log) reads this header and nothing else.
import { isIP } from 'node:net';

export const CLIENT_ADDRESS_HEADER = 'x-dts-client-address';

/** "::ffff:10.0.0.5" is 10.0.0.5 */
function plain(address: string): string {
  const m = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i);
  return m ? m[1] : address;
}

/**
 * The client's address: the TCP peer when trustProxy is 0; otherwise the trustProxy-th address
 * from the right of X-Forwarded-For (1: the address the one proxy in front of us saw). With fewer
 * entries than that, the leftmost one; an entry there that is not an IP address gives the peer.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trustProxy: number): string {
  const socket = plain(peer ?? 'unknown');
  if (trustProxy <= 0 || forwardedFor === undefined) return socket;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (hops.length === 0) return socket;
  const chosen = hops[Math.max(0, hops.length - trustProxy)];
  return isIP(chosen) ? plain(chosen) : socket;
}
