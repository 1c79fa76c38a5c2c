import type * as Utils from '@gitbeaker/requester-utils';
import { gitlabAnswer } from './gitlab-answers';

/**
 * The requester the import gives @gitbeaker/rest's resources: each request made once, its failure thrown with
 * GitLab's status, headers and body (`gitlabAnswer`). @gitbeaker/rest's own handler retries a 429 ten times within a
 * quarter of a second, ignoring Retry-After, then throws without the status: the import obeys GitLab's wait instead
 * (patiently.ts). The library still builds every request: path, query, pagination, the PRIVATE-TOKEN header.
 */
export function onceRequester(utils: typeof Utils): NonNullable<Utils.BaseResourceOptions<false>['requesterFn']> {
  return utils.createRequesterFn(async (_service, options) => options, once);
}

async function once(endpoint: string, given?: Record<string, unknown>): Promise<Utils.FormattedResponse> {
  const { prefixUrl = '', searchParams, method, headers, body, signal } = (given ?? {}) as Utils.RequestOptions;
  const url = new URL(endpoint, prefixUrl.endsWith('/') ? prefixUrl : `${prefixUrl}/`);
  url.search = searchParams ?? '';
  const response = await fetch(url, { method, headers, body, signal });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').split(';')[0].trim() === 'application/json';
  const parsed = json && text ? parseJson(text) : text;
  if (!response.ok) throw gitlabAnswer({ status: response.status, headers: response.headers, body: parsed });
  return {
    body: parsed as Utils.ResponseBodyTypes,
    headers: Object.fromEntries(response.headers.entries()),
    status: response.status,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
