import type { DateTime } from 'luxon';

/** Base 62 in the order of its characters' codes, as fractional-indexing writes a rank. */
const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * The rank of a PBI no one ranked: its creation instant as a rank of fractional-indexing's form (`g` heads seven
 * digits), so PBIs are in the order they were added and a new one goes to the bottom; ranks made between them sort
 * among them. Its key is the fraction, so PBIs added in the same instant (a CSV file's dates) differ and can have
 * one ranked between them: the key's number first (ED-2 before ED-10), then the rest of it hashed. Instants before
 * 1970 or after 2080 are held at the ends.
 */
export function rankAdded(at: DateTime, key: string): string {
  const ms = Math.min(Math.max(0, Math.floor(at.toMillis())), 62 ** 7 - 1);
  const number = /(\d{1,15})\D*$/.exec(key);
  const n = Math.min(number ? Number(number[1]) : 0, 62 ** 6 - 1);
  const rest = number ? key.slice(0, number.index) + key.slice(number.index + number[1].length) : key;
  // the fraction may not end in 0: a last digit of 1 keeps it a rank whatever the hash
  return `g${base62(ms, 7)}${base62(n, 6)}${base62(fnv1a(rest.toLowerCase()), 4)}1`;
}

function base62(n: number, width: number): string {
  let digits = '';
  for (let i = 0; i < width; i++, n = Math.floor(n / 62)) digits = DIGITS[n % 62] + digits;
  return digits;
}

/** FNV-1a, 32 bits: a stable, well-spread number for a key. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
