// npm run demo: two local PostgreSQL databases (embedded PostgreSQL 18) for a first task.
//   source       127.0.0.1:54340/shop     a small shop: customers, products, orders, order_items
//   destination  127.0.0.1:54341/shop_dr  empty
// Both are registered as saved connections ("Select Existing Connection" in Configure Task).
// Data lives under <DTS_DATA_DIR>/demo; the servers run until Ctrl-C. Run it next to npm start
// (same DTS_DATA_DIR, or the same DATABASE_URL and DTS_SECRET_KEY).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { config } from '../server/config';
import { ensureDatabase, openMetadataDatabase, withClient } from './metadata-db';

const SOURCE_PORT = Number(process.env.DTS_DEMO_SOURCE_PORT ?? 54340);
const DEST_PORT = Number(process.env.DTS_DEMO_DEST_PORT ?? 54341);
const dir = path.join(config.dataDir, 'demo');

const SAMPLE_SCHEMA = `
CREATE TABLE customers (
  id serial PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL UNIQUE,
  country char(2) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE products (
  id serial PRIMARY KEY,
  sku text NOT NULL UNIQUE,
  name text NOT NULL,
  price numeric(10,2) NOT NULL,
  stock integer NOT NULL DEFAULT 0
);
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customers(id),
  status text NOT NULL DEFAULT 'new',
  total numeric(12,2) NOT NULL DEFAULT 0,
  ordered_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_idx ON orders(customer_id);
CREATE TABLE order_items (
  order_id bigint NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  line_no smallint NOT NULL,
  product_id integer NOT NULL REFERENCES products(id),
  quantity integer NOT NULL,
  price numeric(10,2) NOT NULL,
  PRIMARY KEY (order_id, line_no)
);
INSERT INTO customers (name, email, country, created_at)
  SELECT 'Customer ' || g, 'customer' || g || '@example.com', (ARRAY['CN','DE','US','SG','JP','BR'])[1 + g % 6], now() - (g || ' hours')::interval
  FROM generate_series(1, 1000) g;
INSERT INTO products (sku, name, price, stock)
  SELECT 'SKU-' || lpad(g::text, 5, '0'), 'Product ' || g, round((5 + (g * 37) % 500)::numeric + 0.99, 2), (g * 13) % 200
  FROM generate_series(1, 200) g;
INSERT INTO orders (customer_id, status, ordered_at)
  SELECT 1 + (g * 7) % 1000, (ARRAY['new','paid','shipped','delivered'])[1 + g % 4], now() - (g || ' minutes')::interval
  FROM generate_series(1, 5000) g;
INSERT INTO order_items (order_id, line_no, product_id, quantity, price)
  SELECT o.id, l, 1 + (o.id * 3 + l * 11) % 200, 1 + (o.id + l) % 5, p.price
  FROM orders o CROSS JOIN generate_series(1, 3) l JOIN products p ON p.id = 1 + (o.id * 3 + l * 11) % 200
  WHERE l <= 1 + o.id % 3;
UPDATE orders o SET total = s.total FROM (SELECT order_id, sum(quantity * price) total FROM order_items GROUP BY order_id) s WHERE s.order_id = o.id;
`;

async function main(): Promise<void> {
  const meta = await openMetadataDatabase();
  const { embeddedBinDir, startLocalPostgres } = await import('../server/pg-server');
  const { registerConnection } = await import('../server/services/connections');
  const { disconnectDb } = await import('../server/db');
  mkdirSync(dir, { recursive: true, mode: 0o711 });
  const pwFile = path.join(dir, 'password');
  if (!existsSync(pwFile)) writeFileSync(pwFile, randomBytes(12).toString('base64url'), { mode: 0o600, flag: 'wx' });
  const password = readFileSync(pwFile, 'utf8').trim();
  const binDir = await embeddedBinDir();
  const logical = { wal_level: 'logical', max_replication_slots: 20, max_wal_senders: 20 };
  const source = await startLocalPostgres({ binDir, dataDir: path.join(dir, 'source'), port: SOURCE_PORT, password, settings: logical, auth: 'password' });
  const dest = await startLocalPostgres({ binDir, dataDir: path.join(dir, 'destination'), port: DEST_PORT, password, settings: logical, auth: 'password' });

  await ensureDatabase(source, 'shop');
  await ensureDatabase(dest, 'shop_dr');
  const seeded = await withClient(source.url('shop'), async (c) => {
    const r = await c.query(`SELECT to_regclass('public.customers') IS NOT NULL AS present`);
    if ((r.rows[0] as { present: boolean }).present) return false;
    await c.query(SAMPLE_SCHEMA);
    return true;
  });

  const common = { engine: 'postgres' as const, host: '127.0.0.1', user: 'postgres', password };
  await registerConnection({ ...common, name: 'Demo source: shop (PostgreSQL)', port: SOURCE_PORT, database: 'shop' });
  await registerConnection({ ...common, name: 'Demo destination: shop_dr (PostgreSQL)', port: DEST_PORT, database: 'shop_dr' });
  await disconnectDb();

  console.log(`demo source:      PostgreSQL 127.0.0.1:${SOURCE_PORT}/shop${seeded ? ' (sample schema and data created)' : ''}`);
  console.log(`demo destination: PostgreSQL 127.0.0.1:${DEST_PORT}/shop_dr`);
  console.log('registered as the connections "Demo source: shop (PostgreSQL)" and "Demo destination: shop_dr (PostgreSQL)".');
  console.log(`In the console (http://localhost:${config.port}): Create Task, then under Source Database and Destination Database`);
  console.log('choose them in "Select Existing Connection", and click Test Connectivity and Proceed.');
  console.log('demo ready; press Ctrl-C to stop the demo databases');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the demo databases`);
    await Promise.allSettled([source.stop('fast'), dest.stop('fast')]);
    if (meta.stop) await meta.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  setInterval(() => undefined, 1 << 30);
}

main().catch((e: unknown) => {
  console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
