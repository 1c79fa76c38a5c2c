import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest } from './tracker';

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
export function verifyHubSignature(request: WebhookRequest, name: string, secret: string): string | null {
  const given = header(request, name);
  if (!given) return `the ${name} header is missing`;
  return sameSecret(given, `sha256=${hmacSha256(secret, request.raw, 'hex')}`) ? null : `the ${name} signature does not match`;
}

export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
