// Process-wide settings read from the environment, in one place.
import path from 'node:path';

export const config = {
  dataDir: path.resolve(process.env.DTS_DATA_DIR ?? '.data'),
  port: Number(process.env.PORT ?? 3000),
  /** metadata database; when unset, an embedded PostgreSQL is started under dataDir */
  databaseUrl: process.env.DATABASE_URL,
  embeddedPort: Number(process.env.DTS_EMBEDDED_PG_PORT ?? 54329),
  /** metric samples older than this are deleted */
  metricsRetentionHours: Number(process.env.DTS_METRICS_RETENTION_HOURS ?? 72),
  logLevel: process.env.DTS_LOG_LEVEL ?? 'info',
};
