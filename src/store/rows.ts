// Turns database rows into domain values and back. Instants are stored as timestamps; the domain uses luxon.
import { DateTime, FixedOffsetZone } from 'luxon';
import type { Weekday } from '../domain/calendar';
import type { NexusEvent, PbiEvent, SquareState } from '../domain/events';
import type { Nexus, TeamChannel } from '../domain/nexus';
import type { Pbi, Square } from '../domain/pbi';
import { rankAdded } from '../domain/rank';
import type { ServiceClass } from '../domain/service-class';
import type { TrackerOrder } from '../domain/tracker-order';
import type { Stage } from '../domain/workflow';
import {
  type Delivery as DeliveryRow,
  type Event as EventRow,
  type Nexus as NexusRow,
  type Pbi as PbiRow,
  Prisma,
} from '../generated/prisma/client';

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
    forecast: {
      days: row.forecastDays === 'working' ? 'working' : 'calendar',
      sprintDays: row.sprintDays,
      sprintStart: row.sprintStart,
    },
    sprintReports: { review: row.sprintReview, retro: row.sprintRetro },
    classes: row.classes as ServiceClass[],
    nit: row.nitUserIds,
    teamChannels: row.teamChannels as TeamChannel[],
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
    sprintStart: n.forecast.sprintStart,
    sprintReview: n.sprintReports.review,
    sprintRetro: n.sprintReports.retro,
    classes: n.classes as unknown as Prisma.InputJsonValue,
    nitUserIds: n.nit,
    teamChannels: n.teamChannels as unknown as Prisma.InputJsonValue,
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
    // a PBI stored before ranks (or written without one) is where its history puts it: at its creation
    rank: row.rank ?? rankAdded(instant(row.createdAt), row.key),
    rankedAt: maybeInstant(row.rankedAt),
    trackerOrder: toTrackerOrder(row.trackerOrder),
    dependsOn: row.dependsOn,
    linkedOn: row.linkedOn,
    serviceClass: row.serviceClass,
    dueDate: row.dueDate,
    links: ((row.links ?? []) as LinkJson[]).map((l) => ({
      url: l.url,
      title: l.title,
      at: fromIso(l.at),
      actor: l.actor,
    })),
  };
}

type LinkJson = { url: string; title: string; at: string; actor: string };

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
    rank: p.rank,
    rankedAt: maybeDate(p.rankedAt),
    trackerOrder: trackerOrderJson(p.trackerOrder),
    dependsOn: p.dependsOn,
    linkedOn: p.linkedOn,
    serviceClass: p.serviceClass,
    dueDate: p.dueDate,
    links: p.links.map((l): LinkJson => ({ url: l.url, title: l.title, at: l.at.toUTC().toISO()!, actor: l.actor })),
  };
}

type TrackerOrderJson = { tracker: string; value: string | number; at: string };

/**
 * A tracker's order as kept (its instant as ISO text). None is undefined, which the column's default (NULL) and raw
 * SQL's record sets both read as NULL: a PBI's order is never taken away once given, so no write must clear it.
 */
function trackerOrderJson(order: TrackerOrder | null): TrackerOrderJson | undefined {
  return order ? { tracker: order.tracker, value: order.value, at: order.at.toUTC().toISO()! } : undefined;
}

export function toTrackerOrder(json: unknown): TrackerOrder | null {
  const order = json as Partial<TrackerOrderJson> | null;
  if (typeof order?.tracker !== 'string' || order.value === undefined || typeof order.at !== 'string') return null;
  return { tracker: order.tracker, value: order.value, at: fromIso(order.at) };
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

// Raw SQL. Batches go to PostgreSQL as one JSON parameter read as a record set (Prisma's createMany cost about a
// millisecond a row). The columns a statement names come from the tables below, one per model, which the compiler
// checks against the Prisma model's fields and types (and test/store/raw-columns.test.ts against the database).

/** A column's type as PostgreSQL has it. */
type SqlType = 'text' | 'text[]' | 'integer' | 'bigint' | 'boolean' | 'jsonb' | 'timestamp';
/** The type a Prisma field of TypeScript type T has in PostgreSQL (Prisma's Json is anything else). */
type SqlTypeOf<T> = [NonNullable<T>] extends [Date]
  ? 'timestamp'
  : [NonNullable<T>] extends [string[]]
    ? 'text[]'
    : [NonNullable<T>] extends [string]
      ? 'text'
      : [NonNullable<T>] extends [number]
        ? 'integer'
        : [NonNullable<T>] extends [bigint]
          ? 'bigint'
          : [NonNullable<T>] extends [boolean]
            ? 'boolean'
            : 'jsonb';
/** Every column of a model's table, by field name, with its type: a field added to the model must be added here. */
type Columns<Row> = { readonly [K in keyof Row]-?: SqlTypeOf<Row[K]> };
type Table<Row> = { readonly name: string; readonly columns: Columns<Row> };
/** Any of the tables below. */
export type SqlTable = { readonly name: string; readonly columns: Readonly<Record<string, SqlType>> };

export const PBI_TABLE = {
  name: 'Pbi',
  columns: {
    id: 'text',
    nexusId: 'text',
    key: 'text',
    title: 'text',
    url: 'text',
    stage: 'text',
    squares: 'jsonb',
    blockedReason: 'text',
    blockedAt: 'timestamp',
    discardedAt: 'timestamp',
    startedAt: 'timestamp',
    finishedAt: 'timestamp',
    stageEnteredAt: 'timestamp',
    createdAt: 'timestamp',
    lastEventAt: 'timestamp',
    swarming: 'text[]',
    snoozedUntil: 'text',
    rank: 'text',
    rankedAt: 'timestamp',
    trackerOrder: 'jsonb',
    dependsOn: 'text[]',
    linkedOn: 'text[]',
    serviceClass: 'text',
    dueDate: 'text',
    links: 'jsonb',
    moveAskedAt: 'timestamp',
    moveAskedBy: 'text',
    version: 'integer',
    revision: 'integer',
  },
} as const satisfies Table<PbiRow>;

export const EVENT_TABLE = {
  name: 'Event',
  columns: {
    id: 'bigint',
    nexusId: 'text',
    pbiKey: 'text',
    type: 'text',
    payload: 'jsonb',
    occurredAt: 'timestamp',
    recordedAt: 'timestamp',
    actor: 'text',
    source: 'text',
  },
} as const satisfies Table<EventRow>;

export const DELIVERY_TABLE = {
  name: 'Delivery',
  columns: {
    id: 'bigint',
    nexusId: 'text',
    kind: 'text',
    deliveryId: 'text',
    bodyDigest: 'text',
    receivedAt: 'timestamp',
    change: 'jsonb',
    body: 'text',
    state: 'text',
    error: 'text',
    attempts: 'integer',
    retryAt: 'timestamp',
    appliedAt: 'timestamp',
    importId: 'bigint',
  },
} as const satisfies Table<DeliveryRow>;

type ColumnOf<T extends SqlTable> = keyof T['columns'] & string;
const quoted = (name: string) => `"${name}"`;

/** `"a", "b"`: columns by name, e.g. the list of an INSERT. */
export function columnList(names: readonly string[]): Prisma.Sql {
  return Prisma.raw(names.map(quoted).join(', '));
}

/**
 * The rows as the record set `v` of the given columns of `table`, in one JSON parameter. JSON has no instants: a
 * timestamp goes as ISO text with its offset (a Date or a luxon DateTime turns into one), read by `valuesOf`.
 * `ordered` adds `v.n`, each row's place in `rows` (from 1), for an ORDER BY. json, not jsonb: the text is read
 * once, row by row, where jsonb first builds the whole set as a tree (a tenth of a large insert's time on PostgreSQL).
 */
export function recordSet<T extends SqlTable, C extends ColumnOf<T>>(
  table: T,
  names: readonly C[],
  rows: readonly { readonly [K in C]: unknown }[],
  ordered = false,
): Prisma.Sql {
  const json = JSON.stringify(rows.map((row) => Object.fromEntries(names.map((name) => [name, row[name] ?? null]))));
  const types = names.map((name) => {
    const type = table.columns[name];
    return `${quoted(name)} ${type === 'timestamp' ? 'text' : type}`;
  });
  return ordered
    ? Prisma.sql`ROWS FROM (json_to_recordset(${json}::json) AS (${Prisma.raw(types.join(', '))}))
        WITH ORDINALITY AS v(${columnList([...names, 'n'])})`
    : Prisma.sql`json_to_recordset(${json}::json) AS v(${Prisma.raw(types.join(', '))})`;
}

/** Columns of the record set `v` as the table's values, each under its name (for an INSERT … SELECT). */
export function valuesOf<T extends SqlTable>(table: T, names: readonly ColumnOf<T>[]): Prisma.Sql {
  return Prisma.raw(names.map((name) => `${valueOf(table, name)} AS ${quoted(name)}`).join(', '));
}

/** `"a" = v."a", …`: an UPDATE … FROM the record set `v` setting these columns. */
export function assignedFrom<T extends SqlTable>(table: T, names: readonly ColumnOf<T>[]): Prisma.Sql {
  return Prisma.raw(names.map((name) => `${quoted(name)} = ${valueOf(table, name)}`).join(', '));
}

/** The one place where a timestamp's ISO text becomes the column's value: the instant, in UTC. */
function valueOf<T extends SqlTable>(table: T, name: ColumnOf<T>): string {
  const type = table.columns[name];
  return type === 'timestamp' ? `v.${quoted(name)}::timestamptz AT TIME ZONE 'UTC'` : `v.${quoted(name)}`;
}
