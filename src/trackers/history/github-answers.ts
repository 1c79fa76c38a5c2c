import { z } from 'zod';
import type { ImportFailure } from '../../domain/tracker-import';
import { type ReadFailure, retryAfterMs } from './patiently';

/** The permission a token needs: Issues (read) on a fine-grained token; a classic token's `repo` scope gives it. */
export const ISSUES_READ = 'Issues: Read';

/**
 * What GitHub's answer (through Octokit) means for the import. Never its message or the error itself: Octokit's carry
 * the request. A 403 is a rate limit when GitHub says when to come back (`retry-after`, its secondary limits) or that
 * none of the hour's requests are left (`x-ratelimit-remaining: 0`, until `x-ratelimit-reset`); otherwise the token
 * lacks a permission.
 */
export function readFailure(error: unknown, baseUrl: string, now = Date.now()): ReadFailure {
  const failure = (f: ImportFailure, wait: number | null = null): ReadFailure => ({ failure: f, retryAfterMs: wait });
  if (error instanceof z.ZodError)
    return failure({ problem: 'unreachable', url: baseUrl, reason: "its answers are not GitHub's REST API" });
  if (!isRequestError(error)) return failure({ problem: 'tracker-failed', status: 0 });
  const response = error.response;
  // no answer at all: Octokit's fetch failed (refused, no such host, timed out) and it says 500 without a response
  if (!response) return failure({ problem: 'unreachable', url: baseUrl, reason: noAnswer(error) });
  const headers = response.headers ?? {};
  const wait = retryAfterMs(headers['retry-after'], now) ?? untilReset(headers, now);
  const status = error.status;
  if (status === 401) return failure({ problem: 'unauthorized' });
  if (status === 429 || (status === 403 && wait !== null)) return failure({ problem: 'rate-limited' }, wait);
  if (status === 403) return failure({ problem: 'forbidden', permission: ISSUES_READ });
  if (status === 400 || status === 422) return failure({ problem: 'bad-query', message: githubMessage(response.data) });
  return failure({ problem: 'tracker-failed', status });
}

/**
 * A failure reading the repository itself (it, or its issues): a 404 is a repository the token cannot see (GitHub
 * answers 404, not 403, for a private one), a 410 its issues turned off.
 */
export function repositoryFailure(read: ReadFailure, repository: string, data?: unknown): ReadFailure {
  const { failure } = read;
  if (failure.problem !== 'tracker-failed') return read;
  if (failure.status === 404)
    return {
      failure: { problem: 'bad-query', status: 404, message: `there is no repository ${repository} the token can see` },
      retryAfterMs: null,
    };
  if (failure.status === 410)
    return {
      failure: {
        problem: 'bad-query',
        status: 410,
        message: githubMessage(data, `${repository} has issues turned off`),
      },
      retryAfterMs: null,
    };
  return read;
}

/** Octokit's RequestError, known by its name (Octokit itself is loaded only when an import runs). */
export function isRequestError(error: unknown): error is OctokitError {
  return error instanceof Error && error.name === 'HttpError' && typeof (error as OctokitError).status === 'number';
}

/** The parts of Octokit's RequestError read here. */
type OctokitError = Error & {
  status: number;
  response?: { status: number; data: unknown; headers?: Record<string, string | undefined> };
};

/** `x-ratelimit-reset` (epoch seconds) from now, when the hour's requests are spent. */
function untilReset(headers: Record<string, string | undefined>, now: number): number | null {
  if (headers['x-ratelimit-remaining'] !== '0') return null;
  const reset = Number(headers['x-ratelimit-reset']);
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1_000 - now) : null;
}

/** Why fetch got no answer: the system's code (ECONNREFUSED, ENOTFOUND…), or fetch's own reason (a bad port…). */
function noAnswer(error: Error): string {
  // fetch's errors come from Node's own realm: read them by their fields, not instanceof
  let cause = error.cause as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown } | undefined;
  let reason = 'no answer';
  for (let depth = 0; cause && typeof cause === 'object' && depth < 4; depth++) {
    if (typeof cause.code === 'string') return cause.code;
    if (cause.name === 'TimeoutError') return 'no answer in time';
    if (typeof cause.message === 'string' && cause.message !== 'fetch failed') reason = cause.message.slice(0, 80);
    cause = cause.cause as typeof cause;
  }
  return reason;
}

/** GitHub's error body: `message`, and each validation error's own message when it gives them. */
function githubMessage(data: unknown, fallback = 'GitHub gave no reason'): string {
  const parsed = z
    .object({
      message: z.string().optional(),
      errors: z.array(z.object({ message: z.string().optional() }).or(z.string())).optional(),
    })
    .safeParse(data);
  if (!parsed.success) return fallback;
  const details = (parsed.data.errors ?? []).map((e) => (typeof e === 'string' ? e : e.message)).filter(Boolean);
  return [parsed.data.message, ...details].filter(Boolean).join(': ') || fallback;
}
