import { blocksToText } from '../../src/console/plain-text';
import { decodePng } from '../support/png';
import { describeEachDatabase } from '../support/setup-db';
import { type SlackApp, startSlackApp } from '../support/slack-app';

const SETUP = '--name Shop --teams Alpha,Beta --stages "ready,doing,done" --start doing --finish done';
const PUBLIC_URL = 'https://board.example.com/nexus';
const textOf = (reply: { blocks?: Parameters<typeof blocksToText>[0] } | undefined) =>
  blocksToText(reply?.blocks ?? []);

/** `/nexus share` in a channel; the token of the link it answers with (or the test fails). */
async function share(s: SlackApp, channel = 'C1'): Promise<string> {
  const { reply } = await s.command('/nexus', 'share', { channel_id: channel });
  const link = /https:\/\/board\.example\.com\/nexus\/n\/([A-Za-z0-9_-]+)/.exec(textOf(reply));
  expect(link).not.toBeNull();
  return link![1];
}

describeEachDatabase('the read-only web board over HTTP', (db) => {
  let s: SlackApp;
  const get = (path: string, init?: RequestInit) => fetch(`${s.baseUrl}${path}`, { redirect: 'manual', ...init });
  beforeEach(async () => {
    s = await startSlackApp(db(), { PUBLIC_URL });
    await s.command('/nexus', `setup ${SETUP}`);
    await s.command(
      '/pbi',
      'add "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\"quotes\\"" --teams Alpha,Beta --stage doing',
    );
    await s.command('/pbi', 'team PBI-1 Alpha done');
  });
  afterEach(async () => {
    await s.stop();
  });

  test('the link from /nexus share opens the board with its team squares and every header the policy needs', async () => {
    const { reply } = await s.command('/nexus', 'share');
    expect(reply?.response_type).toBe('ephemeral'); // the link is a secret: only the NIT member who asked sees it
    const token = await share(s).catch(() => '');
    expect(token).toBe(''); // asked again: the link is never shown twice
    const again = await s.command('/nexus', 'share');
    expect(textOf(again.reply)).toContain('already has a link');
    const link = /\/n\/([A-Za-z0-9_-]{43})/.exec(textOf(reply))![1];
    const board = await get(`/n/${link}`);
    expect(board.status).toBe(200);
    expect(board.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(board.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; img-src 'self'; style-src 'sha256-[A-Za-z0-9+/=]+'; .*frame-ancestors 'none'/,
    );
    expect(board.headers.get('x-content-type-options')).toBe('nosniff');
    expect(board.headers.get('referrer-policy')).toBe('no-referrer');
    expect(board.headers.get('cache-control')).toBe('no-store');
    expect(board.headers.get('x-frame-options')).toBe('DENY');
    const html = await board.text();
    expect(html).toContain('<h1>Shop · board</h1>');
    expect(html).toContain('<strong><code>doing</code></strong>  1');
    expect(html).toContain('■ Alpha'); // Alpha's square is done, Beta's not started
    expect(html).toContain('☐ Beta');
    expect(html).toContain(`<a href="${link}/pbi/PBI-1">`); // relative: it works under PUBLIC_URL's path
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
  });

  test("a PBI's page shows its card and history, escaped; a PBI the Nexus does not have is 404", async () => {
    const token = await share(s);
    const page = await get(`/n/${token}/pbi/PBI-1`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script|<\/script/);
    expect(html).toContain('added it in <code>doing</code> for Alpha, Beta');
    expect(html).toContain('href="../"'); // back to the board from one level down
    expect((await get(`/n/${token}/pbi/PBI-99`)).status).toBe(404);
  });

  test("a link never reaches another Nexus's PBIs, and each Nexus's link shows only its own", async () => {
    await s.command('/nexus', `setup ${SETUP.replace('Shop', 'Secret')}`, { channel_id: 'C2' });
    await s.command('/pbi', 'add "Hidden plan" --key HID-1 --stage doing', { channel_id: 'C2' });
    const mine = await share(s);
    const theirs = await share(s, 'C2');
    expect(mine).not.toBe(theirs);
    expect((await get(`/n/${mine}/pbi/HID-1`)).status).toBe(404);
    expect(await (await get(`/n/${mine}`)).text()).not.toContain('Hidden plan');
    const other = await get(`/n/${theirs}/pbi/HID-1`);
    expect(other.status).toBe(200);
    expect(await other.text()).toContain('Hidden plan');
  });

  test('a revoked, forged or malformed token gets the same 404', async () => {
    const token = await share(s);
    const forged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const notFound = await get(`/n/${forged}`);
    expect(notFound.status).toBe(404);
    const body = await notFound.text();
    expect(notFound.headers.get('content-security-policy')).toContain("default-src 'none'");
    for (const path of ['/n/short', `/n/${forged}/charts`, `/n/${token}/nothing`, `/n/${token}/a/b/c`])
      expect({ path, status: (await get(path)).status }).toEqual({ path, status: 404 });
    const off = await s.command('/nexus', 'share off');
    expect(textOf(off.reply)).toContain('is off');
    const revoked = await get(`/n/${token}`);
    expect(revoked.status).toBe(404);
    expect(await revoked.text()).toBe(body); // nothing tells revoked from forged
    expect((await get(`/n/${token}/pbi/PBI-1`)).status).toBe(404);
    expect(textOf((await s.command('/nexus', 'share off')).reply)).toContain('has no link');
    expect(await share(s)).not.toBe(token); // a new link, the old one stays dead
    expect((await get(`/n/${token}`)).status).toBe(404);
  });

  test('only GET and HEAD: anything else is 405 and changes nothing', async () => {
    const token = await share(s);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await get(`/n/${token}`, { method, body: 'x' });
      expect({ method, status: res.status, allow: res.headers.get('allow') }).toEqual({
        method,
        status: 405,
        allow: 'GET, HEAD',
      });
    }
    const head = await get(`/n/${token}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await get(`/n/${token}`)).status).toBe(200); // still shared
  });

  test('the pages link their charts as same-origin PNGs, and each chart is drawn', async () => {
    const token = await share(s);
    const aging = await (await get(`/n/${token}/aging`)).text();
    expect(aging).toContain('<img src="chart/aging.png"');
    const png = await get(`/n/${token}/chart/aging.png`);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(decodePng(Buffer.from(await png.arrayBuffer())).width).toBeGreaterThan(100);
    expect((await get(`/n/${token}/chart/pie.png`)).status).toBe(404);
    const charts = await (await get(`/n/${token}/charts`)).text();
    expect(charts).toContain('chart/cfd.png');
    expect((await get(`/n/${token}/forecast`)).status).toBe(200);
  });

  test('only the NIT may share, and a link needs PUBLIC_URL', async () => {
    const refused = await s.command('/nexus', 'share', { user_id: 'U_OTHER' });
    expect(textOf(refused.reply)).toContain('Only the Nexus Integration Team');
    expect(textOf((await s.command('/nexus', 'share now')).reply)).toContain('Nothing else follows it');
    await s.stop();
    s = await startSlackApp(db());
    expect(textOf((await s.command('/nexus', 'share')).reply)).toContain('its operator sets PUBLIC_URL');
  });
});
