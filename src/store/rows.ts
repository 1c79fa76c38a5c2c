// Turns database rows into domain values and back. Instants are stored as timestamps; the domain uses luxon.
import { DateTime, FixedOffsetZone } from 'luxon';
import type { Weekday } from '../domain/calendar';
import type { NexusEvent, PbiEvent, SquareState } from '../domain/events';
import type { Nexus } from '../domain/nexus';
import type { Pbi, Square } from '../domain/pbi';
import type { Stage } from '../domain/workflow';
import type { Event as EventRow, Nexus as NexusRow, Pbi as PbiRow, Prisma } from '../generated/prisma/client';

// Reports turn thousands of timestamps into DateTimes: fromMillis with a zone object is ~10× faster than fromISO.
const UTC = FixedOffsetZone.utcInstance;
export const instantAt = (ms: number): DateTime => DateTime.fromMillis(ms, { zone: UTC });
const instant = (d: Date): DateTime => instantAt(d.getTime());
const fromIso = (iso: string): DateTime => instantAt(Date.parse(iso));
const maybeInstant = (d: Date | null): DateTime | null => (d ? instant(d) : null);
const maybeIso = (d: DateTime | null): string | null => (d ? d.toUTC().toISO() : null);
const maybeDate = (d: DateTime | null): Date | null => (d ? d.toJSDate() : null);

export function toNexus(row: NexusRow): Nexus {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    channelId: row.channelId,
    name: row.name,
    teams: row.teams,
    workflow: { stages: row.stages as Stage[], startStage: row.startStage, finishStage: row.finishStage },
    sle: { percentile: row.slePercentile, days: row.sleDays, historyDays: row.historyDays },
    timeZone: row.timeZone,
    digest: { time: row.digestTime, days: row.digestDays as Weekday[], enabled: row.digestEnabled },
    forecast: { days: row.forecastDays === 'working' ? 'working' : 'calendar', sprintDays: row.sprintDays },
    nit: row.nitUserIds,
    createdBy: row.createdBy,
  };
}

/** The Nexus's settings as columns (everything but its identity). */
export function nexusColumns(n: Omit<Nexus, 'id'>) {
  return {
    workspaceId: n.workspaceId,
    channelId: n.channelId,
    name: n.name,
    teams: n.teams,
    stages: n.workflow.stages as unknown as Prisma.InputJsonValue,
    startStage: n.workflow.startStage,
    finishStage: n.workflow.finishStage,
    slePercentile: n.sle.percentile,
    sleDays: n.sle.days,
    historyDays: n.sle.historyDays,
    timeZone: n.timeZone,
    digestTime: n.digest.time,
    digestDays: n.digest.days,
    digestEnabled: n.digest.enabled,
    forecastDays: n.forecast.days,
    sprintDays: n.forecast.sprintDays,
    nitUserIds: n.nit,
    createdBy: n.createdBy,
  };
}

type SquareJson = { team: string; state: SquareState; startedAt: string | null; doneAt: string | null };

export function toPbi(row: Pick<PbiRow, keyof PbiRow>): Pbi {
  return {
    key: row.key,
    title: row.title,
    url: row.url,
    stage: row.stage,
    squares: (row.squares as SquareJson[]).map((s) => ({
      team: s.team,
      state: s.state,
      startedAt: s.startedAt ? fromIso(s.startedAt) : null,
      doneAt: s.doneAt ? fromIso(s.doneAt) : null,
    })),
    blocked: row.blockedReason && row.blockedAt ? { reason: row.blockedReason, at: instant(row.blockedAt) } : null,
    discardedAt: maybeInstant(row.discardedAt),
    startedAt: maybeInstant(row.startedAt),
    finishedAt: maybeInstant(row.finishedAt),
    stageEnteredAt: instant(row.stageEnteredAt),
    createdAt: instant(row.createdAt),
    lastEventAt: instant(row.lastEventAt),
    swarming: row.swarming,
    snoozedUntil: row.snoozedUntil,
  };
}

export function pbiColumns(p: Pbi) {
  return {
    key: p.key,
    title: p.title,
    url: p.url,
    stage: p.stage,
    squares: p.squares.map(
      (s: Square): SquareJson => ({
        team: s.team,
        state: s.state,
        startedAt: maybeIso(s.startedAt),
        doneAt: maybeIso(s.doneAt),
      }),
    ),
    blockedReason: p.blocked?.reason ?? null,
    blockedAt: maybeDate(p.blocked?.at ?? null),
    discardedAt: maybeDate(p.discardedAt),
    startedAt: maybeDate(p.startedAt),
    finishedAt: maybeDate(p.finishedAt),
    stageEnteredAt: p.stageEnteredAt.toJSDate(),
    createdAt: p.createdAt.toJSDate(),
    lastEventAt: p.lastEventAt.toJSDate(),
    swarming: p.swarming,
    snoozedUntil: p.snoozedUntil,
  };
}

/** How each event is kept: the fields every event shares are columns, the rest is the payload. */
export function pbiEventColumns(nexusId: string, event: PbiEvent, source: string) {
  const { type, key, at, actor, ...payload } = event;
  return {
    nexusId,
    pbiKey: key,
    type,
    payload: payload as Prisma.InputJsonValue,
    occurredAt: at.toJSDate(),
    actor,
    source,
  };
}

export function nexusEventColumns(nexusId: string, event: NexusEvent, source: string) {
  return {
    nexusId,
    pbiKey: null,
    type: event.type,
    payload: { value: event.value } as Prisma.InputJsonValue,
    occurredAt: event.at.toJSDate(),
    actor: event.actor,
    source,
  };
}

export function toPbiEvent(row: EventRow): PbiEvent {
  return {
    ...(row.payload as object),
    type: row.type,
    key: row.pbiKey,
    at: instant(row.occurredAt),
    actor: row.actor,
  } as PbiEvent;
}
