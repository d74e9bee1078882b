// node --import tsx --test components/settings/token-expiry.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXPIRY_CHOICES, expiresInDays, expiryText } from './token-expiry';

const NOW = new Date(2026, 10, 22, 18, 41, 11);

test('Create Token offers no expiry and 7, 30, 90, 365 days, as auth.createToken takes them', () => {
  assert.deepEqual(EXPIRY_CHOICES.map((c) => c.label), ['No expiry', '7 days', '30 days', '90 days', '365 days']);
  assert.deepEqual(EXPIRY_CHOICES.map((c) => expiresInDays(c.value)), [undefined, 7, 30, 90, 365]);
});

test('the expiry column: Never, the local time it expires, or Expired once it has passed', () => {
  assert.deepEqual(expiryText(null, NOW), { text: 'Never', expired: false });
  const inAWeek = new Date(NOW.getTime() + 7 * 86_400_000);
  assert.deepEqual(expiryText(inAWeek, NOW), { text: '2026-11-29 18:41:11', expired: false });
  // as superjson or JSON would give it
  assert.deepEqual(expiryText(inAWeek.toISOString(), NOW.getTime()), { text: '2026-11-29 18:41:11', expired: false });
  assert.deepEqual(expiryText(new Date(NOW.getTime() - 1000), NOW), { text: 'Expired', expired: true });
  assert.deepEqual(expiryText(NOW, NOW), { text: 'Expired', expired: true }, 'a token stops working at its expiry time');
});
