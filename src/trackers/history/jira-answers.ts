import { z } from 'zod';
import type { ReadFailure } from './patiently';
import { retryAfterMs } from './patiently';

/**
 * What Jira's answer (through jira.js) means for the import. Never its message or the error itself: axios's carry the
 * request, Authorization header and all.
 */
export function readFailure(error: unknown, baseUrl: string): ReadFailure {
  const unreachable = (reason: string): ReadFailure => ({
    failure: { problem: 'unreachable', url: baseUrl, reason },
    retryAfterMs: null,
  });
  if (error instanceof z.ZodError) return unreachable("its answers are not Jira Cloud's REST API");
  // jira.js wraps an answer in its HttpException, with axios's error as the cause; no answer comes as axios's error
  const cause = (isHttpException(error) ? error.cause : error) as AxiosLike | undefined;
  const response = cause?.response;
  if (response) return fromStatus(response.status, response.data, retryAfterMs(response.headers?.['retry-after']));
  if (cause?.isAxiosError) return unreachable(cause.code ?? 'no answer');
  return { failure: { problem: 'tracker-failed', status: 0 }, retryAfterMs: null };
}

/** jira.js's HttpException, known by its name (jira.js itself is loaded only when an import runs). */
function isHttpException(error: unknown): error is Error & { cause: unknown } {
  return error instanceof Error && error.name === 'HttpException';
}

/** The parts of an axios error read here (jira.js wraps it; axios itself is not ours to import). */
type AxiosLike = {
  isAxiosError?: boolean;
  code?: string;
  response?: { status: number; data: unknown; headers?: Record<string, string | undefined> };
};

function fromStatus(status: number, data: unknown, wait: number | null): ReadFailure {
  const failure = (f: ReadFailure['failure']): ReadFailure => ({ failure: f, retryAfterMs: wait });
  if (status === 401) return failure({ problem: 'unauthorized' });
  if (status === 403) return failure({ problem: 'forbidden', permission: 'Browse projects' });
  if (status === 400) return failure({ problem: 'bad-query', message: jiraMessages(data) });
  if (status === 429) return failure({ problem: 'rate-limited' });
  return failure({ problem: 'tracker-failed', status });
}

/** Jira's ErrorCollection: `errorMessages` and `errors` by field, as one line. */
function jiraMessages(data: unknown): string {
  const parsed = z
    .object({ errorMessages: z.array(z.string()).default([]), errors: z.record(z.string(), z.string()).default({}) })
    .safeParse(data);
  if (!parsed.success) return 'Jira gave no reason';
  return [...parsed.data.errorMessages, ...Object.values(parsed.data.errors)].join(' ') || 'Jira gave no reason';
}
