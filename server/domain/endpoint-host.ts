// What an endpoint's host may be: a TCP host name or an IP address. Nothing a database driver would
// take for something else: a file system path (PostgreSQL's Unix socket directory), an abstract
// socket ("@name"), a list of hosts, a URL or connection options. DTS reaches databases over TCP
// only, so a task can never be pointed at a socket on the machine it runs on (the metadata
// database's, for one). Pure and dependency-free: the console checks with it too.

/** the longest DNS name (RFC 1035) */
export const MAX_HOST_LENGTH = 253;

const TCP_ONLY = 'DTS connects to databases over TCP only: enter the host name or IP address of the database server.';

function isIpv4(h: string): boolean {
  const parts = h.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && (p === '0' || !p.startsWith('0')));
}

/** an IPv6 address, with an optional zone ("%eth0") and an optional IPv4 tail */
function isIpv6(h: string): boolean {
  const zoneAt = h.indexOf('%');
  if (zoneAt >= 0 && !/^[A-Za-z0-9_.~-]{1,64}$/.test(h.slice(zoneAt + 1))) return false;
  let addr = zoneAt >= 0 ? h.slice(0, zoneAt) : h;
  let groups = 8;
  const lastColon = addr.lastIndexOf(':');
  if (addr.slice(lastColon + 1).includes('.')) {
    if (!isIpv4(addr.slice(lastColon + 1))) return false;
    addr = `${addr.slice(0, lastColon + 1)}0`;
    groups = 7;
  }
  const halves = addr.split('::');
  if (halves.length > 2) return false;
  const hex = (s: string) => (s === '' ? [] : s.split(':'));
  const head = hex(halves[0]);
  const tail = halves.length === 2 ? hex(halves[1]) : [];
  if (![...head, ...tail].every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const n = head.length + tail.length;
  return halves.length === 2 ? n < groups : n === groups;
}

/** a DNS host name: dot-separated labels of letters, digits, "-" and "_", optionally a final dot */
function isHostName(h: string): boolean {
  const labels = (h.endsWith('.') ? h.slice(0, -1) : h).split('.');
  return labels.every((l) => /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(l));
}

/**
 * Why `host` cannot be an endpoint host, in words for the operator (the field name is the caller's
 * to add), or null when it is a TCP host name or address.
 */
export function hostProblem(host: string): string | null {
  if (host.length === 0) return 'Enter the host name or IP address of the database server.';
  if (host.length > MAX_HOST_LENGTH) return `The host is ${host.length} characters long; a host name has at most ${MAX_HOST_LENGTH}.`;
  if (host.trim() !== host) return 'The host has spaces around it: remove them.';
  if (host.startsWith('/') || host.startsWith('\\') || host.startsWith('.') || /^[A-Za-z]:[\\/]/.test(host)) {
    return `"${host}" is a file system path (a Unix socket). ${TCP_ONLY}`;
  }
  if (host.startsWith('@')) return `"${host}" is an abstract Unix socket. ${TCP_ONLY}`;
  if (host.includes('://')) return `"${host}" is a URL. ${TCP_ONLY} The port, database and account have their own fields.`;
  if (host.includes(',')) return `"${host}" is a list of hosts. Enter one host; ${TCP_ONLY.charAt(0).toLowerCase()}${TCP_ONLY.slice(1)}`;
  if (/[\s=?#;/\\]/.test(host)) return `"${host}" is not a host name: it contains a space, "/", "\\", "=", "?", "#" or ";". ${TCP_ONLY}`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(host)) return `The host contains a control character: it is not a host name. ${TCP_ONLY}`;
  if (/[^\x21-\x7e]/.test(host)) return `"${host}" has characters a host name cannot have; write an internationalized name in its ASCII (punycode) form.`;
  const bracketed = host.startsWith('[') && host.endsWith(']');
  const bare = bracketed ? host.slice(1, -1) : host;
  if (bare.includes(':')) {
    if (isIpv6(bare)) return null;
    return `"${host}" is not an IP address or host name (the port has its own field). ${TCP_ONLY}`;
  }
  if (bracketed) return `"${host}": only an IPv6 address goes in brackets.`;
  if (/^[\d.]+$/.test(host) && host.split('.').length === 4 && !isIpv4(host)) return `"${host}" is not a valid IPv4 address.`;
  if (isIpv4(host) || isHostName(host)) return null;
  return `"${host}" is not a host name: use letters, digits, "-" and "." only. ${TCP_ONLY}`;
}

/** the host as drivers take it: an IPv6 address without its brackets */
export function tcpHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
