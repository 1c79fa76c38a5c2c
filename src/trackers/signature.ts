import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ACCEPTED, rejected, type Verdict, type WebhookRequest } from './tracker';

export function hmacSha256(key: string | Buffer, data: string | Buffer, encoding: 'hex' | 'base64'): string {
  return createHmac('sha256', key).update(data).digest(encoding);
}

/** Constant time whatever the lengths: both sides are hashed first, so neither length nor content leaks. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** One header's value; a repeated header counts as missing, as a sender never repeats these. */
export function header(request: WebhookRequest, name: string): string | null {
  const value = request.headers[name.toLowerCase()];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** `sha256=<hex HMAC of the raw body>` in `name`, as Jira and GitHub sign. */
export function verifyHubSignature(request: WebhookRequest, name: string, secret: string): Verdict {
  const given = header(request, name);
  if (!given) return rejected(`the ${name} header is missing`);
  return sameSecret(given, `sha256=${hmacSha256(secret, request.raw, 'hex')}`)
    ? ACCEPTED
    : rejected(`the ${name} signature does not match`);
}

/**
 * Below this a shared secret could be guessed, or found offline from one signed delivery. 64 bits by the estimate
 * below takes about 20 random characters, 16 random bytes, or what any tracker and the bot generate.
 */
export const MIN_SECRET_BITS = 64;

/**
 * A rough measure of a secret's randomness: its length times the entropy of its characters' spread. Repeats and short
 * alphabets score low ("################" scores 0, "abab…" 1 bit a character); random text scores near its length
 * times the log of its alphabet. It cannot tell a random string from a memorable one, so it is a floor, not a proof.
 */
export function estimatedBits(text: string): number {
  const chars = [...text];
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / chars.length) * Math.log2(n / chars.length);
  return Math.floor(chars.length * perChar);
}

/** `random` (a secret without any fixed prefix) accepted, or rejected as too weak to sign with. */
export function checkKeyMaterial(random: string): Verdict {
  const bits = estimatedBits(random);
  if (bits >= MIN_SECRET_BITS) return ACCEPTED;
  return rejected(
    `That secret has too little key material: about ${bits} bits of randomness by its characters, and a tracker secret needs at least ${MIN_SECRET_BITS} bits (for example 32 random hex digits: \`openssl rand -hex 16\`). Leave out --secret and the bot makes one.`,
  );
}

export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
