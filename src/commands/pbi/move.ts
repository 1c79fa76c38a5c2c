import { localDate } from '../../domain/calendar';
import { openKeys, waitingOn } from '../../domain/dependencies';
import { cycleTime } from '../../domain/flow-metrics';
import { oldestFirst, type Pbi } from '../../domain/pbi';
import { decideMove } from '../../domain/pbi-decisions';
import { isExpedite } from '../../domain/service-class';
import { findStage, isFinishedStage, sameName } from '../../domain/workflow';
import { code, escape } from '../../render/blocks';
import { by, type ChangeOutcome, renderChange } from '../../render/change';
import { ageText } from '../../render/pbi';
import type { Reply } from '../../render/reply';
import { andList, count } from '../../render/words';
import { defineCommand, invalid, isInvalid, type NexusContext } from '../command';
import { flowView } from '../flow-view';
import { parseKey } from './change';
import { startNudge } from './start-nudge';

type Input = { key: string; stage: string };
/** Shown when a move takes a stage past its WIP limit: who else is in that stage. */
type OverLimit = { count: number; limit: number; others: { key: string; age: string }[] };
type Outcome = {
  change: ChangeOutcome;
  overLimit: OverLimit | null;
  cycleTime: number | null;
  nudge: Reply | null;
  /** just integrated while these PBIs it depends on are not: accepted (a move is never refused), but said */
  earlyOn: string[];
};

const usage = '/pbi move <key> <stage>';
/** How many of the items already in an over-limit stage the reply names. */
const OTHERS_SHOWN = 5;

export const pbiMove = defineCommand<Input, Outcome>({
  path: ['pbi', 'move'],
  usage,
  summary: 'move a PBI to another stage',
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const key = parseKey(words[0]);
    if (isInvalid(key)) return key;
    if (words.length < 2) return invalid(`To which stage? e.g. ${code(`/pbi move ${key} ready`)}.`);
    return { key, stage: words.slice(1).join(' ') };
  },
  async execute(input, ctx) {
    const { store, nexus, now, userId } = ctx;
    const change = await store.pbis.change(nexus, input.key, (pbi, current) =>
      decideMove(current, pbi, input.stage, { at: now(), actor: userId }),
    );
    if (!('ok' in change)) return { change, overLimit: null, cycleTime: null, nudge: null, earlyOn: [] };
    const justFinished = change.pbi.finishedAt !== null && change.before?.finishedAt === null;
    const justStarted = change.pbi.startedAt !== null && change.before?.startedAt === null;
    return {
      change,
      overLimit: await overLimit(ctx, change.pbi),
      cycleTime: justFinished ? cycleTime(change.pbi, nexus.timeZone) : null,
      nudge: justStarted ? await startNudge(ctx, change.pbi, null) : null,
      earlyOn: justFinished && change.pbi.dependsOn.length ? await notIntegrated(ctx, change.pbi) : [],
    };
  },
  render({ change, overLimit, cycleTime, nudge, earlyOn }, { nexus }) {
    const notes: string[] = [];
    if (cycleTime !== null) notes.push(`Finished in ${count(cycleTime, 'day')} (cycle time).`);
    if (earlyOn.length && 'ok' in change)
      notes.push(
        `⚠ ${escape(change.pbi.key)} is integrated before ${andList(earlyOn.map(escape))}, which it depends on.`,
      );
    if (overLimit && 'ok' in change) {
      const others = overLimit.others.map((o) => `${escape(o.key)} (${o.age})`).join(', ');
      notes.push(
        `⚠ ${code(change.pbi.stage)} is now over its WIP limit: ${overLimit.count}/${overLimit.limit}. ` +
          `Stop starting, start finishing${others ? `: already there ${others}` : ''}.`,
      );
    }
    const reply = renderChange(
      change,
      nexus,
      usage,
      (pbi, e) =>
        `➡️ ${by(e)} moved *${escape(pbi.key)}* ${e.type === 'pbi.moved' ? `${code(e.from)} → ${code(e.to)}` : ''}`,
      notes,
    );
    return nudge ? { ...reply, followUp: nudge } : reply;
  },
});

/** The PBIs it depends on still in the Product Backlog: not integrated (a discarded one never will be, nor need be). */
async function notIntegrated(ctx: NexusContext, pbi: Pbi): Promise<string[]> {
  const open = await ctx.store.pbis.listOpen(ctx.nexus.id);
  const keyOf = new Map(open.map((p) => [p.key.toLowerCase(), p.key]));
  return waitingOn(pbi, openKeys(open)).map((k) => keyOf.get(k.toLowerCase()) ?? k);
}

async function overLimit(ctx: NexusContext, pbi: Pbi): Promise<OverLimit | null> {
  const { nexus, store, now } = ctx;
  const stage = findStage(nexus.workflow, pbi.stage);
  // expedite work does not count against a stage's WIP limit
  if (!stage || stage.wipLimit === null || isFinishedStage(nexus.workflow, stage.name) || isExpedite(pbi)) return null;
  // a stage before the finish holds only open PBIs: the remembered open list has them all
  const inStage = (await store.pbis.listOpen(nexus.id)).filter((p) => p.stage === stage.name && !isExpedite(p));
  if (inStage.length <= stage.wipLimit) return null;
  const view = flowView(nexus, localDate(now(), nexus.timeZone), inStage, []);
  const others = inStage
    .filter((p) => !sameName(p.key, pbi.key))
    .sort(oldestFirst)
    .slice(0, OTHERS_SHOWN)
    .map((p) => ({ key: p.key, age: ageText(view.ageOf(p)) || 'not started' }));
  return { count: inStage.length, limit: stage.wipLimit, others };
}
