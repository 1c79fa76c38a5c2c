import { z } from 'zod';
import { isUnreadable } from './history';
import type { ReadFailure } from './patiently';
import { retryAfterMs } from './patiently';

/** A GraphQL error as Linear writes it: `extensions.code` (AUTHENTICATION_ERROR, FORBIDDEN, RATELIMITED…) and `type`. */
const graphqlErrors = z.array(
  z.looseObject({
    message: z.string().optional(),
    extensions: z
      .looseObject({
        code: z.string().optional(),
        type: z.string().optional(),
        userPresentableMessage: z.string().optional(),
      })
      .optional(),
  }),
);

/** A header's value; null when the answer has none. */
type HeaderValue = string | null;
/** An answer's headers, as fetch gives them. */
type Headers = { get(name: string): HeaderValue };

/** The parts of @linear/sdk's LinearError read here (the SDK is loaded only when an import runs). */
type LinearErrorLike = {
  status?: number;
  raw?: { response?: { errors?: unknown; status?: number; headers?: Headers } };
};

/**
 * What Linear's answer (through @linear/sdk) means for the import. Read from Linear's own error codes and HTTP status,
 * not from the SDK's guess (it calls any 4xx without a GraphQL error an authentication error). Never its message or
 * the error itself: the SDK's carry the request.
 */
export function readFailure(error: unknown, baseUrl: string, now = Date.now()): ReadFailure {
  const unreachable = (reason: string): ReadFailure => ({
    failure: { problem: 'unreachable', url: baseUrl, reason },
    retryAfterMs: null,
  });
  if (isUnreadable(error)) return error.data;
  if (error instanceof z.ZodError) return unreachable("its answers are not Linear's GraphQL API");
  if (isTimeout(error)) return unreachable('no answer in time');
  // fetch failed: no answer at all (ECONNREFUSED, ENOTFOUND…); known by name, as fetch may be of another realm
  if (isNamed(error, 'TypeError')) return unreachable(causeCode(error) ?? 'no answer');
  if (!isLinearError(error)) return { failure: { problem: 'tracker-failed', status: 0 }, retryAfterMs: null };
  const response = error.raw?.response;
  const status = error.status ?? response?.status ?? 0;
  const parsed = graphqlErrors.safeParse(response?.errors ?? []);
  const first = parsed.success ? parsed.data[0] : undefined;
  const code = (first?.extensions?.code ?? first?.extensions?.type ?? '').toUpperCase().replace(/ /g, '_');
  const failure = (f: ReadFailure['failure'], wait: number | null = null): ReadFailure => ({
    failure: f,
    retryAfterMs: wait,
  });
  if (code === 'RATELIMITED' || status === 429)
    return failure({ problem: 'rate-limited' }, rateLimitWait(response?.headers, now));
  if (code === 'AUTHENTICATION_ERROR' || status === 401) return failure({ problem: 'unauthorized' });
  if (code === 'FORBIDDEN' || status === 403) return failure({ problem: 'forbidden', permission: 'read' });
  if (status >= 500) return failure({ problem: 'tracker-failed', status });
  if (first)
    return failure({
      problem: 'bad-query',
      message: first.extensions?.userPresentableMessage ?? first.message ?? 'Linear gave no reason',
    });
  // an answer that is not GraphQL: a web page, or a 404 at a wrong address
  if (status >= 200 && status < 300) return unreachable("its answers are not Linear's GraphQL API");
  return failure({ problem: 'tracker-failed', status });
}

/**
 * How long Linear asked to wait: until the exhausted budget's reset (`X-RateLimit-Requests-Reset`,
 * `X-RateLimit-Complexity-Reset`, UTC epoch milliseconds), else Retry-After; null when it said neither.
 */
function rateLimitWait(headers: Headers | undefined, now: number): number | null {
  if (!headers) return null;
  const budgets = ['requests', 'complexity', 'endpoint-requests'].map((kind) => ({
    remaining: numberOf(headers.get(`x-ratelimit-${kind}-remaining`)),
    reset: numberOf(headers.get(`x-ratelimit-${kind}-reset`)),
  }));
  const resets = budgets.filter((b) => b.reset !== null);
  const spent = resets.filter((b) => b.remaining === 0);
  const at = Math.max(...(spent.length ? spent : resets).map((b) => b.reset!));
  if (Number.isFinite(at)) return Math.max(0, at - now);
  return retryAfterMs(headers.get('retry-after'), now);
}

function numberOf(text: string | null): number | null {
  if (text === null || text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

function isLinearError(error: unknown): error is Error & LinearErrorLike {
  return error instanceof Error && 'raw' in error && 'type' in error;
}

/** fetch's failures carry the system's code on their cause. */
function causeCode(error: object): string | undefined {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  // fetch's own refusals have no code: "bad port"…
  return typeof cause?.message === 'string' ? cause.message.slice(0, 80) : undefined;
}

function isTimeout(error: unknown): boolean {
  return isNamed(error, 'TimeoutError') || isNamed(error, 'AbortError');
}

function isNamed(error: unknown, name: string): error is { name: string } {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}
