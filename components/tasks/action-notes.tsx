'use client';
// The wording of the Note dialogs that confirm a task action (seed 000: Create Reverse Task,
// Pause Task, Start Reverse Task), one function per action.
import type { ReactNode } from 'react';
import type { TaskSummary } from '../data/tasks';
import { endpointAddress } from '../ui/format';

export type ConfirmKind = 'start' | 'pause' | 'startReverse' | 'createReverse' | 'end' | 'release';

export interface NoteText {
  okText: string;
  danger?: boolean;
  body: ReactNode;
}

const Id = ({ children }: { children: string }) => <span className="font-mono font-medium">{children}</span>;

export function noteFor(kind: ConfirmKind, t: TaskSummary): NoteText {
  switch (kind) {
    case 'start':
      return {
        okText: 'OK',
        body: (
          <>
            <p>
              Are you sure you want to start the task <Id>{t.id}</Id>?
            </p>
            <p className="text-gray-600">A new task begins with the synchronization types it was configured with. A paused or failed task resumes from the position where it stopped.</p>
          </>
        ),
      };
    case 'pause':
      return {
        okText: 'OK',
        body: (
          <>
            <p>
              Are you sure you want to pause the task <Id>{t.id}</Id>?
            </p>
            <p className="text-gray-600">
              A paused task keeps its position: when you start it again, it resumes from where it stopped and no data is lost. While it is paused, changes on the source are not synchronized, the latency grows, and the source database keeps the write-ahead log (PostgreSQL replication slot) or binlog the task has not read yet, until the task is started again or released: a long pause can fill the source&apos;s disk.
            </p>
          </>
        ),
      };
    case 'createReverse':
      return {
        okText: 'OK',
        body: (
          <>
            <p>
              Create a reverse task for <Id>{t.id}</Id>? It synchronizes data from {endpointAddress(t.destination)} back to {endpointAddress(t.source)}.
            </p>
            <ul className="list-disc space-y-1 pl-5 text-gray-600">
              <li>Only incremental data is synchronized by the reverse task (no schema or full data synchronization).</li>
              <li>A precheck is immediately performed after the reverse task is created. After the precheck is passed, DTS collects the incremental data but does not write it to the source database of this task until the reverse task is started.</li>
              <li>You must pause this (forward) task before starting the reverse task. Otherwise, the data may become inconsistent or the task fails to run.</li>
              <li>You can create only one reverse task for each task. After the reverse task is started, this task cannot be directly started.</li>
              <li>Make sure that the tables to be synchronized have primary keys or UNIQUE constraints. Otherwise, duplicate data may occur.</li>
            </ul>
          </>
        ),
      };
    case 'startReverse':
      return {
        okText: 'OK',
        body: (
          <>
            <p>
              Are you sure you want to start the reverse task <Id>{t.id}</Id>?
            </p>
            <p className="text-gray-600">
              You must pause the forward synchronization instance{t.paired ? <> (<Id>{t.paired.id}</Id>, {t.paired.status})</> : null} before starting the reverse instance. Otherwise, this may cause data inconsistency or the instance fails to run.
            </p>
            <p className="text-gray-600">After the reverse instance is started, the original synchronization instance cannot be directly started. Switch your services to {endpointAddress(t.source)} before you start it.</p>
          </>
        ),
      };
    case 'end':
      return {
        okText: 'End',
        danger: true,
        body: (
          <>
            <p>
              Are you sure you want to end the task <Id>{t.id}</Id>?
            </p>
            <p className="text-gray-600">Ending stops the task for good: it stops synchronizing and its status becomes Finished. An ended task cannot be started again; you can release it afterwards.</p>
            {t.syncTypes.incremental && (
              <p className="font-medium text-orange-700" data-testid="end-note-retention">
                The source database keeps the task&apos;s replication slot (PostgreSQL) or binlog position until you release the task: a slot keeps every write-ahead log file from then on, which can fill the source&apos;s disk. Release the task when you no longer need it.
              </p>
            )}
          </>
        ),
      };
    case 'release':
      return {
        okText: 'Release',
        danger: true,
        body: (
          <>
            <p>
              Are you sure you want to release the task <Id>{t.id}</Id>?
            </p>
            <p className="text-gray-600">
              Releasing deletes the task and everything it created on the databases: the replication slot, the publication and the heartbeat table. Data already written to the destination database is kept. This cannot be undone.
            </p>
          </>
        ),
      };
  }
}
