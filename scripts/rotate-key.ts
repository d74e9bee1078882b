// npm run rotate-key (and `dts admin rotate-key`): re-encrypts every stored database password
// (Endpoint and Connection rows) under a new key, in one transaction, on the machine of the
// console (DATABASE_URL, or the embedded metadata server under DTS_DATA_DIR).
//   - The current key is this process's: DTS_SECRET_KEY, or <DTS_DATA_DIR>/secret.key.
//   - The new key: DTS_NEW_SECRET_KEY (never from the command line), or, when the key is file
//     based and DTS_NEW_SECRET_KEY is unset, a new secret.key generated here. It is written to
//     secret.key.new first; the old file is copied to secret.key.old; after the commit
//     secret.key.new replaces secret.key and secret.key.old is removed.
//   - Every row must decrypt under the current key first; if any does not, nothing changes and
//     the rows are named.
// Afterwards every console and replicator must be restarted with the new key.
import { copyFileSync, existsSync, fsyncSync, openSync, closeSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const NEW_KEY_VAR = 'DTS_NEW_SECRET_KEY';

const { currentKeySource, decryptWith, encryptWith, keyFromString, readKeyFile, SECRET_KEY_VAR } = await import('../server/crypto');
const { storedSecrets } = await import('./secret-key');
const { db, disconnectDb } = await import('../server/db');

class Refused extends Error {}

/** writes `text` to `file` (which must not exist) with mode 0600, synced to disk */
function writeKeyFile(file: string, text: string): void {
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function keyOf(source: ReturnType<typeof currentKeySource>): Buffer {
  if (source.kind === 'env') return keyFromString(process.env[SECRET_KEY_VAR] ?? '');
  if (!existsSync(source.file)) {
    throw new Refused(`${source.file} does not exist and ${SECRET_KEY_VAR} is unset: there is no current key to rotate from. Set ${SECRET_KEY_VAR}, or restore secret.key, and run again.`);
  }
  return readKeyFile(source.file);
}

async function rotate(): Promise<void> {
  const source = currentKeySource();
  const currentName = source.kind === 'env' ? SECRET_KEY_VAR : source.file;
  const current = keyOf(source);
  const newFromEnv = process.env[NEW_KEY_VAR];
  if (source.kind === 'env' && !newFromEnv) {
    throw new Refused(`${SECRET_KEY_VAR} is set, so the new key must come from ${NEW_KEY_VAR}: set it in the environment (never on the command line) and run again.`);
  }
  const fileKey = source.kind === 'file' && !newFromEnv ? randomBytes(32) : null;
  const next = fileKey ?? keyFromString(newFromEnv ?? '');
  if (next.equals(current)) throw new Refused(`${NEW_KEY_VAR} gives the same key as ${currentName}: choose a new one.`);

  const { openMetadataDatabase } = await import('./metadata-db');
  const meta = await openMetadataDatabase();
  const keyFile = source.kind === 'file' ? source.file : null;
  const pending = keyFile ? `${keyFile}.new` : null;
  const backup = keyFile ? `${keyFile}.old` : null;
  try {
    if (pending && existsSync(pending)) {
      // an earlier run stopped before it finished: did it commit under that key?
      const earlier = readKeyFile(pending);
      const rows = await storedSecrets();
      if (rows.length > 0 && rows.every((r) => decryptWith(current, r.passwordEnc) === null && decryptWith(earlier, r.passwordEnc) !== null)) {
        renameSync(pending, keyFile as string);
        if (backup) rmSync(backup, { force: true });
        console.log(`An earlier rotation had re-encrypted the passwords under ${pending} but not installed it: it is now ${keyFile}. Nothing else was changed.`);
        console.log('Restart every console and replicator so that they use the new key.');
        return;
      }
      rmSync(pending); // left by a run that changed nothing
    }
    if (keyFile && pending && backup && fileKey) {
      writeKeyFile(pending, fileKey.toString('base64'));
      copyFileSync(keyFile, backup);
    }

    let done: { label: string }[] = [];
    try {
      done = await db().$transaction(
        async (tx) => {
          // no console saves a password while the rows change
          await tx.$executeRawUnsafe('LOCK TABLE "Endpoint", "Connection" IN EXCLUSIVE MODE');
          const rows = await storedSecrets(tx);
          const plain = rows.map((r) => ({ row: r, text: decryptWith(current, r.passwordEnc) }));
          const bad = plain.filter((p) => p.text === null).map((p) => p.row.label);
          if (bad.length) {
            throw new Refused(
              `${bad.length} of ${rows.length} stored passwords do not decrypt under the current key (${currentName}), so nothing was changed:\n` +
                bad.map((b) => `  ${b}\n`).join('') +
                `Run with the key they were saved with as ${SECRET_KEY_VAR}, or enter those passwords again (Modify the task's endpoint, or register the connection again), then run again.`,
            );
          }
          for (const { row, text } of plain) {
            const passwordEnc = encryptWith(next, text as string);
            if (row.table === 'Endpoint') await tx.endpoint.update({ where: { id: row.id }, data: { passwordEnc } });
            else await tx.connection.update({ where: { id: row.id }, data: { passwordEnc } });
          }
          return rows;
        },
        { timeout: 120_000, maxWait: 30_000 },
      );
    } catch (e) {
      if (pending && backup && fileKey) {
        rmSync(pending, { force: true });
        rmSync(backup, { force: true });
      }
      throw e;
    }

    const endpoints = done.filter((r) => r.label.startsWith('Endpoint')).length;
    console.log(`Re-encrypted ${done.length} stored password(s) under the new key: ${endpoints} of endpoints, ${done.length - endpoints} of saved connections.`);
    for (const r of done) console.log(`  ${r.label}`);
    const stale = 'A console that saves a password before its restart still uses the old key: enter such a password again afterwards.';
    if (keyFile && pending && backup && fileKey) {
      renameSync(pending, keyFile);
      rmSync(backup, { force: true });
      console.log(`The new key is in ${keyFile} (the old key is gone).`);
      console.log(`Restart every console and replicator now. Any that runs on another machine with its own copy of secret.key needs this new file, or ${SECRET_KEY_VAR} set to its key; until they restart, they cannot read the passwords.`);
      console.log(stale);
    } else if (keyFile) {
      // file based before, DTS_NEW_SECRET_KEY from now on: the old file is put aside, not used
      renameSync(keyFile, `${keyFile}.old`);
      console.log(`The key is now the value of ${NEW_KEY_VAR}. ${keyFile} held the old key: it was moved to ${keyFile}.old; delete it once everything runs with the new key.`);
      console.log(`Restart every console and replicator now with ${SECRET_KEY_VAR} set to that value; until they restart, they cannot read the passwords.`);
      console.log(stale);
    } else {
      console.log(`Restart every console and replicator now with ${SECRET_KEY_VAR} set to the value of ${NEW_KEY_VAR}; until they restart, they cannot read the passwords.`);
      console.log(stale);
    }
  } finally {
    await disconnectDb().catch(() => undefined);
    if (meta.stop) await meta.stop().catch((e: unknown) => console.error(`stopping the embedded PostgreSQL: ${e instanceof Error ? e.message : String(e)}`));
  }
}

try {
  await rotate();
} catch (e) {
  console.error(`rotate-key: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
