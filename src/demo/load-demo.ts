import type { DateTime } from 'luxon';
import type { Nexus } from '../domain/nexus';
import { seededRng } from '../domain/random';
import type { Workflow } from '../domain/workflow';
import { count } from '../render/words';
import { openStore } from '../store';
import type { Database } from '../store/database';
import { type SimulationSpec, simulateNexus } from './simulate';

export const DEMO_WORKSPACE = 'local';
const ZONE = 'Europe/Berlin';
const NIT = 'you';

export const DEMO_WORKFLOW: Workflow = {
  stages: [
    { name: 'refining', wipLimit: 8 },
    { name: 'ready', wipLimit: 12 },
    { name: 'sprint-backlog', wipLimit: 10 },
    { name: 'in-progress', wipLimit: 8 },
    { name: 'integrated', wipLimit: null },
    { name: 'released', wipLimit: null },
    { name: 'learning', wipLimit: null },
  ],
  startStage: 'in-progress',
  finishStage: 'integrated',
};

export const DEMO_STAGES: SimulationSpec['stages'] = {
  intake: 'refining',
  ready: 'ready',
  planned: 'sprint-backlog',
  working: 'in-progress',
  done: 'integrated',
  released: 'released',
  learning: 'learning',
};

/** The demo's settings: three teams, Gamma the slowest, so PBIs wait on it and age. */
export function demoSpec(end: DateTime): SimulationSpec {
  return {
    teams: ['Alpha', 'Beta', 'Gamma'],
    workflow: DEMO_WORKFLOW,
    stages: DEMO_STAGES,
    days: 120,
    end,
    zone: ZONE,
    arrivalsPerDay: 0.8,
    teamsPerPbi: [1, 3],
    squareFinishChance: { Alpha: 0.3, Beta: 0.25, Gamma: 0.15 },
    teamCapacity: 3,
    sprintPull: 7,
    rng: seededRng('nexus-flow-demo'),
  };
}

/** Replaces the channel's Nexus with a fresh sample one whose 120 days of history end now. */
export async function loadDemo(db: Database, channelId: string, now: DateTime): Promise<string> {
  const store = openStore(db, 'demo');
  const existing = await store.nexuses.findByChannel(DEMO_WORKSPACE, channelId);
  if (existing) await store.nexuses.remove(existing.id);
  const spec = demoSpec(now);
  const settings: Omit<Nexus, 'id'> = {
    workspaceId: DEMO_WORKSPACE,
    channelId,
    name: 'Checkout Nexus',
    teams: spec.teams,
    workflow: spec.workflow,
    sle: { percentile: 85, days: null, historyDays: 90 },
    timeZone: ZONE,
    digest: { time: '09:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'], enabled: true },
    forecast: { days: 'calendar', sprintDays: 14, sprintStart: null },
    sprintReports: { review: false, retro: false },
    teamChannels: [],
    classes: [],
    nit: [NIT],
    createdBy: NIT,
  };
  const start = now.minus({ days: spec.days });
  const nexus = await store.nexuses.create(settings, { type: 'nexus.created', at: start, actor: NIT, value: settings });
  if ('problem' in nexus) throw new Error(`channel ${channelId} got a Nexus while the demo was loading`);
  const events = simulateNexus(spec);
  const pbis = await store.pbis.importHistory(nexus, events);
  return `${count(pbis, 'PBI')}, ${count(events.length, 'event')} over ${spec.days} days, teams ${spec.teams.join(', ')}`;
}
