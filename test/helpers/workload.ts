// A writer on the source for fault tests, and exact counts on both sides.
//
// Each writer transaction inserts, updates and deletes rows of `app.items`, and writes how many
// row changes it made into `audit.ledger` in the same transaction (a schema the tasks do not
// select). So the count of source changes is exact even when a COMMIT's outcome is unknown to
// the client (the server stopped under it). The destination counts what it applied in its
// checkpoint table, in the transactions that apply the changes.
import pg from 'pg';
import type { PgServer } from './pg';

export const ITEMS = { schema: 'app', name: 'items' };
export const ITEM_COLS = ['id', 'n', 'amount', 'note', 'doc', 'at'];

/** creates app.items with `rows` rows and the ledger */
export async function createItems(server: PgServer, db: string, rows: number): Promise<void> {
  await server.query(
    db,
    `CREATE SCHEMA app; CREATE SCHEMA audit;
     CREATE TABLE app.items (id bigint PRIMARY KEY, n int NOT NULL, amount numeric(14,2), note text, doc jsonb, at timestamptz NOT NULL DEFAULT now());
     CREATE TABLE audit.ledger (id bigserial PRIMARY KEY, changes int NOT NULL);
     INSERT INTO app.items SELECT g, g % 1000, g * 1.25, repeat('x', 200) || g, jsonb_build_object('g', g), now() FROM generate_series(1, ${rows}) g;`,
  );
}

/** source changes the writer committed (the ledger) */
export async function sourceChanges(server: PgServer, db: string): Promise<number> {
  const r = await server.query<{ n: string }>(db, 'SELECT coalesce(sum(changes), 0)::text AS n FROM audit.ledger');
  return Number(r[0].n);
}

/** source changes the task applied to the destination (its checkpoint table) */
export async function appliedChanges(server: PgServer, db: string, taskId: string): Promise<number> {
  const r = await server.query<{ n: string | null }>(db, `SELECT (SELECT changes FROM dts.dts_sync_checkpoint WHERE task_id = $1)::text AS n`, [taskId]);
  return Number(r[0]?.n ?? 0);
}

export class SourceWriter {
  private stopped = false;
  private paused: Promise<void> | null = null;
  private resume: (() => void) | null = null;
  private idle: (() => void) | null = null;
  private done: Promise<void>;
  private next: number;
  /** transactions committed, and attempts that failed (server gone) */
  committed = 0;
  failures = 0;

  constructor(
    private server: PgServer,
    private db: string,
    firstNewId: number,
    private liveRange: number,
  ) {
    this.next = firstNewId;
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    let c: pg.Client | null = null;
    let i = 0;
    while (!this.stopped) {
      if (this.paused) {
        this.idle?.();
        await this.paused;
        continue;
      }
      try {
        if (!c) {
          c = new pg.Client({ connectionString: this.server.url(this.db), connectionTimeoutMillis: 3_000 });
          c.on('error', () => undefined);
          await c.connect();
        }
        i++;
        const first = this.next;
        this.next += 4;
        await c.query('BEGIN');
        let n = (await c.query(`INSERT INTO app.items (id, n, amount, note, doc) SELECT g, g % 1000, g * 0.5, 'new ' || g, jsonb_build_object('i', $3::int) FROM generate_series($1::bigint, $2::bigint) g`, [first, first + 3, i])).rowCount ?? 0;
        const lo = 1 + ((i * 37) % Math.max(1, this.liveRange - 5));
        n += (await c.query(`UPDATE app.items SET n = n + 1, amount = amount + 1, doc = doc || jsonb_build_object('u', $3::int) WHERE id BETWEEN $1 AND $2`, [lo, lo + 2, i])).rowCount ?? 0;
        n += (await c.query(`UPDATE app.items SET note = note || '+' WHERE id = $1`, [first + 1])).rowCount ?? 0;
        if (i % 3 === 0) n += (await c.query(`DELETE FROM app.items WHERE id = $1`, [first + 2])).rowCount ?? 0;
        await c.query('INSERT INTO audit.ledger (changes) VALUES ($1)', [n]);
        await c.query('COMMIT');
        this.committed++;
      } catch {
        this.failures++;
        await c?.end().catch(() => undefined);
        c = null;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await c?.end().catch(() => undefined);
  }

  /** stops writing after the transaction in flight; resolves when idle */
  async pause(): Promise<void> {
    if (this.paused) return;
    const idle = new Promise<void>((r) => (this.idle = r));
    this.paused = new Promise<void>((r) => (this.resume = r));
    await idle;
  }

  unpause(): void {
    const r = this.resume;
    this.paused = null;
    this.resume = null;
    r?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unpause();
    await this.done;
  }
}
