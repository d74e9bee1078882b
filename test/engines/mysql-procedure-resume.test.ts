// Issue 14, item 10, on MariaDB: a switch back whose account may not move AUTO_INCREMENT is
// refused by the readiness report before its first step (nothing paused); a switch back that
// fails midway (production's table locked while the counters move) stops with its step and
// cause as a precondition, leaves a clear state (both tasks Paused, the stopped procedure in the
// readiness report and the task details, other procedures refused), and is dismissed or
// continued: Continue runs the steps not done and ends with both sides equal.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { setDesired, stopMeta, taskRow, waitStatus } from '../helpers/harness';
import { MARIADB_ROOT_PASSWORD, myChecksum } from '../helpers/mysql';
import { createMyTask, mySuiteHooks, NO_MARIADB, waitMyApplied, type MySuite } from '../helpers/mysql-harness';
import { waitFor } from '../helpers/pg';
import { switchBackSteps } from '../helpers/reverse-pair';

// a locked table fails the AUTO_INCREMENT move after 2 s instead of 20
process.env.DTS_SEQUENCE_LOCK_WAIT_S = '2';

const COLS = ['id', 'v'];

describe('MySQL (MariaDB 10.11): failover procedures check privileges first and continue after a failure midway', { skip: NO_MARIADB }, () => {
  let s: MySuite;
  mySuiteHooks((x) => (s = x));

  async function same(): Promise<number> {
    const [a, b] = await Promise.all([myChecksum(s.source, 'rs1', 'orders', COLS, ['id']), myChecksum(s.target, 'rs1', 'orders', COLS, ['id'])]);
    assert.deepEqual(b, a, 'both sides hold the same rows of rs1.orders');
    return a.rows;
  }

  /** holds LOCK TABLES … READ on production's table until released: ALTER TABLE waits on it */
  async function lockProduction(): Promise<() => Promise<void>> {
    const c = await mysql.createConnection({ host: '127.0.0.1', port: s.source.port, user: 'root', password: MARIADB_ROOT_PASSWORD });
    await c.query('LOCK TABLES rs1.orders READ');
    return async () => {
      await c.query('UNLOCK TABLES');
      await c.end();
    };
  }

  it('refuses before the first step without ALTER, stops at "Move sequences" on a lock, and is dismissed or continued', async () => {
    const svc = {
      reverse: (await import('../../server/services/create-reverse-task')).createReverseTask,
      ignore: (await import('../../server/services/run-precheck')).ignorePrecheckWarnings,
      start: (await import('../../server/services/start-task')).startTask,
      get: (await import('../../server/services/get-task')).getTask,
      ...(await import('../../server/services/failover')),
    };
    // production's account may do everything DTS needs except ALTER
    await s.source.query(`CREATE DATABASE rs1; CREATE TABLE rs1.orders (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20) NOT NULL);
      INSERT INTO rs1.orders (v) SELECT CONCAT('p', seq) FROM seq_1_to_200;
      CREATE USER 'prod'@'%' IDENTIFIED BY 'pw'; GRANT ALL PRIVILEGES ON *.* TO 'prod'@'%'; REVOKE ALTER ON *.* FROM 'prod'@'%'`);
    const fwd = await createMyTask(s.source, s.target, 'rs1', { objects: { schemas: [{ name: 'rs1' }] }, accounts: { source: { user: 'prod', password: 'pw' } } });
    await setDesired(fwd, 'Running');
    await waitStatus(fwd, 'Running', 120_000);
    const rev = (await svc.reverse(fwd)).id;
    await waitStatus(rev, 'Performing Initial Synchronization', 60_000);
    await svc.ignore(rev).catch(() => undefined);

    // failover: the DR side's account (root) moves the counter there
    const fo = await svc.failover(fwd);
    assert.equal(fo.steps.at(-1)?.step, 'Start the reverse task');
    await waitStatus(rev, 'Running', 90_000);
    await s.target.query(`INSERT INTO rs1.orders (v) VALUES ('dr1'), ('dr2'), ('dr3')`);
    await waitMyApplied(s.target, s.source, rev);

    // 1. the readiness report names the missing privilege before the first step; nothing is paused
    const ready = await svc.readiness(rev, 'switchBack');
    assert.ok(
      ready.blockers.some((b) => /`rs1`\.`orders`.*'prod'@'%'.*ALTER/.test(b) && b.includes("GRANT ALTER ON `rs1`.`orders` TO 'prod'@'%'")),
      `the blocker names the table, the account and the GRANT (${ready.blockers.join(' | ')})`,
    );
    await assert.rejects(svc.switchBack(rev), (e: Error & { code?: string }) => e.code === 'PRECONDITION_FAILED' && /GRANT ALTER/.test(e.message));
    const untouched = await taskRow(rev);
    assert.deepEqual([untouched?.status, untouched?.desiredState], ['Running', 'Running'], 'the refused switch back paused nothing');
    assert.equal((await svc.get(fwd)).procedure, null, 'no procedure was started');

    await s.source.query(`GRANT ALTER ON *.* TO 'prod'@'%'`);
    assert.deepEqual((await svc.readiness(rev, 'switchBack')).blockers, [], 'with ALTER the switch back may run');

    // 2. production's table is locked while the counters move: the switch back stops at that step
    const unlock = await lockProduction();
    try {
      await assert.rejects(svc.switchBack(rev), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'PRECONDITION_FAILED', 'a typed error, not an internal one');
        assert.match(e.message, /stopped at step "Move sequences"/);
        assert.match(e.message, /Lock wait timeout/i);
        return true;
      });
    } finally {
      await unlock();
    }
    const stopped = await svc.readiness(rev, 'switchBack');
    assert.equal(stopped.stopped?.state, 'Stopped');
    assert.equal(stopped.stopped?.failedStep, 'Move sequences');
    assert.deepEqual(stopped.stopped?.steps.map((x) => x.step), ['Wait until the reverse task has no latency', 'Pause the reverse task']);
    assert.deepEqual(stopped.blockers, [], 'the stopped switch back may be continued');
    for (const id of [rev, fwd]) assert.equal((await taskRow(id))?.status, 'Paused', `${id} is Paused`);
    const detail = await svc.get(fwd);
    assert.equal(detail.procedure?.state, 'Stopped');
    assert.match(detail.procedure?.summary ?? '', /switch back of this pair stopped at step "Move sequences"/);
    assert.match((await svc.readiness(fwd, 'failover')).blockers.join(' '), /switch back of this pair stopped/, 'another procedure waits until this one is continued or dismissed');
    await assert.rejects(svc.switchBack(rev), /continue it .* or dismiss it/, 'running it again is refused: it is continued');

    // 3. dismissed: the tasks stay as they are, and the operator puts them back by hand
    assert.equal(await svc.dismissProcedure(rev), 'switchBack');
    assert.equal((await svc.get(rev)).procedure, null);
    assert.equal((await taskRow(rev))?.status, 'Paused', 'Dismiss leaves the tasks as they are');
    await svc.start(rev);
    await waitStatus(rev, 'Running', 90_000);

    // 4. stopped again in the same place, then continued once the lock is gone
    const unlock2 = await lockProduction();
    try {
      await assert.rejects(svc.switchBack(rev), /stopped at step "Move sequences"/);
    } finally {
      await unlock2();
    }
    const cont = await svc.continueProcedure(rev);
    assert.deepEqual(cont.steps.map((x) => x.step), await switchBackSteps(), 'the steps of both runs, each once');
    await waitStatus(fwd, 'Running', 90_000);
    assert.equal((await svc.get(fwd)).procedure, null, 'the procedure completed');
    await assert.rejects(svc.continueProcedure(rev), /nothing to continue/);

    // production continues after the DR side's keys, and the forward task carries on
    const drTop = Number((await s.target.query<{ m: number }>(`SELECT MAX(id) AS m FROM rs1.orders`))[0].m);
    await s.source.query(`INSERT INTO rs1.orders (v) VALUES ('back')`);
    assert.equal(Number((await s.source.query<{ id: number }>(`SELECT id FROM rs1.orders WHERE v = 'back'`))[0].id), drTop + 1, 'the next key on production follows the DR side\'s');
    await waitMyApplied(s.source, s.target, fwd);
    assert.equal(await same(), 204);

    for (const id of [rev, fwd]) await setDesired(id, 'Released');
    await waitFor('both released', async () => !(await taskRow(rev)) && !(await taskRow(fwd)), 60_000);
  });
});

after(async () => {
  await stopMeta();
});
