import { bold, code, escape, link } from '../../src/render/blocks';
import { mrkdwnToHtml } from '../../src/render/web/blocks-html';
import { escapeHtml } from '../../src/render/web/html';

const links = { pbiHref: (key: string) => `../pbi/${encodeURIComponent(key)}` };

test('escapeHtml escapes the five characters that end text or an attribute', () => {
  expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
    '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
  );
});

test.each([
  // [mrkdwn as the bot makes it, the HTML the web board shows]
  [escape('<script>alert(1)</script> & "q"'), '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;'],
  [escape('*urgent* _now_ `x`'), '*urgent* _now_ `x`'], // a user's marks show as typed, never as formatting
  [`• ${bold('PBI-7')} Pay`, '• <a href="../pbi/PBI-7"><strong>PBI-7</strong></a> Pay'],
  [`${bold('Stage')} ${code('doing')}`, '<strong>Stage</strong> <code>doing</code>'], // a label is no key
  [bold(code('in <review>')), '<strong><code>in &lt;review&gt;</code></strong>'],
  ['set one with `/nexus sle 85 <days>`', 'set one with <code>/nexus sle 85 &lt;days&gt;</code>'],
  [
    link('Docs & "more"', 'https://x.example/a?b=1&c=2'),
    '<a href="https://x.example/a?b=1&amp;c=2" rel="noreferrer noopener">Docs &amp; &quot;more&quot;</a>',
  ],
  ['<javascript:alert(1)|click>', '&lt;javascript:alert(1)|click&gt;'], // only http(s) links
  ['<@U123> asked', '@U123 asked'],
  ['_…and 3 more_\nnext', '<em>…and 3 more</em><br>next'],
  [`${bold(escape('owner/repo#4'))} x`, '<a href="../pbi/owner%2Frepo%234"><strong>owner/repo#4</strong></a> x'],
  ['a\u0000b', 'ab'],
])('%j as HTML', (mrkdwn, html) => {
  expect(mrkdwnToHtml(mrkdwn, links)).toBe(html);
});
