import { WebClient } from '@slack/web-api';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (i: number, value = 'v') => ({
  type: 'button',
  text: { type: 'plain_text', text: `B${i}` },
  action_id: `a${i}`,
  value,
});

let fake: FakeSlack;
let client: WebClient;
beforeEach(async () => {
  fake = await startFakeSlack();
  client = new WebClient('xoxb-test', {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
});
afterEach(() => fake.close());

const post = (payload: Record<string, unknown>) =>
  client.chat.postMessage({ channel: 'C1', text: 'x', ...payload } as never);

describe('the fake Slack Web API refuses what Slack refuses, with HTTP 200 and ok: false', () => {
  test.each([
    ['51 blocks in a message', { blocks: Array.from({ length: 51 }, (_, i) => section(`s${i}`)) }, 'invalid_blocks'],
    ['message text over 40,000 characters', { text: 'x'.repeat(40_001) }, 'msg_too_long'],
    ['section text over 3,000 characters', { blocks: [section('x'.repeat(3_001))] }, 'invalid_blocks'],
    ['an empty section text', { blocks: [section('')] }, 'invalid_blocks'],
    [
      'a header over 150 characters',
      { blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] },
      'invalid_blocks',
    ],
    [
      '11 fields',
      { blocks: [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }] },
      'invalid_blocks',
    ],
    [
      '11 context elements',
      { blocks: [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }] },
      'invalid_blocks',
    ],
    [
      '26 buttons in an actions block',
      { blocks: [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(i)) }] },
      'invalid_blocks',
    ],
    [
      'a button value over 2,000 characters',
      { blocks: [{ type: 'actions', elements: [button(1, 'v'.repeat(2_001))] }] },
      'invalid_blocks',
    ],
    [
      'an action_id over 255 characters',
      { blocks: [{ type: 'actions', elements: [{ ...button(1), action_id: 'a'.repeat(256) }] }] },
      'invalid_blocks',
    ],
    [
      'two buttons with one action_id',
      { blocks: [{ type: 'actions', elements: [button(1), button(1)] }] },
      'invalid_blocks',
    ],
    [
      '101 select options',
      {
        blocks: [
          {
            type: 'actions',
            elements: [
              {
                type: 'static_select',
                action_id: 's',
                options: Array.from({ length: 101 }, (_, i) => ({
                  text: { type: 'plain_text', text: `o${i}` },
                  value: `${i}`,
                })),
              },
            ],
          },
        ],
      },
      'invalid_blocks',
    ],
  ])('%s', async (_what, payload, error) => {
    await expect(post(payload)).rejects.toMatchObject({ data: { ok: false, error } });
    expect(fake.takeRejections()).toEqual([expect.objectContaining({ method: 'chat.postMessage', error })]);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  test('takes a message exactly at the limits', async () => {
    await post({
      text: 'x'.repeat(40_000),
      blocks: [
        ...Array.from({ length: 49 }, () => section('x'.repeat(3_000))),
        { type: 'actions', elements: Array.from({ length: 25 }, (_, i) => button(i, 'v'.repeat(2_000))) },
      ],
    });
    expect(fake.rejections).toEqual([]);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  test('a Home tab holds 100 blocks, not 101; a modal title 24 characters', async () => {
    const blocks = (n: number) => Array.from({ length: n }, (_, i) => section(`s${i}`));
    await client.views.publish({ user_id: 'U1', view: { type: 'home', blocks: blocks(100) as never } });
    await expect(
      client.views.publish({ user_id: 'U1', view: { type: 'home', blocks: blocks(101) as never } }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    await expect(
      client.views.open({
        trigger_id: 't',
        view: { type: 'modal', title: { type: 'plain_text', text: 't'.repeat(25) }, blocks: blocks(1) as never },
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    expect(fake.takeRejections().map((r) => r.method)).toEqual(['views.publish', 'views.open']);
  });

  test("a form field's hint holds 2,000 characters and its placeholder 150", async () => {
    const field = (hint: number, placeholder: number) => ({
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Form' },
      blocks: [
        {
          type: 'input',
          block_id: 'f',
          label: { type: 'plain_text', text: 'Field' },
          hint: { type: 'plain_text', text: 'h'.repeat(hint) },
          element: {
            type: 'plain_text_input',
            action_id: 'value',
            placeholder: { type: 'plain_text', text: 'p'.repeat(placeholder) },
          },
        },
      ] as never,
    });
    await client.views.open({ trigger_id: 't', view: field(2_000, 150) });
    for (const view of [field(2_001, 150), field(2_000, 151)])
      await expect(client.views.open({ trigger_id: 't', view })).rejects.toMatchObject({
        data: { error: 'invalid_arguments' },
      });
    expect(fake.takeRejections().map((r) => r.detail)).toEqual([
      'block 0 (input): input hint of 2001 characters (at most 2000)',
      'block 0 (input): placeholder of 151 characters (at most 150)',
    ]);
  });

  test('a response_url refuses an oversized message with HTTP 400 and the error as text', async () => {
    const res = await fetch(fake.responseUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x', blocks: Array.from({ length: 51 }, () => section('s')) }),
    });
    expect([res.status, await res.text()]).toEqual([400, 'invalid_blocks']);
    expect(fake.takeRejections()).toHaveLength(1);
  });

  test('answers an error a test asked for, then takes the call again', async () => {
    fake.failNext('chat.postEphemeral', 'user_not_in_channel');
    await expect(client.chat.postEphemeral({ channel: 'C1', user: 'U9', text: 'x' })).rejects.toMatchObject({
      data: { error: 'user_not_in_channel' },
    });
    await client.chat.postEphemeral({ channel: 'C1', user: 'U9', text: 'x' });
    expect(fake.takeRejections()).toHaveLength(1);
  });

  test('over a rate limit it answers HTTP 429 with Retry-After, per channel', async () => {
    fake.rateLimit('chat.postMessage', { perMinute: 60, burst: 2 });
    await post({});
    await post({});
    await expect(post({})).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 1 });
    await client.chat.postMessage({ channel: 'C2', text: 'another channel' });
    expect(fake.rateLimited()).toBe(1);
  });
});
