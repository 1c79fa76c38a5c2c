import type { Reply } from '../reply';
import { blocksToHtml, type WebLinks } from './blocks-html';
import { escapeHtml, htmlPage, type NavLink } from './html';

/** The web board's pages under its link, in the navigation's order; '' is the link itself, the board. */
export const WEB_PAGES = ['', 'aging', 'charts', 'forecast'] as const;
export type WebPage = (typeof WEB_PAGES)[number];
const PAGE_NAMES: Record<WebPage, string> = {
  '': 'Board',
  aging: 'Aging',
  charts: 'Charts',
  forecast: 'Backlog forecast',
};

/** One part of a page: a reply as Slack shows it, and the address of its chart's image when it has one. */
export type WebPart = { reply: Reply; chart?: { src: string; title: string } };

/**
 * Where a page is, for its links: `base` leads from it back to the link's root (`<token>/` from the link itself,
 * `../` from a PBI's page), so every link is relative and works behind any PUBLIC_URL.
 */
export type WebPlace = { nexusName: string; page: WebPage | 'pbi'; base: string };

/** A page of the web board: its parts in order, each reply's blocks and then its chart. */
export function webBoardPage(place: WebPlace, parts: readonly WebPart[]): string {
  const links: WebLinks = { pbiHref: (key) => `${place.base}pbi/${encodeURIComponent(key)}` };
  const body = parts
    .map(({ reply, chart }) => {
      const figure = chart
        ? `<figure><img src="${escapeHtml(chart.src)}" alt="${escapeHtml(chart.title)}">` +
          `<figcaption>${escapeHtml(chart.title)}</figcaption></figure>`
        : '';
      return blocksToHtml(reply.blocks, links) + figure;
    })
    .join('\n');
  const name = place.page === 'pbi' ? 'PBI' : PAGE_NAMES[place.page];
  return htmlPage(`${place.nexusName} · ${name}`, navOf(place), body, `${place.base}icon.svg`);
}

function navOf(place: WebPlace): NavLink[] {
  return WEB_PAGES.map((page) => ({
    href: page ? `${place.base}${page}` : place.base || './',
    text: PAGE_NAMES[page],
    current: page === place.page,
  }));
}

/** Every refused address answers the same page: nothing tells a revoked link from a forged one or a wrong PBI. */
export const NOT_FOUND_PAGE = htmlPage(
  'Not found',
  [],
  '<h1>Not found</h1><p>There is no page here. A link to a Nexus board works until the Nexus turns it off.</p>',
);

export const METHOD_NOT_ALLOWED_PAGE = htmlPage(
  'Read-only',
  [],
  '<h1>Read-only</h1><p>These pages can only be read: nothing here changes the Nexus.</p>',
);

export const BUSY_PAGE = htmlPage(
  'Busy',
  [],
  '<h1>Busy</h1><p>This board is answering other requests. Try again in a moment.</p>',
);

export const FAILED_PAGE = htmlPage(
  'Something went wrong',
  [],
  '<h1>Something went wrong</h1><p>The page could not be made. Try again in a moment.</p>',
);
