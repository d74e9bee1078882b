// Console user names are normalised before they are stored or looked up: "Admin ", "admin" and
// "ａｄｍｉｎ" (full-width) are one user. Pure.
import { z } from 'zod';

export const USERNAME_MAX = 64;

export function normalizeUsername(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}

/** a user name as typed at sign-in: normalised; whatever it is, an unknown name just fails */
export const signInName = z.string().min(1).max(256).transform(normalizeUsername);

/** a new user's name: normalised, then letters, digits and . _ - @ */
export const newUsername = z
  .string()
  .max(256)
  .transform(normalizeUsername)
  .pipe(
    z
      .string()
      .min(1, 'enter a user name')
      .max(USERNAME_MAX, `a user name has at most ${USERNAME_MAX} characters`)
      .regex(/^[\p{L}\p{N}][\p{L}\p{N}._@-]*$/u, 'a user name starts with a letter or digit and has only letters, digits and . _ - @'),
  );
