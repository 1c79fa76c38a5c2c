/** The longest link looked up; Slack's own links are far shorter, and a longer one names no tracker item. */
const MAX_URL = 2_000;

/**
 * The forms in which a tracker item's address, as shared in Slack, may be stored on its PBI. Trackers send their
 * canonical address (`https://shop.atlassian.net/browse/SHOP-12`); people share it with a query
 * (`?focusedCommentId=…`), a fragment (`#issuecomment-…`), a trailing slash, or an upper-case host. Empty for what is
 * no web address.
 */
export function storedFormsOf(shared: string): string[] {
  if (shared.length > MAX_URL) return [];
  let url: URL;
  try {
    url = new URL(shared.replaceAll('&amp;', '&'));
  } catch {
    return [];
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return [];
  // URL lower-cases the host; the path keeps its case (GitHub's owner and Jira's key may be typed either way)
  const bare = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  return [...new Set([shared, url.href, bare, `${bare}/`])];
}

/**
 * A link to a PBI's page of the bot's own web board (`<publicUrl>/n/<token>/pbi/<key>`, `/nexus share`), as shared in
 * Slack: its token and key; null for any other address.
 */
export function boardPbiLink(shared: string, publicUrl: string | undefined): { token: string; key: string } | null {
  if (!publicUrl || shared.length > MAX_URL) return null;
  let url: URL;
  let root: URL;
  try {
    url = new URL(shared.replaceAll('&amp;', '&'));
    root = new URL(publicUrl);
  } catch {
    return null;
  }
  if (url.origin !== root.origin) return null;
  const prefix = `${root.pathname.replace(/\/+$/, '')}/n/`;
  if (!url.pathname.startsWith(prefix)) return null;
  const [token, page, key, ...more] = url.pathname.slice(prefix.length).split('/');
  if (page !== 'pbi' || !key || more.some((m) => m !== '')) return null;
  try {
    return { token, key: decodeURIComponent(key) };
  } catch {
    return null;
  }
}
