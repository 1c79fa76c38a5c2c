import type { VegaSpec } from '../charts/render-png';
import { type AnyCommand, isInvalid, type NexusContext } from '../commands/command';
import { flowAging } from '../commands/flow/aging';
import { flowBoard } from '../commands/flow/board';
import { flowChart } from '../commands/flow/chart';
import { forecastBacklog } from '../commands/forecast/backlog';
import { pbiShow } from '../commands/pbi/show';
import type { Reply } from '../render/reply';
import { ICON_SVG } from '../render/web/html';
import { WEB_PAGES, type WebPage, type WebPart, webBoardPage } from '../render/web/pages';

/** A page as HTML, a chart's Vega spec to draw as a PNG, or the pages' icon. */
export type WebAnswer = { html: string } | { spec: VegaSpec } | { svg: string };

/** The charts the Charts page shows, as `/flow chart` names them; `backlog` is the backlog forecast's. */
const FLOW_CHARTS = ['aging', 'scatter', 'histogram', 'throughput', 'cfd', 'wip', 'stages'] as const;
const CHARTS = [...FLOW_CHARTS, 'backlog'] as const;
type ChartKind = (typeof CHARTS)[number];

/**
 * A command's reply for the board, as typed in Slack by no one in particular: only commands that read (the board,
 * aging, charts, the backlog forecast, a PBI's card) are ever run here; null when its words name nothing (a PBI key
 * that is not a key).
 */
async function replyOf(command: AnyCommand, words: string[], ctx: NexusContext): Promise<Reply | null> {
  return (await ran(command, words, ctx))?.reply ?? null;
}

/** replyOf, with what execute answered: a PBI the Nexus does not have is a problem, and its page a 404. */
async function ran(command: AnyCommand, words: string[], ctx: NexusContext) {
  const input = command.parse(words);
  if (isInvalid(input)) return null;
  const outcome: unknown = await command.execute(input, ctx);
  return { reply: command.render(outcome, ctx), outcome };
}

const isProblem = (outcome: unknown) => typeof outcome === 'object' && outcome !== null && 'problem' in outcome;

const chartReply = (ctx: NexusContext, kind: ChartKind) =>
  kind === 'backlog' ? replyOf(forecastBacklog, [], ctx) : replyOf(flowChart, [kind], ctx);

/** The part showing a chart: the command's reply, with the image's address when it drew one (else it says why not). */
async function chartPart(ctx: NexusContext, kind: ChartKind, base: string, words = true): Promise<WebPart> {
  const reply = (await chartReply(ctx, kind))!;
  const chart = reply.chart ? { src: `${base}chart/${kind}.png`, title: reply.chart.title } : undefined;
  // a chart's reply in Slack is mostly its caption; the Charts page shows the image and says why when there is none
  return { reply: words || !chart ? reply : { ...reply, blocks: [] }, chart };
}

/** The page at `rest` (the path after the token), or null when there is none. */
export async function webPageOf(ctx: NexusContext, rest: string[], base: string): Promise<WebAnswer | null> {
  const place = { nexusName: ctx.nexus.name, base };
  if (rest[0] === 'pbi' && rest.length === 2) {
    const shown = await ran(pbiShow, [rest[1]], ctx);
    if (!shown || isProblem(shown.outcome)) return null;
    return { html: webBoardPage({ ...place, page: 'pbi' }, [{ reply: shown.reply }]) };
  }
  if (rest.length === 1 && rest[0] === 'icon.svg') return { svg: ICON_SVG };
  if (rest.length > 1) return null;
  const page = (rest[0] ?? '') as WebPage;
  if (!WEB_PAGES.includes(page)) return null;
  const parts = await partsOf(ctx, page, base);
  return { html: webBoardPage({ ...place, page }, parts) };
}

async function partsOf(ctx: NexusContext, page: WebPage, base: string): Promise<WebPart[]> {
  switch (page) {
    case '':
      return [{ reply: (await replyOf(flowBoard, [], ctx))! }];
    case 'aging':
      return [{ reply: (await replyOf(flowAging, [], ctx))! }, await chartPart(ctx, 'aging', base, false)];
    case 'charts': {
      const parts: WebPart[] = [];
      // one after another: each loads the same flow view, which the store remembers for the next
      for (const kind of FLOW_CHARTS) parts.push(await chartPart(ctx, kind, base, false));
      return parts;
    }
    case 'forecast':
      return [await chartPart(ctx, 'backlog', base)];
  }
}

/** The chart `<kind>.png` of the Nexus, or null when there is no such chart or it has too little to draw. */
export async function chartOf(ctx: NexusContext, file: string): Promise<WebAnswer | null> {
  const kind = file.replace(/\.png$/, '') as ChartKind;
  if (!file.endsWith('.png') || !CHARTS.includes(kind)) return null;
  const reply = await chartReply(ctx, kind);
  return reply?.chart ? { spec: reply.chart.spec } : null;
}
