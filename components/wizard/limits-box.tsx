'use client';
// The warning and the limits shown in the upper part of step 1 (seed 003), and the Important
// notes of the reverse direction of a two-way synchronization (seed 003 step 14).
export function LimitsBox() {
  return (
    <div className="space-y-2" data-testid="wizard-limits">
      <p role="note" className="rounded-sm border border-orange-200 bg-orange-50 px-3 py-2 text-sm text-orange-800">
        <strong className="mr-1">Warning</strong>
        After you configure the source and destination databases, we recommend that you read the limits that are displayed in the upper part of the page. Otherwise, the task may fail or data
        inconsistency may occur.
      </p>
      <details className="rounded-sm border border-gray-200 bg-white px-3 py-2 text-xs text-gray-700" open>
        <summary className="cursor-pointer text-sm font-semibold text-gray-800">Limits</summary>
        <ul className="mt-2 list-disc space-y-1 pl-5">
          <li>The tables to be synchronized must have PRIMARY KEY or UNIQUE constraints, and all fields must be unique. Otherwise, the destination database may contain duplicate data records.</li>
          <li>
            If you select tables as the objects to be synchronized and you want to edit them (rename tables or columns in the destination database), you can synchronize up to 5,000 tables in a
            single task. Otherwise, configure multiple tasks or synchronize the entire database.
          </li>
          <li>The value of the wal_level parameter of the source database is set to logical.</li>
          <li>
            WAL retention: for incremental data synchronization only, keep the WAL logs of the source database for more than 24 hours; for full and incremental data synchronization, for at least
            seven days. Otherwise, DTS may fail to obtain the WAL logs and the task may fail.
          </li>
        </ul>
      </details>
    </div>
  );
}

export function ReverseDirectionNotes() {
  return (
    <div role="note" className="rounded-sm border border-blue-200 bg-blue-50 px-3 py-2 text-xs text-blue-900" data-testid="reverse-direction-notes">
      <p className="mb-1 text-sm font-semibold">Important</p>
      <ul className="list-disc space-y-1 pl-5">
        <li>
          The source instance in the reverse direction is the destination instance in the forward direction, and the destination instance in the reverse direction is the source instance in the
          forward direction. The database names, accounts and passwords of the forward direction are used.
        </li>
        <li>The number of parameters that you need to configure for the reverse direction is less than that for the forward direction. Configure the parameters that are displayed.</li>
        <li>When DTS checks for conflicting tables in the reverse direction, the tables that have been synchronized to the destination instance in the forward direction are ignored.</li>
      </ul>
    </div>
  );
}
