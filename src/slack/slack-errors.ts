/** Slack's error code of a failed Web API call (`user_not_in_channel`, `invalid_blocks` …), or null for a network failure. */
export function slackErrorCode(error: unknown): string | null {
  const data = (error as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : null;
}
