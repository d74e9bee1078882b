// Which replicator process runs a task: it holds a session advisory lock (TASK_LOCK_CLASS,
// hashtext(task id)) on the metadata database for as long as it runs the task, and the lock
// vanishes with its session. The replicator takes the lock; the console reads pg_locks to tell a
// task that is run from one whose replicator is gone.
export const TASK_LOCK_CLASS = 7465;
