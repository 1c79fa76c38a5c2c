import { createHash } from 'node:crypto';
import { WEB_STYLE } from './html';

/** What the web board's pages and charts are sent as. */
export const HTML_TYPE = 'text/html; charset=utf-8';
export const PNG_TYPE = 'image/png';
export const SVG_TYPE = 'image/svg+xml';
/** The methods the board answers: it only reads. */
export const ALLOWED_METHODS = 'GET, HEAD';

/** The inline style's hash: the only style the policy allows, and nothing else may load but the pages' own images. */
const styleHash = `'sha256-${createHash('sha256').update(WEB_STYLE).digest('base64')}'`;

/**
 * Sent with every answer of the web board. No script runs, nothing loads from elsewhere, no frame holds the page, and
 * no browser passes the address (with its token) on as a referrer, keeps a copy, or guesses another content type.
 */
export const PAGE_HEADERS = {
  'content-security-policy': [
    "default-src 'none'",
    "img-src 'self'",
    `style-src ${styleHash}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
} as const;
