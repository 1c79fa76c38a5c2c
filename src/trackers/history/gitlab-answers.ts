import { z } from 'zod';
import { ExpectedFailure } from '../../domain/expected-failure';
import type { ReadFailure } from './patiently';
import { retryAfterMs } from './patiently';

/** What `--token` lacks when GitLab answers 403: the scope that lets a token read a project's issues and events. */
export const GITLAB_SCOPE = 'read_api';
/** What GitLab answers for a project that is not there, or that the token cannot see. */
const NO_PROJECT = '404 Project Not Found';

const GITLAB_ANSWER = 'gitlab-answer';
/** An answer of GitLab that is not a success: its status, headers and body (JSON when GitLab sent JSON). */
export type GitlabAnswer = { status: number; headers: Headers; body: unknown };

/** GitLab's answer, thrown out of the import's requester (gitlab-requester.ts) through @gitbeaker/rest. */
export function gitlabAnswer(answer: GitlabAnswer): ExpectedFailure<GitlabAnswer> {
  return new ExpectedFailure(GITLAB_ANSWER, answer);
}

/**
 * What GitLab's answer (through @gitbeaker/rest) means for the import reading `project`. Never the error's message or
 * the request: the request carries the PRIVATE-TOKEN header.
 */
export function readFailure(error: unknown, baseUrl: string, project: string): ReadFailure {
  const unreachable = (reason: string): ReadFailure => ({
    failure: { problem: 'unreachable', url: baseUrl, reason },
    retryAfterMs: null,
  });
  if (error instanceof z.ZodError) return unreachable("its answers are not GitLab's REST API");
  if (error instanceof ExpectedFailure && error.code === GITLAB_ANSWER) return fromStatus(error.data, project);
  // known by name: fetch's errors may come from another realm (a test runner's), where instanceof fails
  const { name, cause } = (error ?? {}) as { name?: unknown; cause?: unknown };
  if (name === 'TimeoutError' || name === 'AbortError') return unreachable('no answer in time');
  // fetch's TypeError "fetch failed", with the socket's error (ECONNREFUSED, ENOTFOUND…) as its cause
  if (name === 'TypeError') return unreachable(codeOf(cause) ?? 'no answer');
  return { failure: { problem: 'tracker-failed', status: 0 }, retryAfterMs: null };
}

function fromStatus(answer: GitlabAnswer, project: string): ReadFailure {
  const failure = (f: ReadFailure['failure']): ReadFailure => ({ failure: f, retryAfterMs: waitOf(answer.headers) });
  const message = gitlabMessage(answer.body);
  if (answer.status === 401) return failure({ problem: 'unauthorized' });
  if (answer.status === 403) return failure({ problem: 'forbidden', permission: GITLAB_SCOPE });
  if (answer.status === 404 && message === NO_PROJECT)
    return failure({
      problem: 'bad-query',
      message: `there is no project ${project}, or the token cannot see it`,
      status: 404,
    });
  if (answer.status === 400) return failure({ problem: 'bad-query', message: message ?? 'GitLab gave no reason' });
  if (answer.status === 429) return failure({ problem: 'rate-limited' });
  return failure({ problem: 'tracker-failed', status: answer.status });
}

/** GitLab's wait: Retry-After (seconds), or else RateLimit-Reset (when the window resets, in Unix seconds). */
function waitOf(headers: Headers, now = Date.now()): number | null {
  const after = retryAfterMs(headers.get('retry-after'), now);
  if (after !== null) return after;
  const reset = Number(headers.get('ratelimit-reset'));
  return headers.get('ratelimit-reset') && Number.isFinite(reset) ? Math.max(0, reset * 1_000 - now) : null;
}

/** GitLab's reason: `{"message": "…"}` (a string, or fields with their errors) or `{"error": "…"}`. */
function gitlabMessage(body: unknown): string | undefined {
  const parsed = z
    .object({ message: z.unknown().optional(), error: z.string().optional(), error_description: z.string().optional() })
    .safeParse(body);
  if (!parsed.success) return undefined;
  const { message, error, error_description } = parsed.data;
  if (typeof message === 'string') return message;
  if (message && typeof message === 'object')
    return Object.entries(message)
      .map(([field, why]) => `${field} ${[why].flat().join(', ')}`)
      .join('; ');
  return error_description ?? error;
}

/** The socket's error code (ECONNREFUSED, ENOTFOUND…), or else what fetch said (`bad port`). */
function codeOf(cause: unknown): string | undefined {
  const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return code;
  return typeof message === 'string' && message ? message.slice(0, 60) : undefined;
}
