import type { IncomingHttpHeaders } from 'node:http';
import type { DateTime } from 'luxon';
import type { TrackerChange, TrackerKind } from '../domain/tracker';

/** A webhook request as it arrived: headers and the body's raw bytes, before anything parsed them. */
export type WebhookRequest = { headers: IncomingHttpHeaders; raw: Buffer };

/** What a payload says: one status change, or nothing the flow needs (answered 2xx and dropped). */
export type Parsed = { change: TrackerChange } | { ignored: string };

/**
 * A tracker's answer to a request or a secret: accepted, or rejected with the reason the sender reads in the HTTP body
 * (401) or the NIT reads under `/nexus tracker`. These reasons are the webhook's own interface text, like a command's
 * usage.
 */
export type Verdict = typeof ACCEPTED | Rejected;
export type Rejected = { rejected: string };
export const ACCEPTED = 'accepted';
export const rejected = (reason: string): Rejected => ({ rejected: reason });
export const isRejected = (verdict: Verdict): verdict is Rejected => verdict !== ACCEPTED;

/** One tracker's side of the webhook: how it signs, how it names deliveries, and how its payload reads. */
export type Tracker = {
  kind: TrackerKind;
  /** Accepted when the request is the sender's; otherwise why not. Runs over the raw bytes, before parsing. */
  verify(request: WebhookRequest, secret: string, now: DateTime): Verdict;
  /** The sender's delivery id, the same on every retry of one delivery. */
  deliveryId(request: WebhookRequest, body: unknown): string | null;
  /** Throws a ZodError when the payload is not what this tracker sends. */
  parse(body: unknown, request: WebhookRequest): Parsed;
  /** Accepted, or rejected as too weak to sign or authenticate with (too little key material). */
  checkSecret(secret: string): Verdict;
  /** A new shared secret for the NIT to paste into the tracker. */
  newSecret(): string;
  /** Where in the tracker the webhook is set up, for `/nexus tracker`. */
  setup: string;
};

/** The body as JSON, or null when it is not JSON (a signed body may still be garbage). */
export function jsonOrNull(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
}
