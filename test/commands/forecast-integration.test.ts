import { DateTime } from 'luxon';
import type { PbiEvent } from '../../src/domain/events';
import { commandHarness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

const SETUP =
  '/nexus setup --name Shop --teams Alpha --stages "ready,doing,done,released" --start doing --finish done --zone Europe/Berlin';
const DAY = DateTime.fromISO('2026-03-02T09:00:00', { zone: 'Europe/Berlin' });

/** A PBI Alpha started on `day` (days from 2 Mar) and finished a day later, integrated `lag` days after that. */
function integrated(key: string, day: number, lag: number): PbiEvent[] {
  const at = (d: number) => DAY.plus({ days: d });
  const who = { key, actor: 'U1' };
  return [
    { ...who, type: 'pbi.added', title: key, url: null, stage: 'doing', teams: ['Alpha'], at: at(day) },
    { ...who, type: 'square.changed', team: 'Alpha', from: 'not-started', to: 'started', at: at(day) },
    { ...who, type: 'square.changed', team: 'Alpha', from: 'started', to: 'done', at: at(day + 1) },
    { ...who, type: 'pbi.moved', from: 'doing', to: 'done', at: at(day + 1 + lag) },
  ];
}

/**
 * Eight PBIs integrated in the window with lags 0..3, one integrated long before it (lag 9) but released inside it,
 * and one in progress to forecast.
 */
function history(): PbiEvent[][] {
  const old = integrated('OLD-1', -200, 9);
  old.push({ key: 'OLD-1', actor: 'U1', type: 'pbi.moved', from: 'done', to: 'released', at: DAY.plus({ days: 19 }) });
  const now: PbiEvent = {
    key: 'NOW-1',
    actor: 'U1',
    type: 'pbi.added',
    title: 'Now',
    url: null,
    stage: 'doing',
    teams: ['Alpha'],
    at: DAY.plus({ days: 19 }),
  };
  return [old, ...Array.from({ length: 8 }, (_, i) => integrated(`P-${i + 1}`, i * 2, i % 4)), [now]];
}

describeEachDatabase('/forecast <key>: the integration step', (db) => {
  async function forecastWith(channelId: string) {
    const h = commandHarness(db(), { channelId });
    await h.run(SETUP);
    await h.store.pbis.importHistory(await h.nexus(), history().flat());
    h.advance({ days: 20 });
    return (await h.run('/forecast NOW-1')).plain;
  }

  test('rests on the PBIs integrated in the window, not on one integrated before it and touched since', async () => {
    const answer = await forecastWith('C1');
    expect(answer).toContain('the integration step of the 8 PBIs integrated in the window');
  });
});
