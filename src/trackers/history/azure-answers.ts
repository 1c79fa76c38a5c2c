import { z } from 'zod';
import type { ImportFailure } from '../../domain/tracker-import';
import { isUnreadable } from './history';
import { type ReadFailure, retryAfterMs } from './patiently';

/** The permission (a personal access token's scope) an import needs to read work items and their updates. */
export const WORK_ITEMS_READ = 'Work Items (Read)';

/**
 * What Azure DevOps's answer (through azure-devops-node-api) means for the import. Never the error's message itself
 * when there was no answer: typed-rest-client's carry the request.
 */
export function readFailure(error: unknown, baseUrl: string): ReadFailure {
  if (isUnreadable(error)) return error.data;
  const unreachable = (reason: string): ReadFailure => ({
    failure: { problem: 'unreachable', url: baseUrl, reason },
    retryAfterMs: null,
  });
  if (error instanceof z.ZodError) return unreachable("its answers are not Azure DevOps's REST API");
  const answer = error as RestError | undefined;
  if (typeof answer?.statusCode === 'number')
    return fromStatus(answer.statusCode, answer.result, retryAfterMs(header(answer.responseHeaders, 'retry-after')));
  if (typeof answer?.code === 'string') return unreachable(answer.code);
  // the client's own words when the address answered with no Azure DevOps API (a 404 or a web page instead)
  const message = error instanceof Error ? error.message : '';
  if (/^Request timeout/.test(message)) return unreachable('no answer in time');
  if (/api location|resource area/i.test(message)) return unreachable('no Azure DevOps REST API there');
  return { failure: { problem: 'tracker-failed', status: 0 }, retryAfterMs: null };
}

/** The status a sign-in page comes with: Azure DevOps's answer to a token it does not know, when not told to say 401. */
export const SIGN_IN_PAGE = 203;

/** What azure-devops-node-api (typed-rest-client) puts on an error for an answer it did not like. */
type RestError = {
  statusCode?: number;
  result?: unknown;
  responseHeaders?: Record<string, string | string[] | undefined>;
  code?: string;
};

function header(headers: RestError['responseHeaders'], name: string): string | null {
  const value = headers?.[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

export function fromStatus(status: number, body: unknown, wait: number | null = null): ReadFailure {
  const failure = (f: ImportFailure): ReadFailure => ({ failure: f, retryAfterMs: wait });
  if (status === 401 || status === SIGN_IN_PAGE) return failure({ problem: 'unauthorized' });
  if (status === 403) return failure({ problem: 'forbidden', permission: WORK_ITEMS_READ });
  if (status === 400) return failure({ problem: 'bad-query', message: azureMessage(body) });
  if (status === 429) return failure({ problem: 'rate-limited' });
  return failure({ problem: 'tracker-failed', status });
}

/** Azure DevOps's error body: `message`, which starts with the TF code (`TF51005: The query references…`). */
function azureMessage(body: unknown): string {
  const parsed = z.object({ message: z.string().min(1) }).safeParse(body);
  return parsed.success ? parsed.data.message : 'Azure DevOps gave no reason';
}
