// TLS options of a connection from the endpoint's SSL mode, in the form Node's tls (and so pg,
// mysql2 and zongji) takes: none, encrypted without verifying the server, or verified against
// the given root certificate (or the system's).
import type { ConnectionConfig } from '../types';

export interface TlsOptions {
  rejectUnauthorized: boolean;
  ca?: string;
}

export function tlsOptions(cfg: ConnectionConfig): TlsOptions | undefined {
  return cfg.ssl === 'require'
    ? { rejectUnauthorized: false }
    : cfg.ssl === 'verify-full'
      ? { rejectUnauthorized: true, ...(cfg.sslRootCert ? { ca: cfg.sslRootCert } : {}) }
      : undefined;
}
