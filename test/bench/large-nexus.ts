import type { DateTime } from 'luxon';
import { DEMO_STAGES, DEMO_WORKFLOW } from '../../src/demo/load-demo';
import { simulateNexus } from '../../src/demo/simulate';
import type { PbiEvent } from '../../src/domain/events';
import type { Nexus } from '../../src/domain/nexus';
import { seededRng } from '../../src/domain/random';
import type { Store } from '../../src/store';

export const TEAM_COUNT = 50;

/** A Nexus of 50 teams with about 10,000 PBIs and 200,000 events of simulated history. */
export function largeHistory(end: DateTime): { teams: string[]; events: PbiEvent[] } {
  const teams = Array.from({ length: TEAM_COUNT }, (_, i) => `Team${String(i + 1).padStart(2, '0')}`);
  const events = simulateNexus({
    teams,
    workflow: DEMO_WORKFLOW,
    stages: DEMO_STAGES,
    days: 400,
    end,
    zone: 'Europe/Berlin',
    arrivalsPerDay: 35,
    teamsPerPbi: [5, 10],
    squareFinishChance: Object.fromEntries(teams.map((t, i) => [t, i % 10 === 9 ? 0.3 : 0.5])),
    teamCapacity: 24,
    sprintPull: 360,
    rng: seededRng('bench'),
  });
  return { teams, events };
}

export async function createLargeNexus(
  store: Store,
  end: DateTime,
): Promise<{ nexus: Nexus; pbis: number; events: number }> {
  const { teams, events } = largeHistory(end);
  const settings: Omit<Nexus, 'id'> = {
    workspaceId: 'T-bench',
    channelId: 'C-bench',
    name: 'Large Nexus',
    teams,
    workflow: DEMO_WORKFLOW,
    sle: { percentile: 85, days: null, historyDays: 90 },
    timeZone: 'Europe/Berlin',
    digest: { time: '09:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'], enabled: true },
    forecast: { days: 'calendar', sprintDays: 14, sprintStart: null },
    sprintReports: { review: false, retro: false },
    teamChannels: [],
    classes: [],
    nit: ['U-bench'],
    createdBy: 'U-bench',
  };
  const nexus = await store.nexuses.create(settings, {
    type: 'nexus.created',
    at: end.minus({ days: 400 }),
    actor: 'U-bench',
    value: settings,
  });
  if ('problem' in nexus) throw new Error('bench channel already has a Nexus');
  const pbis = await store.pbis.importHistory(nexus, events);
  return { nexus, pbis, events: events.length };
}
