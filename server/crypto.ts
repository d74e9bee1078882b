// Secrets at rest: AES-256-GCM. The key comes from DTS_SECRET_KEY (any string; hashed to 32
// bytes) or is generated once into <dataDir>/secret.key with mode 0600. A stored secret that does
// not decrypt under that key is a SecretKeyError naming the variable (and the file), never the
// bare "unable to authenticate data" of the cipher. scripts/rotate-key.ts re-encrypts under a new key.
import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { config } from './config';
import { AppError } from './errors';

export const SECRET_KEY_VAR = 'DTS_SECRET_KEY';

/** where the key of this process comes from */
export type KeySource = { kind: 'env'; variable: string } | { kind: 'file'; file: string };

export function secretKeyFile(dataDir = config.dataDir): string {
  return path.join(dataDir, 'secret.key');
}

/** the key of a DTS_SECRET_KEY value: any string, sha256'd to 32 bytes */
export function keyFromString(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** the key held in a secret.key file (32 bytes in base64) */
export function readKeyFile(file: string): Buffer {
  const k = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (k.length !== 32) throw new Error(`${file} must hold 32 bytes in base64; restore it from a backup, or set ${SECRET_KEY_VAR} to the key the stored passwords were saved with`);
  return k;
}

export function currentKeySource(): KeySource {
  return process.env[SECRET_KEY_VAR] ? { kind: 'env', variable: SECRET_KEY_VAR } : { kind: 'file', file: secretKeyFile() };
}

// the key is cached per value of DTS_SECRET_KEY, or per file and its modification time, so a
// process (or a test) that changes either gets the new key
let cached: { id: string; key: Buffer } | undefined;

function key(): Buffer {
  const fromEnv = process.env[SECRET_KEY_VAR];
  if (fromEnv) {
    const id = `env:${fromEnv}`;
    if (cached?.id !== id) cached = { id, key: keyFromString(fromEnv) };
    return cached.key;
  }
  const file = secretKeyFile();
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  const st = statSync(file);
  const id = `file:${file}:${st.mtimeMs}:${st.size}`;
  if (cached?.id !== id) cached = { id, key: readKeyFile(file) };
  return cached.key;
}

/**
 * A stored secret that the key of this process cannot decrypt: the key is not the one it was saved
 * with. An AppError (SERVICE_UNAVAILABLE: this console is misconfigured) so that the API shows the
 * message; the replicator retries it (server/pipeline/task-context.ts), as a restart with the right
 * key cures it.
 */
export class SecretKeyError extends AppError {
  constructor(readonly what: string | undefined, source: KeySource = currentKeySource()) {
    super('SERVICE_UNAVAILABLE', wrongKeyMessage(what, source));
    this.name = 'SecretKeyError';
  }
}

export function wrongKeyMessage(what: string | undefined, source: KeySource): string {
  const subject = what ? `The stored password of ${what}` : 'A stored database password';
  if (source.kind === 'env') {
    return `${subject} cannot be decrypted with ${source.variable}: it is not the key the password was saved with. ` +
      `Set ${source.variable} to that key (the same value on every console and replicator that share the metadata database; after \`dts admin rotate-key\`, the new key) and restart.`;
  }
  const pending = existsSync(`${source.file}.new`) ? ` ${source.file}.new exists: a key rotation was interrupted after it saved the passwords under that key; move it to ${source.file}.` : '';
  return `${subject} cannot be decrypted with the key in ${source.file} (${SECRET_KEY_VAR} is unset): it is not the key the password was saved with.${pending} ` +
    `Restore the secret.key the passwords were saved with, or set ${SECRET_KEY_VAR} to the key the other consoles and replicators use, and restart.`;
}

/** Returns "v1:<iv>:<tag>:<ciphertext>" in base64 parts. */
export function encryptWith(k: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', k, iv);
  const enc = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64'), c.getAuthTag().toString('base64'), enc.toString('base64')].join(':');
}

/** The plain text, or null when `k` is not the key `stored` was encrypted with. */
export function decryptWith(k: Buffer, stored: string): string | null {
  const [v, iv, tag, enc] = stored.split(':');
  if (v !== 'v1' || !iv || !tag || enc === undefined) throw new Error('stored secret has an unknown format (expected v1:<iv>:<tag>:<ciphertext>)');
  const d = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64'));
  d.setAuthTag(Buffer.from(tag, 'base64'));
  try {
    return Buffer.concat([d.update(Buffer.from(enc, 'base64')), d.final()]).toString('utf8');
  } catch {
    // GCM's "Unsupported state or unable to authenticate data": another key (or altered data)
    return null;
  }
}

export function encryptSecret(plain: string): string {
  return encryptWith(key(), plain);
}

/** `what` names the row in the error, e.g. "Endpoint 12". */
export function decryptSecret(stored: string, what?: string): string {
  const plain = decryptWith(key(), stored);
  if (plain === null) throw new SecretKeyError(what);
  return plain;
}

// ---- passwords of console users: scrypt with a random salt

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, 32, { N: 16384, r: 8, p: 1 }, (err, out) => (err ? reject(err) : resolve(out))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const out = await scryptAsync(password, salt);
  return `scrypt:${salt.toString('base64')}:${out.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, salt, hash] = stored.split(':');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const out = await scryptAsync(password, Buffer.from(salt, 'base64'));
  const expected = Buffer.from(hash, 'base64');
  return out.length === expected.length && timingSafeEqual(out, expected);
}

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
