// Precheck items for DTS's helper tables in the database `dts` (helper-objects.ts): the heartbeat
// table on the source, the checkpoint and marker tables on the destination. A view, a table of
// another shape or engine, or a trigger under a helper name fails the item with its name and the
// fix, as the replicator would refuse it.
import { q } from './connect';
import { CHECKPOINT_TABLE, HEARTBEAT_TABLE, inspectMyHelpers, MARKER_TABLE, type MyHelperProblem } from './helper-objects';
import { DTS_DATABASE } from './names';
import { dataSync, incremental, listNames, listStatements, pass, type Outcome } from '../shared/precheck-util';
import type { Check } from './precheck-util';

const failure = (problems: MyHelperProblem[]): Outcome => ({
  result: 'fail',
  cause: `DTS does not use helper tables that another account could have set up to change or run code with what DTS writes: ${problems.map((p) => p.cause).join(' ')}`,
  fix: listStatements(problems.map((p) => p.fix), 20),
});

export const sourceHelperCheck: Check = {
  key: 'source.helper_objects',
  name: "Check DTS's helper tables on the source database",
  sides: ['source'],
  when: incremental,
  async run({ source }) {
    const s = await inspectMyHelpers(source, [HEARTBEAT_TABLE]);
    if (s.problems.length) return failure(s.problems);
    if (s.blind) {
      return {
        result: 'warn',
        cause: `${s.blind.cause} The task then runs without heartbeat: its latency and position advance only when the selected tables change.`,
        fix: s.blind.fix,
      };
    }
    return pass();
  },
};

export const targetHelperCheck: Check = {
  key: 'target.helper_objects',
  name: "Check DTS's helper tables on the destination database",
  sides: ['target'],
  when: dataSync,
  async run({ target, input }) {
    const into = input.mappings.filter((m) => m.target.schema === DTS_DATABASE).map((m) => `${q(m.target.schema)}.${q(m.target.name)}`);
    if (into.length) {
      return {
        result: 'fail',
        cause: `The database ${q(DTS_DATABASE)} is DTS's own, but these tables would be written into it: ${listNames(into, 5)}.`,
        fix: 'Map the tables to another database (object name mapping of the selected objects).',
      };
    }
    const s = await inspectMyHelpers(target, [CHECKPOINT_TABLE, MARKER_TABLE]);
    const problems = s.blind ? [...s.problems, s.blind] : s.problems;
    return problems.length ? failure(problems) : pass();
  },
};
