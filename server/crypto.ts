// Secrets at rest: AES-256-GCM. The key comes from DTS_SECRET_KEY (any string; hashed to 32
// bytes) or is generated once into <dataDir>/secret.key with mode 0600.
import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { config } from './config';

let cachedKey: Buffer | undefined;

function key(): Buffer {
  if (cachedKey) return cachedKey;
  const fromEnv = process.env.DTS_SECRET_KEY;
  if (fromEnv) {
    cachedKey = createHash('sha256').update(fromEnv).digest();
    return cachedKey;
  }
  const file = path.join(config.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  cachedKey = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (cachedKey.length !== 32) throw new Error(`${file} must hold 32 bytes in base64`);
  return cachedKey;
}

/** Returns "v1:<iv>:<tag>:<ciphertext>" in base64 parts. */
export function encryptSecret(plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key(), iv);
  const enc = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64'), c.getAuthTag().toString('base64'), enc.toString('base64')].join(':');
}

export function decryptSecret(stored: string): string {
  const [v, iv, tag, enc] = stored.split(':');
  if (v !== 'v1' || !iv || !tag || enc === undefined) throw new Error('stored secret has an unknown format');
  const d = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64'));
  d.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([d.update(Buffer.from(enc, 'base64')), d.final()]).toString('utf8');
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
