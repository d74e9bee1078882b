// The engine contract. Neutral types only: no driver type crosses this file.
// Every engine folder (postgres/, mysql/, ...) has the same files: connect, introspect, precheck,
// schema, snapshot, stream, writer, types. The pipeline talks to engines only through these.
import type { Readable } from 'node:stream';

export type EngineName = 'postgres' | 'mysql' | 'mongodb' | 'sqlserver';

export interface ConnectionConfig {
  engine: EngineName;
  host: string;
  port: number;
  database: string;
  user: string;
  /** plaintext, decrypted just before use; never logged */
  password: string;
  ssl?: 'disable' | 'require' | 'verify-full';
  sslRootCert?: string;
  /** connect timeout in milliseconds */
  connectTimeoutMs?: number;
}

/** Opaque per engine. PostgreSQL: an LSN such as "0/16B3748". MySQL: "mysql-bin.000003:1234". */
export type Position = string;

// ---------------------------------------------------------------- catalog

export type NeutralType =
  | 'boolean' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'decimal'
  | 'string' | 'bytes' | 'date' | 'time' | 'timetz' | 'timestamp' | 'timestamptz' | 'interval'
  | 'uuid' | 'json' | 'jsonb' | 'xml' | 'enum' | 'array' | 'network' | 'geometric' | 'bit' | 'other';

export interface CatalogColumn {
  name: string;
  /** the native type as the engine spells it, e.g. "numeric(12,2)", "character varying(40)[]" */
  nativeType: string;
  neutralType: NeutralType;
  nullable: boolean;
  /** default expression, as the engine prints it; null when there is none */
  defaultExpr: string | null;
  /** identity columns: 'a' always, 'd' by default */
  identity: 'a' | 'd' | null;
  /** generated (computed) column expression; such columns are not copied */
  generatedExpr: string | null;
  /** schema and name of a user-defined type (enum, domain) the column uses, if any */
  userType?: { schema: string; name: string };
  /** schema and name of the sequence used by the default, if any */
  sequence?: { schema: string; name: string };
}

export interface CatalogKey {
  name: string;
  columns: string[];
}

export interface CatalogUniqueKey extends CatalogKey {
  /** every column of the key is NOT NULL, so it can identify a row */
  allNotNull: boolean;
}

export interface CatalogForeignKey {
  name: string;
  columns: string[];
  refSchema: string;
  refTable: string;
  refColumns: string[];
  /** e.g. "FOREIGN KEY (a) REFERENCES s.t(b) ON DELETE CASCADE" as the engine prints it */
  definition: string;
  /**
   * why the definition could not be read in full (e.g. its ON DELETE action is hidden from the
   * account): Schema Synchronization leaves the key out and warns with this reason
   */
  unreadable?: string;
}

export interface CatalogIndex {
  name: string;
  unique: boolean;
  /** the index backs the primary key or a unique constraint (created with the table) */
  constraint: boolean;
  columns: string[];
  /** full CREATE INDEX statement as the engine prints it, for the source schema and table */
  definition: string;
}

export interface CatalogTable {
  schema: string;
  name: string;
  columns: CatalogColumn[];
  primaryKey: CatalogKey | null;
  uniqueKeys: CatalogUniqueKey[];
  foreignKeys: CatalogForeignKey[];
  indexes: CatalogIndex[];
  rowEstimate: number;
  bytesEstimate: number;
  /** PostgreSQL REPLICA IDENTITY: d default, f full, n nothing, i index */
  replicaIdentity: 'd' | 'f' | 'n' | 'i';
  /**
   * columns of the REPLICA IDENTITY USING INDEX index, which old-row images (updated keys,
   * deletes) carry; null (or absent) for any other replica identity, or when that index is gone
   */
  replicaIdentityColumns?: string[] | null;
  partitioned: boolean;
  /** MySQL: table options to recreate it, e.g. "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci" */
  tableOptions?: string;
}

export interface CatalogSequence {
  schema: string;
  name: string;
  dataType: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cycle: boolean;
  /** the sequence's state: its last_value, null when the account may not read it */
  lastValue: string | null;
  /**
   * PostgreSQL's is_called: false means the next value handed out is lastValue itself (a new
   * sequence, or setval(s, v, false)). Absent means true.
   */
  isCalled?: boolean;
  ownedBy: { table: string; column: string } | null;
}

export interface CatalogUserType {
  schema: string;
  name: string;
  kind: 'enum' | 'domain' | 'composite' | 'other';
  /** enum labels in order */
  labels?: string[];
  /** CREATE TYPE / CREATE DOMAIN statement for the source schema */
  definition: string;
}

export interface Catalog {
  engine: EngineName;
  serverVersion: string;
  schemas: string[];
  tables: CatalogTable[];
  sequences: CatalogSequence[];
  types: CatalogUserType[];
}

// ---------------------------------------------------------------- object mapping

export type DmlOp = 'insert' | 'update' | 'delete';

export interface TableRef {
  schema: string;
  name: string;
}

export interface ColumnMapping {
  source: string;
  target: string;
}

/** A selected table with its destination names, resolved from the task's object selection. */
export interface TableMapping {
  source: TableRef;
  target: TableRef;
  /** selected columns in source order; generated columns are never listed */
  columns: ColumnMapping[];
  /** source column names of the identity used for UPDATE and DELETE on the target */
  keyColumns: string[];
  /** validated WHERE condition over source columns, or null */
  where: string | null;
  ops: DmlOp[];
}

// ---------------------------------------------------------------- changes

/**
 * A value as text in the engine's canonical text form, null for SQL NULL, or undefined for a
 * value the source did not send (an unchanged TOASTed column): a writer leaves it untouched.
 */
export type Value = string | null | undefined;
export type Row = Record<string, Value>;

export type Change =
  | { op: 'insert'; table: TableRef; after: Row }
  | { op: 'update'; table: TableRef; before: Row | null; after: Row }
  | { op: 'delete'; table: TableRef; before: Row }
  | { op: 'truncate'; tables: TableRef[] }
  | { op: 'ddl'; table: TableRef | null; sql: string };

export interface Transaction {
  /** position to acknowledge once this transaction is durably applied (commit end) */
  position: Position;
  commitTime: Date;
  /** replication origin of the session that wrote it, if any */
  origin?: string;
  changes: Change[];
  /**
   * A very large source transaction arrives in several parts; every part but the last has
   * partial = true and the writer must keep them in one target transaction.
   */
  partial?: boolean;
  /** source bytes this transaction carried on the wire, for BPS */
  bytes: number;
}

// ---------------------------------------------------------------- precheck

export type PrecheckResult = 'pass' | 'warn' | 'fail';

export interface PrecheckItem {
  /** stable key, e.g. "source.wal_level" */
  key: string;
  /** the name the console shows, e.g. "Check the wal_level of the source database" */
  name: string;
  result: PrecheckResult;
  cause?: string;
  fix?: string;
}

export interface PrecheckInput {
  source: ConnectionConfig;
  target: ConnectionConfig;
  taskId: string;
  mappings: TableMapping[];
  syncTypes: { schema: boolean; full: boolean; incremental: boolean };
  conflictingTables: 'PrecheckAndReportErrors' | 'IgnoreErrorsAndProceed';
  /** target tables to leave out of the conflicting-tables check (the forward direction's) */
  ignoreExistingTargets?: TableRef[];
  /**
   * OneWay, a direction of a two-way pair (TwoWay), or a reverse task (Reverse). Pairs need row
   * keys to detect conflicts, and a reverse task's slot waits, holding WAL, until it starts.
   */
  topology?: 'OneWay' | 'TwoWay' | 'Reverse';
  /** Retry Time for Failed Connections, in minutes: how long the task may stop reading the source */
  retryWindowMinutes?: number;
}

// ---------------------------------------------------------------- capabilities

export interface ConnectivityResult {
  ok: boolean;
  serverVersion?: string;
  /** which check failed and why, worded for the operator */
  error?: string;
  /** 'auth' | 'unreachable' | 'database' | 'other' */
  kind?: 'auth' | 'unreachable' | 'database' | 'other';
}

export interface Introspector {
  testConnection(cfg: ConnectionConfig): Promise<ConnectivityResult>;
  introspect(cfg: ConnectionConfig, filter?: { schemas?: string[] }): Promise<Catalog>;
  /** checks a WHERE condition against the source table; throws AppError-friendly message if bad */
  validateFilter(cfg: ConnectionConfig, table: TableRef, where: string): Promise<void>;
}

export interface Prechecker {
  precheck(input: PrecheckInput): AsyncIterable<PrecheckItem>;
  /** the items precheck() yields for this input (key and name), known before any runs */
  planned(input: PrecheckInput): { key: string; name: string }[];
}

export interface SchemaPlan {
  /** types, sequences, tables with primary and unique keys: before the full load */
  pre: string[];
  /** secondary indexes and foreign keys: after the full load */
  post: string[];
  /** objects left out because they cannot be carried over (e.g. an index on an unselected column) */
  warnings?: string[];
}

export interface SchemaSync {
  plan(catalog: Catalog, mappings: TableMapping[]): SchemaPlan;
  /** runs the statements in order on the target; statements whose object exists are skipped */
  apply(target: ConnectionConfig, statements: string[]): Promise<void>;
}

/** A chunk of a table to copy: the whole table, or a key or ctid range. */
export interface ChunkSpec {
  /** SQL condition over source columns selecting the chunk, or null for the whole table */
  range: string | null;
  /** human label for logs, e.g. "ctid [0,20000)" */
  label: string;
}

/** Bytes in an engine-native bulk format, or neutral row batches. */
export type BulkStream =
  | { format: 'pg-copy-binary' | 'pg-copy-text'; stream: Readable }
  | { format: 'rows'; batches: AsyncIterable<Row[]> };

export interface SnapshotSession {
  /** position from which streaming continues without a gap */
  readonly position: Position;
  /**
   * null when the snapshot is exactly at `position` (no overlap). Otherwise the snapshot is
   * newer: changes of transactions up to this position may already be in it, and replay over it.
   */
  readonly replayUntil: Position | null;
  /** splits a table for parallel copy */
  chunks(mapping: TableMapping, estimateRows: number): Promise<ChunkSpec[]>;
  /** opens a reader of one chunk inside the snapshot; prefers `format` when it can */
  read(mapping: TableMapping, chunk: ChunkSpec, format: BulkStream['format']): Promise<{ data: BulkStream; done: Promise<void>; release: () => Promise<void> }>;
  close(): Promise<void>;
}

export interface SnapshotSource {
  /**
   * With `withCapture`, creates the change-capture objects (slot, publication, heartbeat) if
   * needed and opens a consistent snapshot at the slot's creation point; without it, a plain
   * consistent snapshot (full-only tasks). `workers` readers can run in parallel.
   */
  openSnapshot(
    cfg: ConnectionConfig,
    opts: {
      taskId: string;
      mappings: TableMapping[];
      workers: number;
      withCapture: boolean;
      /** the capture was created by an earlier attempt: if it is gone, changes are lost (fail, do not recreate) */
      captureMustExist?: boolean;
    },
  ): Promise<SnapshotSession>;
}

export interface ChangeStream {
  /**
   * Waits until at least one transaction is ready, then returns what is ready, up to about
   * `maxChanges` changes (a batch never splits a transaction part). Rejects when the
   * connection fails. Returns [] after close().
   */
  read(maxChanges: number): Promise<Transaction[]>;
  /** tells the source that everything up to and including `position` is durable on the target */
  ack(position: Position): Promise<void>;
  close(): Promise<void>;
}

export interface StreamSource {
  /** makes sure slot, publication and heartbeat exist; returns the slot's position if created now */
  prepare(cfg: ConnectionConfig, opts: { taskId: string; mappings: TableMapping[] }): Promise<{ created: boolean; position: Position | null }>;
  open(cfg: ConnectionConfig, opts: {
    taskId: string;
    mappings: TableMapping[];
    from: Position | null;
    /** drop transactions written under these replication origins (two-way, reverse); ANY_ORIGIN: under any */
    skipOrigins: string[];
    /** pause reading once this many changes wait in memory */
    maxBufferedChanges: number;
  }): Promise<ChangeStream>;
  /**
   * Writes a heartbeat on the source every `everyMs`, so latency is known and the source
   * position advances even when the source is idle. Errors are reported to `onError`.
   */
  startHeartbeat(cfg: ConnectionConfig, taskId: string, everyMs: number, onError: (e: unknown) => void): { stop(): Promise<void> };
  /** drops slot, publication and heartbeat table */
  cleanup(cfg: ConnectionConfig, opts: { taskId: string }): Promise<string[]>;
}

/** in `skipOrigins`: every transaction written under a replication origin */
export const ANY_ORIGIN = '*';

export type ConflictPolicy = 'TaskFailed' | 'Ignore' | 'Overwrite';

/**
 * unique_conflict: the row written hits a primary or unique key the destination already has
 * (an INSERT, or an UPDATE turned INSERT). update_differs: the destination row is not the
 * source's old row image (updated on both sides; needs REPLICA IDENTITY FULL). update_missing:
 * an UPDATE found no row and became an INSERT. delete_missing: a DELETE found no row (ignored).
 */
export type ConflictKind = 'unique_conflict' | 'update_differs' | 'update_missing' | 'delete_missing';

/** what was done: the destination row overwritten, kept (ignored), or the task failed */
export type ConflictAction = 'overwritten' | 'ignored' | 'failed' | 'inserted' | 'skipped';

export interface ConflictRecord {
  /** destination table */
  table: TableRef;
  /** key values by destination column */
  key: Record<string, Value>;
  kind: ConflictKind;
  op: 'insert' | 'update' | 'delete';
  /** the source's new row image (old image for a DELETE), by destination column */
  sourceImage: Row | null;
  /** for an UPDATE, the source's old row image (what the row was before the change), by destination column */
  beforeImage: Row | null;
  /** the destination's row before the change, by destination column, or null when none */
  targetImage: Record<string, unknown> | null;
  action: ConflictAction;
  /** the source transaction's position and commit time */
  position: Position;
  commitTime: Date;
}

/** How a writer treats conflicts. Without it, changes overwrite (idempotent one-way apply). */
export interface ConflictHandling {
  policy: ConflictPolicy;
  /** changes of transactions at or before this position replay over a newer snapshot: no detection */
  replayUntil: Position | null;
  /** called with the conflicts met, before the apply commits (or fails on TaskFailed) */
  record(conflicts: ConflictRecord[]): Promise<void>;
}

export interface ApplyResult {
  /** position durably recorded with the data */
  position: Position | null;
  rows: number;
  bytes: number;
}

export interface Writer {
  /** the position recorded with the data by the last durable apply, or null */
  checkpoint(): Promise<Position | null>;
  /**
   * Called once per table before its chunks load. 'empty': chunks COPY straight in.
   * 'merge': the table has rows that are not ours (it existed with data: Ignore Errors and
   * Proceed), so chunks are merged keeping existing rows with the same key. `firstMode` is
   * what this returned when the table's load first began (null the first time): a table that
   * was empty then holds only our rows, so an interrupted load is truncated and starts over.
   */
  prepareTable(mapping: TableMapping, firstMode: 'empty' | 'merge' | null): Promise<'empty' | 'merge'>;
  /** bulk-loads one chunk; returns rows and bytes written */
  load(mapping: TableMapping, data: BulkStream, mode: 'empty' | 'merge', onProgress?: (bytes: number) => void): Promise<{ rows: number; bytes: number }>;
  /** applies whole transactions in one target transaction and records their position with them */
  apply(txns: Transaction[], opts: { mappings: Map<string, TableMapping>; conflicts: ConflictHandling | null }): Promise<ApplyResult>;
  close(): Promise<void>;
}

export interface WriterTarget {
  openWriter(cfg: ConnectionConfig, opts: { taskId: string; originName: string; replicaRole: boolean }): Promise<Writer>;
  /** drops the replication origin and any marker objects */
  cleanup(cfg: ConnectionConfig, opts: { taskId: string; originName: string }): Promise<string[]>;
  /** formats this engine prefers to receive for bulk loads, best first */
  bulkFormats: BulkStream['format'][];
}

/** a column fed by a sequence (serial, identity or a nextval default), on one side */
export interface SequenceColumn {
  table: TableRef;
  column: string;
}

export interface SequenceState extends SequenceColumn {
  /** the sequence's name, or null when the column has no sequence of its own on this side */
  sequence: string | null;
  /** the value the next nextval() would exceed (last_value when called), as text */
  lastValue: string | null;
  /** the largest value in the column, as text */
  maxValue: string | null;
}

/** reading and moving sequences at failover and switchover */
export interface SequenceSync {
  read(cfg: ConnectionConfig, columns: SequenceColumn[]): Promise<SequenceState[]>;
  /** makes the next value of each column's sequence `next` */
  setNext(cfg: ConnectionConfig, moves: (SequenceColumn & { next: string })[]): Promise<void>;
  /**
   * What would stop setNext for these columns with this account, one line each naming the object,
   * the privilege and the GRANT that gives it; empty when nothing would. The readiness report of
   * failover and switch back asks it before the first step.
   */
  checkSetNext(cfg: ConnectionConfig, columns: SequenceColumn[]): Promise<string[]>;
}

/** What raising a write fence on a source did, or why it could not. */
export interface FenceResult {
  /** the fence holds: application transactions can no longer write */
  raised: boolean;
  /** 'dts' when DTS raised it now, 'operator' when it was already up (lifting it is then the operator's call too) */
  by: 'dts' | 'operator' | null;
  /** what was done, for the procedure's step, e.g. "ALTER DATABASE … SET default_transaction_read_only = on; 3 sessions ended" */
  done: string[];
  /** when not raised: why, worded for the operator */
  problem?: string;
  /** when not raised: the statements the operator runs on the source before trying again */
  manual: string[];
}

/** Whether an account may raise and lift a write fence. */
export interface FenceCheck {
  /** the account itself may raise and lift the fence (whether it is up now or not) */
  mayLift: boolean;
  /** why DTS may not raise the fence with this account; null when it may (or the fence is already up) */
  problem: string | null;
  /** with a problem: the statements the operator runs on the source instead (the switchover checks they hold) */
  manual: string[];
  /** what may still stop the fence at the time, e.g. sessions of other roles this account may not end */
  notes: string[];
}

/**
 * Optional: a fence that stops application writes on a source for a planned switchover, so no
 * write made after the operator's confirmation can be lost. DTS's own sessions keep writing
 * (the heartbeat, and a reverse task applying to this database).
 */
export interface WriteFence {
  /** whether this account may raise and lift the fence, asked by the readiness report before the first step */
  check(cfg: ConnectionConfig): Promise<FenceCheck>;
  /** true while the fence is up (whoever raised it) */
  isRaised(cfg: ConnectionConfig): Promise<boolean>;
  raise(cfg: ConnectionConfig): Promise<FenceResult>;
  /** lifts the fence; returns what was done, or the statement the operator must run */
  lift(cfg: ConnectionConfig): Promise<string>;
  /** the source's current position, comparable with the positions a task applies */
  position(cfg: ConnectionConfig): Promise<Position>;
  /** true when `applied` is at or past `wanted` */
  reached(applied: Position, wanted: Position): boolean;
}

/** A task whose retained WAL or binlog is to be measured, with its stored source position. */
export interface RetainedTask {
  taskId: string;
  /** the position the task resumes from (MySQL: "file:offset"), null when none is recorded yet */
  position: Position | null;
}

/** What a task's capture keeps on its source so that the task can resume. */
export interface RetainedFigure {
  taskId: string;
  /** bytes the source keeps for the task; null when unknown (then `note` says why) */
  bytes: number | null;
  /** PostgreSQL 13+: the slot's wal_status (reserved, extended, unreserved, lost) */
  walStatus: string | null;
  /** PostgreSQL 13+: safe_wal_size, the WAL that may still be written before the slot is in danger */
  safeBytes: number | null;
  /** why the figure is unknown, or what else the operator should know */
  note: string | null;
}

/**
 * Optional: measures, on one connection with one query, what the source retains for each of
 * `tasks` (all on the server `cfg` reaches): the WAL behind each task's replication slot, or the
 * binlog files from each task's position on.
 */
export interface RetainedProbe {
  measure(cfg: ConnectionConfig, tasks: RetainedTask[]): Promise<RetainedFigure[]>;
}

/**
 * Which server and database a connection reaches, whatever address it used: how DTS tells its
 * own metadata database apart from a customer's (a host alias or a port forward changes nothing).
 */
export interface ServerIdentity {
  /** the cluster's unique id (PostgreSQL: pg_control_system().system_identifier), null if unreadable */
  systemId: string | null;
  /** when the server started, as a second fingerprint when systemId is unreadable */
  startedAt: string;
  database: string;
  databaseOid: string;
}

export interface EngineModule {
  name: EngineName;
  /** 'connection' when the database could not be reached or the connection dropped */
  classifyError(e: unknown): 'connection' | 'other';
  introspector: Introspector;
  prechecker: Prechecker;
  schema: SchemaSync;
  snapshot: SnapshotSource;
  stream: StreamSource;
  writer: WriterTarget;
  sequences: SequenceSync;
  /** optional: a write fence for planned switchover (see WriteFence) */
  fence?: WriteFence;
  /** optional: the WAL or binlog a task's capture retains on its source (see RetainedProbe) */
  retained?: RetainedProbe;
  /** optional: engines a DTS metadata database can be (PostgreSQL) say which server a connection reaches */
  serverIdentity?(cfg: ConnectionConfig): Promise<ServerIdentity>;
}

/** key of a table in maps: schema and name joined with a character no identifier has unquoted */
export function tableKey(t: TableRef): string {
  return `${t.schema}\u0000${t.name}`;
}
