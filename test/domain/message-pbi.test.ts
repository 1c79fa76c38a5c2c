import { pbiFromMessage } from '../../src/domain/message-pbi';

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
