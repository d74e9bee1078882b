// The shape of a task definition: what the API, the CLI's JSON file and the replicator share.
// Every string has a maximum length and every list a maximum size: input from an operator is
// treated as hostile too, and a limit broken is a field error, never a database error.
import { z } from 'zod';
import { hostProblem, MAX_HOST_LENGTH } from '../domain/endpoint-host';
import { rowId } from './validate';

/** an object name: PostgreSQL's limit is 63 bytes, MySQL's 64 characters; room for both */
export const objectName = z.string().min(1).max(128);

export const dmlOp = z.enum(['insert', 'update', 'delete']);

export const selectedColumn = z.object({
  name: objectName,
  /** name in the destination; defaults to the source name */
  targetName: objectName.optional(),
});

export const selectedTable = z.object({
  name: objectName,
  targetName: objectName.optional(),
  /** omit for every column (PostgreSQL allows 1,600, MySQL 4,096) */
  columns: z.array(selectedColumn).min(1).max(4096).optional(),
  /** a WHERE condition over source columns, applied to full and incremental data */
  where: z.string().min(1).max(4000).optional(),
  /** DML operations to synchronize; omit for all */
  ops: z.array(dmlOp).min(1).optional(),
});

export const selectedSchema = z.object({
  name: objectName,
  targetName: objectName.optional(),
  /** omit to select the whole schema, including tables created later by a full resync */
  tables: z.array(selectedTable).min(1).max(50_000).optional(),
  ops: z.array(dmlOp).min(1).optional(),
});

/** Batch Edit: rename many objects at once with a pattern. Applied after per-object names. */
export const renameRule = z.object({
  level: z.enum(['schema', 'table', 'column']),
  /**
   * regular expression in RE2 syntax, matched against the whole source name in linear time; create,
   * configure and the reverse direction also compile it (services/rename-rules.ts, domain/naming.ts)
   */
  match: z.string().min(1, 'enter a pattern, such as (.*)').max(200, 'a Batch Edit pattern has at most 200 characters; shorten it'),
  /** replacement, with $1.. for groups, $<name> for named groups, $& for the whole name, $$ for "$" */
  replace: z.string().max(200, 'Replace has at most 200 characters; shorten it'),
});

export const capitalization = z.enum(['default', 'source', 'lower', 'upper']);

export const objectSelection = z.object({
  schemas: z.array(selectedSchema).min(1, 'select at least one schema or table').max(10_000),
  renameRules: z.array(renameRule).max(100).default([]),
  /** Capitalization of Object Names in Destination Instance */
  capitalization: capitalization.default('default'),
});

export const taskSettings = z
  .object({
    /** Retry Time for Failed Connections, minutes */
    retryConnectionMinutes: z.number().int().min(10).max(1440).default(720),
    /** The wait time before a retry when other issues occur, minutes */
    retryOtherMinutes: z.number().int().min(1).max(1440).default(10),
    /** Processing Mode of Conflicting Tables */
    conflictingTables: z.enum(['PrecheckAndReportErrors', 'IgnoreErrorsAndProceed']).default('PrecheckAndReportErrors'),
    /** Conflict Resolution Policy (two-way) */
    conflictPolicy: z.enum(['TaskFailed', 'Ignore', 'Overwrite']).default('TaskFailed'),
    excludeDdl: z.boolean().default(true),
    /** Enable Throttling for Full Data Migration; 0 means no limit */
    fullRps: z.number().int().min(0).default(0),
    fullBps: z.number().int().min(0).default(0),
    /** Enable Throttling for Incremental Data Synchronization; 0 means no limit */
    incrementalRps: z.number().int().min(0).default(0),
    incrementalBps: z.number().int().min(0).default(0),
    /** parallel copy workers during full data synchronization */
    fullParallelism: z.number().int().min(1).max(16).default(2),
    environmentTag: z.string().max(40).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.retryOtherMinutes >= s.retryConnectionMinutes) {
      ctx.addIssue({
        code: 'custom',
        path: ['retryOtherMinutes'],
        message: `The wait time before a retry when other issues occur (${s.retryOtherMinutes} min) must be smaller than Retry Time for Failed Connections (${s.retryConnectionMinutes} min)`,
      });
    }
  });

export const syncTypes = z
  .object({
    schema: z.boolean().default(true),
    full: z.boolean().default(true),
    incremental: z.boolean().default(true),
  })
  .refine((t) => t.schema || t.full || t.incremental, { message: 'select at least one synchronization type' });

/** a TCP host name or IP address, never a socket path or anything else a driver would take */
export const endpointHost = z
  .string()
  .max(MAX_HOST_LENGTH, `a host name has at most ${MAX_HOST_LENGTH} characters`)
  .superRefine((h, ctx) => {
    const problem = hostProblem(h);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const endpointInput = z.object({
  engine: z.enum(['postgres', 'mysql', 'mongodb', 'sqlserver']).default('postgres'),
  host: endpointHost,
  port: z.number().int().min(1).max(65535),
  database: objectName,
  user: objectName,
  /** leave empty with connectionId to use the saved connection's password */
  password: z.string().max(1024),
  ssl: z.enum(['disable', 'require', 'verify-full']).optional(),
  /** a saved connection ("Select Existing Connection"): its password fills an empty one */
  connectionId: rowId.optional(),
});

/**
 * Synchronization Topology: One-way Synchronization, or Two-way Synchronization (seed 003), a
 * pair of directions. The task created is the forward direction; the reverse direction is
 * configured once the forward one is Running (configure-reverse-direction.ts).
 */
export const topology = z.enum(['OneWay', 'TwoWay']);

/** The task definition the CLI takes as a JSON file (documented in the README). */
export const taskDefinition = z.object({
  name: z.string().min(1).max(128),
  topology: topology.default('OneWay'),
  source: endpointInput,
  destination: endpointInput,
  syncTypes: syncTypes.default({ schema: true, full: true, incremental: true }),
  objects: objectSelection,
  settings: taskSettings.default({} as never),
}).refine((d) => d.source.engine === d.destination.engine, {
  message: 'synchronization between different database types is not supported yet: choose the same Database Type for the source and the destination',
  path: ['destination', 'engine'],
});

export type DmlOp = z.infer<typeof dmlOp>;
export type ObjectSelection = z.infer<typeof objectSelection>;
export type TaskSettings = z.infer<typeof taskSettings>;
export type SyncTypes = z.infer<typeof syncTypes>;
export type EndpointInput = z.infer<typeof endpointInput>;
export type TaskDefinition = z.infer<typeof taskDefinition>;
export type TaskDefinitionInput = z.input<typeof taskDefinition>;
