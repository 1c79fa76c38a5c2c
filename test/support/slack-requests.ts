import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

/** Signs a body exactly as Slack does: v0=HMAC-SHA256(secret, "v0:<ts>:<body>"). */
export function sign(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET) {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

/** Posts a really signed request to the app's /slack/events, the way Slack's servers do. */
export function slackClient(baseUrl: string) {
  async function post(body: string, contentType: string, headers: Record<string, string> = sign(body)) {
    const res = await fetch(`${baseUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...headers },
      body,
    });
    return { status: res.status, text: await res.text() };
  }
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  return {
    post,
    command(
      fields: {
        command: string;
        text: string;
        user_id?: string;
        channel_id?: string;
        team_id?: string;
        enterprise_id?: string;
        is_enterprise_install?: string;
        response_url: string;
      },
      headers?: Record<string, string>,
    ) {
      const body = form({
        token: 'x',
        team_id: 'T1',
        channel_id: 'C1',
        user_id: 'U_NIT',
        user_name: 'u',
        trigger_id: 'trig-1',
        ...fields,
      });
      return post(body, 'application/x-www-form-urlencoded', headers ?? sign(body));
    },
    interaction(payload: object) {
      const body = form({ payload: JSON.stringify(payload) });
      return post(body, 'application/x-www-form-urlencoded');
    },
    /** A modal submitted in T1 (by the NIT member U_NIT unless told), as Slack sends it: the view as opened, the values entered. */
    submitView(view: object, values: Record<string, object>, id = 'V1', user = 'U_NIT') {
      return this.interaction({
        type: 'view_submission',
        token: 'x',
        api_app_id: 'A1',
        trigger_id: 't',
        team: { id: 'T1' },
        user: { id: user, team_id: 'T1' },
        view: { ...view, id, team_id: 'T1', state: { values } },
      });
    },
    event(payload: object) {
      const body = JSON.stringify(payload);
      return post(body, 'application/json');
    },
  };
}
