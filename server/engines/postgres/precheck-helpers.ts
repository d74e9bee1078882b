// Precheck items for DTS's helper objects (helper-objects.ts): the schema dts and the heartbeat
// table on the source, the checkpoint table on the destination. An object someone else made, or
// one with a trigger, rule or policy, fails the item with its name and the fix, as the
// replicator would refuse it.
import type pg from 'pg';
import { q } from './connect';
import { CHECKPOINT_TABLE, HEARTBEAT_TABLE, inspectHelpers, LEGACY_CHECKPOINT_TABLE, type HelperProblem, type HelperTable } from './helper-objects';
import { HELPER_SCHEMA } from './names';
import { dataSync, incremental, listNames, listStatements, pass, type Outcome } from '../shared/precheck-util';
import type { Check } from './precheck-util';

const failure = (problems: HelperProblem[], what: string): Outcome => ({
  result: 'fail',
  cause: `DTS does not use ${what} that another role could have set up to run its code with the account's rights: ${problems.map((p) => p.cause).join(' ')}`,
  fix: listStatements(problems.map((p) => p.fix), 20),
});

/** the account cannot create the schema: the fix grants it, or a DBA creates it for the account */
function createFix(database: string, user: string): string {
  return `GRANT CREATE ON DATABASE ${q(database)} TO ${q(user)};\n-- or create the schema for the account: CREATE SCHEMA ${q(HELPER_SCHEMA)} AUTHORIZATION ${q(user)};`;
}

async function inspect(c: pg.Client, t: HelperTable) {
  return inspectHelpers(c, [t]);
}

export const sourceHelperCheck: Check = {
  key: 'source.helper_objects',
  name: "Check DTS's helper objects in the source database",
  sides: ['source'],
  when: incremental,
  async run({ source }) {
    const s = await inspect(source, HEARTBEAT_TABLE);
    if (s.problems.length) return failure(s.problems, 'a heartbeat table or schema');
    if (!s.schema.exists && !s.schema.canCreate) {
      return {
        result: 'fail',
        cause: `The account "${s.schema.user}" cannot create DTS's schema ${q(HELPER_SCHEMA)} (no CREATE permission on database "${s.schema.database}"), where the heartbeat table ${q(HELPER_SCHEMA)}.${q(HEARTBEAT_TABLE.ref.name)} goes.`,
        fix: createFix(s.schema.database, s.schema.user),
      };
    }
    return pass();
  },
};

export const targetHelperCheck: Check = {
  key: 'target.helper_objects',
  name: "Check DTS's helper objects in the destination database",
  sides: ['target'],
  when: dataSync,
  async run({ target, input }) {
    const into = input.mappings.filter((m) => m.target.schema === HELPER_SCHEMA).map((m) => `${q(m.target.schema)}.${q(m.target.name)}`);
    if (into.length) {
      return {
        result: 'fail',
        cause: `The schema ${q(HELPER_SCHEMA)} is DTS's own, but these tables would be written into it: ${listNames(into, 5)}.`,
        fix: `Map the tables to another schema (object name mapping of the selected objects).`,
      };
    }
    const s = await inspect(target, CHECKPOINT_TABLE);
    if (s.problems.length) return failure(s.problems, 'a checkpoint table or schema');
    const legacy = await inspect(target, LEGACY_CHECKPOINT_TABLE);
    if (legacy.problems.length) {
      return {
        result: 'warn',
        cause: `The previous version's checkpoint table fails the check, so DTS will not read it: ${legacy.problems.map((p) => p.cause).join(' ')} A task created by the previous version that recorded its position there cannot resume.`,
        fix: listStatements(legacy.problems.map((p) => p.fix), 20),
      };
    }
    if (!s.schema.exists && !s.schema.canCreate) {
      return {
        result: 'warn',
        cause: `The account "${s.schema.user}" cannot create DTS's schema ${q(HELPER_SCHEMA)} (no CREATE permission on database "${s.schema.database}") for the checkpoint table ${q(HELPER_SCHEMA)}.${q(CHECKPOINT_TABLE.ref.name)}. The task then records its position only through its replication origin, the count of changes applied is not exact, and an account that may not use replication origins cannot run the task.`,
        fix: createFix(s.schema.database, s.schema.user),
      };
    }
    return pass();
  },
};
