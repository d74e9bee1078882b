// Identity columns and sequences across failover and switch back (issue 14, items 3, 4 and 4a):
// - a GENERATED ALWAYS identity column on production takes the rows the reverse task writes back
//   (inserts, updates and a key change), instead of leaving it Retrying on 428C9;
// - sequences that no column owns, but that feed columns through their DEFAULT, are moved like
//   owned ones, a sequence shared by two tables continues after both, and a default the catalog
//   cannot link to its sequence is named in the precheck and the readiness report;
// - each sequence's exact state (last_value and is_called) arrives with schema synchronization.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { checksum, testVersions } from '../helpers/pg';
import { createTask, setDesired, stopMeta, suiteHooks, taskRow, waitApplied, waitStatus, type Pair } from '../helpers/harness';
import { switchBackSteps } from '../helpers/reverse-pair';

const TABLES = ['a', 'b', 'c', 'd', 'e'];

for (const version of testVersions()) {
  describe(`PostgreSQL ${version}: identity columns and sequences at failover and switch back`, () => {
    let pair: Pair;
    suiteHooks(version, (p) => (pair = p));

    async function same(): Promise<void> {
      for (const name of TABLES) {
        const ref = { schema: 'app', name };
        const [x, y] = await Promise.all([checksum(pair.source, 'src', ref, ['id', 'v'], ['id']), checksum(pair.target, 'dst', ref, ['id', 'v'], ['id'])]);
        assert.deepEqual(y, x, `app.${name} is the same on both sides`);
      }
    }
    const seqState = async (side: 'source' | 'target', seq: string) =>
      (await pair[side].query<{ v: string; c: boolean }>(side === 'source' ? 'src' : 'dst', `SELECT last_value::text AS v, is_called AS c FROM ${seq}`))[0];

    it('writes back into GENERATED ALWAYS columns and moves unowned and shared sequences exactly', async () => {
      const svc = await import('../../server/services/failover');
      const { createReverseTask } = await import('../../server/services/create-reverse-task');
      const { startPrecheck, getPrecheckRun } = await import('../../server/services/run-precheck');
      await pair.source.query('src', `CREATE SCHEMA app;
        CREATE SEQUENCE app.shared;                                   -- no OWNED BY, used by a and d
        CREATE TABLE app.a (id int PRIMARY KEY DEFAULT nextval('app.shared'), v text);
        CREATE TABLE app.d (id int PRIMARY KEY DEFAULT nextval('app.shared'), v text);
        CREATE SEQUENCE app.fresh; SELECT setval('app.fresh', 2001, false);   -- next value 2001
        CREATE TABLE app.b (id bigint PRIMARY KEY DEFAULT nextval('app.fresh'), v text);
        CREATE TABLE app.c (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text);
        CREATE SEQUENCE app.by_text;
        CREATE TABLE app.e (id int PRIMARY KEY DEFAULT nextval('app.by_text'::text), v text);
        INSERT INTO app.a (v) SELECT 'a' || g FROM generate_series(1, 30) g;
        INSERT INTO app.d (v) SELECT 'd' || g FROM generate_series(1, 20) g;   -- ids 31..50
        INSERT INTO app.c (v) SELECT 'c' || g FROM generate_series(1, 40) g;
        INSERT INTO app.e (v) VALUES ('e1')`);
      const fwd = await createTask(pair, 'src', 'dst', { objects: { schemas: [{ name: 'app' }] } });

      // the precheck names the default it cannot link to a sequence
      await (await startPrecheck(fwd)).done;
      const seqItem = (await getPrecheckRun(fwd)).items.find((i) => i.key === 'source.sequences');
      assert.equal(seqItem?.result, 'warn', 'the sequences item warns');
      assert.ok(seqItem?.cause?.includes(`"app"."e"."id" DEFAULT nextval(('app.by_text'::text)::regclass)`), seqItem?.cause ?? undefined);
      assert.doesNotMatch(seqItem?.cause ?? '', /"app"\."[ad]"/, 'a linked unowned sequence is not a problem');
      assert.ok(seqItem?.fix?.includes(`ALTER TABLE "app"."e" ALTER COLUMN "id" SET DEFAULT nextval('<sequence>'::regclass);`), seqItem?.fix ?? undefined);

      await setDesired(fwd, 'Running');
      await waitStatus(fwd, 'Running');
      // exact state: the next value of app.fresh is 2001 on both sides (is_called false), the others as on the source
      assert.deepEqual(await seqState('target', 'app.fresh'), { v: '2001', c: false }, 'a sequence not yet called keeps its next value');
      assert.deepEqual(await seqState('target', 'app.shared'), await seqState('source', 'app.shared'));
      const identity = (await pair.target.query<{ s: string; a: string }>('dst', `SELECT pg_get_serial_sequence('app.c', 'id') AS s, attidentity AS a FROM pg_attribute WHERE attrelid = 'app.c'::regclass AND attname = 'id'`))[0];
      assert.deepEqual(await seqState('target', identity.s), await seqState('source', `app.c_id_seq`), 'the identity sequence arrives with its state');
      assert.equal(identity.a, 'd', 'the DR copy of an ALWAYS identity column is BY DEFAULT, so the forward task can write it');

      // production goes on, its sequences ahead of the DR copies
      await pair.source.query('src', `INSERT INTO app.a (v) VALUES ('a-late'); INSERT INTO app.c (v) VALUES ('c-late'); INSERT INTO app.b (v) VALUES ('b-late')`);
      await waitApplied(pair.source, 'src', pair.target, fwd);
      const rev = (await createReverseTask(fwd)).id;
      await waitStatus(rev, 'Performing Initial Synchronization', 60_000);
      await (await import('../../server/services/run-precheck')).ignorePrecheckWarnings(rev);

      const ready = await svc.readiness(fwd, 'failover');
      assert.deepEqual(ready.blockers, []);
      const moves = Object.fromEntries(ready.sequences.map((s) => [s.table.name, s.next]));
      // app.shared handed out 1..51 on production: a and d both continue at 52
      assert.deepEqual(moves, { a: '52', b: '2002', c: '42', d: '52' }, 'unowned, shared, fresh and identity sequences are all moved');
      assert.ok(ready.warnings.some((w) => /app\.e\.id calls nextval\(\) in its default .* cannot be moved/.test(w)), `the readiness report names app.e: ${ready.warnings.join(' | ')}`);

      const fo = await svc.failover(fwd);
      assert.deepEqual(fo.steps.map((s) => s.step), ['Pause the forward task', 'Move sequences', 'Start the reverse task']);
      await waitStatus(rev, 'Running');
      // the DR side takes writes: new keys from the moved sequences, and a key change of an identity row
      await pair.target.query('dst', `INSERT INTO app.a (v) VALUES ('a-dr'); INSERT INTO app.d (v) VALUES ('d-dr');
        INSERT INTO app.b (v) VALUES ('b-dr'); INSERT INTO app.c (v) SELECT 'c-dr' || g FROM generate_series(1, 5) g;
        UPDATE app.c SET v = 'c-changed' WHERE id <= 3; DELETE FROM app.c WHERE id = 4; UPDATE app.c SET id = 100000 WHERE id = 5`);
      const dr = await pair.target.query<{ t: string; id: number }>('dst', `SELECT 'a' AS t, id FROM app.a WHERE v = 'a-dr' UNION ALL SELECT 'd', id FROM app.d WHERE v = 'd-dr'
        UNION ALL SELECT 'b', id FROM app.b WHERE v = 'b-dr' UNION ALL SELECT 'c', min(id) FROM app.c WHERE v LIKE 'c-dr%' ORDER BY 1`);
      assert.deepEqual(dr.map((r) => [r.t, Number(r.id)]), [['a', 52], ['b', 2002], ['c', 42], ['d', 53]], 'no new key on the DR side collides with production');
      // production's column is GENERATED ALWAYS: the reverse task writes it with OVERRIDING SYSTEM VALUE
      await waitApplied(pair.target, 'dst', pair.source, rev);
      const revRow = await taskRow(rev);
      assert.equal(revRow?.status, 'Running', `the reverse task runs (${revRow?.statusReason ?? ''})`);
      await same();

      // switch back: production continues after the DR side's keys, in every sequence
      const back = await svc.switchBack(rev);
      assert.deepEqual(back.steps.map((s) => s.step), await switchBackSteps());
      await waitStatus(fwd, 'Running');
      await pair.source.query('src', `INSERT INTO app.a (v) VALUES ('a-back'); INSERT INTO app.d (v) VALUES ('d-back'); INSERT INTO app.c (v) VALUES ('c-back'); INSERT INTO app.b (v) VALUES ('b-back')`);
      const prod = await pair.source.query<{ t: string; id: number }>('src', `SELECT 'a' AS t, id FROM app.a WHERE v = 'a-back' UNION ALL SELECT 'd', id FROM app.d WHERE v = 'd-back'
        UNION ALL SELECT 'b', id FROM app.b WHERE v = 'b-back' UNION ALL SELECT 'c', id FROM app.c WHERE v = 'c-back' ORDER BY 1`);
      assert.deepEqual(prod.map((r) => [r.t, Number(r.id)]), [['a', 54], ['b', 2003], ['c', 100001], ['d', 55]], 'production continues after the keys the DR side handed out');
      await waitApplied(pair.source, 'src', pair.target, fwd);
      await same();
      for (const id of [rev, fwd]) await setDesired(id, 'Released');
    });
  });
}

after(async () => {
  await stopMeta();
});
