import { blockFromMessage, pbiFromMessage, pbiKeysNamed } from '../../src/domain/message-pbi';

const TEAMS = ['Alpha', 'Beta', 'Team Phoenix', 'Mobile-Apps'];

describe('a PBI suggested by a Slack message', () => {
  test.each([
    ['Checkout fails for guests\nSeen by Alpha since Monday', 'Checkout fails for guests', ['Alpha']],
    ['\n\n  *Search* is slow  \nmore', 'Search is slow', []],
    ['<@U123> can <https://x.io/a|the export> include dates? Beta and team phoenix ask', '', ['Beta', 'Team Phoenix']],
    ['Ask mobile-apps about alphabet soup', 'Ask mobile-apps about alphabet soup', ['Mobile-Apps']],
    ['Fix &lt;select&gt; &amp; labels', 'Fix <select> & labels', []],
  ])('%j', (text, title, teams) => {
    const suggested = pbiFromMessage(text, TEAMS);
    if (title) expect(suggested.title).toBe(title);
    expect(suggested.teams).toEqual(teams);
  });

  test('a mention and a link read as their names', () => {
    expect(pbiFromMessage('<@U123> wants <https://x.io/a|the export> by Friday', TEAMS).title).toBe(
      '@U123 wants the export by Friday',
    );
  });

  test('a long first line is shortened to a title; an empty message gives an empty one to fill in', () => {
    expect([...pbiFromMessage('x'.repeat(500), TEAMS).title]).toHaveLength(200);
    expect(pbiFromMessage('   \n ', TEAMS)).toEqual({ title: '', teams: [] });
  });
});

describe('a block suggested by a Slack message', () => {
  test.each([
    ['PBI-7 waits for the payment sandbox', { key: 'PBI-7', reason: 'PBI-7 waits for the payment sandbox' }],
    ['The sandbox is down\nblocks SHOP-12 and SHOP-13', { key: 'SHOP-12', reason: 'The sandbox is down' }],
    ['no key in here, not even re-2x', { key: '', reason: 'no key in here, not even re-2x' }],
    ['<https://x.atlassian.net/browse/ENG-5|ENG-5> is stuck', { key: 'ENG-5', reason: 'ENG-5 is stuck' }],
  ])('%j', (text, expected) => {
    expect(blockFromMessage(text, 300)).toEqual(expected);
  });

  test('the reason leaves room for the link', () => {
    expect(blockFromMessage('x'.repeat(400), 220).reason).toHaveLength(220);
  });
});

describe('the PBI keys a message of the bot names (a ⛔ reaction on it offers to block them)', () => {
  test.each<[string, string[], string[], string[]]>([
    [
      'a tracker move',
      ['🔀 A move from the tracker:', '`SHOP-12` <https://x.atlassian.net/browse/SHOP-12|Pay>: a → *b*'],
      [],
      ['SHOP-12'],
    ],
    [
      'a change with its buttons',
      ['⛔ <@U1> blocked *PBI-7*: waits'],
      ['{"do":"unblock","key":"PBI-7"}', 'nope'],
      ['PBI-7'],
    ],
    ['keys of other forms, in code', ['`acme/shop#45` and `AB#7` moved'], [], ['acme/shop#45', 'AB#7']],
    [
      'several, each once, in order',
      ['PBI-3 then PBI-1, and PBI-3 again'],
      ['{"key":"PBI-2"}'],
      ['PBI-2', 'PBI-3', 'PBI-1'],
    ],
    ['no key: a number, a bold word with spaces, plain words', ['`42` *not a key* hello'], [], []],
  ])('%s', (_, texts, values, keys) => {
    expect(pbiKeysNamed(texts, values)).toEqual(keys);
  });

  test('at most 10 candidates', () => {
    const many = Array.from({ length: 15 }, (_, i) => `PBI-${i + 1}`).join(' ');
    expect(pbiKeysNamed([many], [])).toHaveLength(10);
  });
});
