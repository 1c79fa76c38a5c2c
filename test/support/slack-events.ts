/** An Events API delivery as Slack wraps every event (`event_callback`), for workspace `team`. */
export function eventCallback(event: Record<string, unknown>, opts: { team?: string; id?: string } = {}) {
  const team = opts.team ?? 'T1';
  return {
    token: 'x',
    team_id: team,
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: opts.id ?? `Ev${Math.random().toString(36).slice(2)}`,
    event_time: 1,
    authorizations: [{ team_id: team, user_id: 'UBOT', is_bot: true }],
    event,
  };
}

/** `link_shared` as Slack sends it, for a message in `channel` of `team`. */
export function linkShared(
  links: string[],
  where: { team?: string; channel?: string; member?: boolean; source?: string; id?: string } = {},
) {
  return eventCallback(
    {
      type: 'link_shared',
      channel: where.channel ?? 'C1',
      is_bot_user_member: where.member ?? true,
      user: 'U_DEV',
      message_ts: '1700000000.000100',
      unfurl_id: 'C1.1700000000.000100.abc',
      source: where.source ?? 'conversations_history',
      links: links.map((url) => ({ domain: new URL(url).hostname, url })),
      event_ts: '1700000000.000200',
    },
    where,
  );
}
