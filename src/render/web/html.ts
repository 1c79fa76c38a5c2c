/**
 * The one escape every string takes on its way into the web board's HTML: text and attribute values alike, so a
 * title such as `<script>` or `" onload="` shows as typed and runs nothing.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * The pages' only style, inline: the Content-Security-Policy allows exactly this text by its hash (`styleHash` in
 * src/web), and no script at all.
 */
export const WEB_STYLE = [
  'body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1c1d;background:#f8f8f8}',
  'main{max-width:960px;margin:0 auto;padding:0 16px 48px}',
  'nav{background:#3f0e40;padding:10px 16px}nav a{color:#fff;margin-right:18px;text-decoration:none}',
  'nav a[aria-current]{font-weight:700;text-decoration:underline}',
  'h1{font-size:22px;margin:20px 0 8px}h2{font-size:18px;margin:18px 0 6px}',
  'section.block{background:#fff;border:1px solid #e2e2e2;border-radius:6px;padding:10px 14px;margin:8px 0}',
  'p.context{color:#616061;font-size:13px;margin:6px 2px}hr{border:0;border-top:1px solid #ddd;margin:14px 0}',
  'code{background:#f1f1f1;border-radius:3px;padding:0 3px;font-size:13px}',
  'figure{margin:12px 0;background:#fff;border:1px solid #e2e2e2;border-radius:6px;padding:8px}',
  'figure img{max-width:100%;height:auto;display:block}figcaption{color:#616061;font-size:13px;margin-top:4px}',
  'footer{color:#616061;font-size:12px;margin-top:28px}',
].join('');

/** The pages' icon: a team square, done, in the navigation's colour. */
export const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#3f0e40"/></svg>';

/** A link of the page's navigation: its address relative to the page, its words, and whether it is this page. */
export type NavLink = { href: string; text: string; current: boolean };

/** A whole page: its title, navigation and body (already HTML); nothing in it loads from elsewhere or runs. */
export function htmlPage(title: string, nav: readonly NavLink[], body: string, icon?: string): string {
  const links = nav
    .map((l) => `<a href="${escapeHtml(l.href)}"${l.current ? ' aria-current="page"' : ''}>${escapeHtml(l.text)}</a>`)
    .join('');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    // its own icon, from the same address (the policy allows no other): else the browser asks for /favicon.ico
    icon ? `<link rel="icon" href="${escapeHtml(icon)}" type="image/svg+xml">` : '',
    `<title>${escapeHtml(title)}</title><style>${WEB_STYLE}</style></head>`,
    `<body>${links ? `<nav>${links}</nav>` : ''}<main>${body}`,
    '<footer>Nexus Flow · read-only: nothing here can change the Nexus.</footer></main></body></html>',
  ].join('\n');
}
