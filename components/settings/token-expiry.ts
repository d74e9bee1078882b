// API token expiry, as Create Token offers it and the token tables show it. Pure: the server
// sets and enforces the expiry (auth.createToken's expiresInDays, 1 to 3650 days or none).
import { formatTime } from '../ui/format';

/** the choices of Create Token: '' is no expiry, else days */
export const EXPIRY_CHOICES: ReadonlyArray<{ value: string; label: string }> = [
  { value: '', label: 'No expiry' },
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '365 days' },
];

/** the choice as auth.createToken takes it: undefined for no expiry */
export function expiresInDays(choice: string): number | undefined {
  return choice === '' ? undefined : Number(choice);
}

export interface ExpiryText {
  text: string;
  expired: boolean;
}

/** "Never", "Expired", or when it expires; `now` is when the list was read */
export function expiryText(expiresAt: Date | string | null, now: Date | number): ExpiryText {
  if (expiresAt === null) return { text: 'Never', expired: false };
  const at = typeof expiresAt === 'string' ? new Date(expiresAt) : expiresAt;
  const nowMs = typeof now === 'number' ? now : now.getTime();
  if (at.getTime() <= nowMs) return { text: 'Expired', expired: true };
  return { text: formatTime(at), expired: false };
}
