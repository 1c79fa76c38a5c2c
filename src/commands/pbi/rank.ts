import type { RankPlace } from '../../domain/backlog';
import { decideRank, notInBacklog } from '../../domain/pbi-decisions';
import { rankPlaceText } from '../../render/backlog';
import { escape } from '../../render/blocks';
import { by, type ChangeOutcome, renderChange } from '../../render/change';
import { defineCommand, invalid, isInvalid } from '../command';
import { parseKey } from './change';

const usage = '/pbi rank <key> top|bottom|before <key>|after <key>';

/** `/pbi rank PBI-7 before PBI-3`: a place in the Product Backlog, which every team's queue follows. */
export const pbiRank = defineCommand<{ key: string; place: RankPlace }, ChangeOutcome>({
  path: ['pbi', 'rank'],
  usage,
  summary:
    "put an open PBI at the top or bottom of the Product Backlog, or before or after another; teams' queues follow it",
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const key = parseKey(words[0]);
    if (isInvalid(key)) return key;
    const where = (words[1] ?? '').toLowerCase();
    if ((where === 'top' || where === 'bottom') && words.length === 2) return { key, place: { at: where } };
    if ((where === 'before' || where === 'after') && words.length === 3) {
      const other = parseKey(words[2]);
      return isInvalid(other) ? other : { key, place: { at: where, key: other } };
    }
    return invalid(
      'Say where it goes: `top`, `bottom`, `before <key>` or `after <key>`, like `/pbi rank PBI-7 before PBI-3`.',
    );
  },
  async execute({ key, place }, { store, nexus, now, userId }) {
    const open = await store.pbis.listOpen(nexus.id);
    let where = place;
    if ('key' in place) {
      const other = open.find((p) => p.key.toLowerCase() === place.key.toLowerCase());
      if (!other) {
        const closed = await store.pbis.get(nexus.id, place.key);
        return closed ? notInBacklog(closed) : { problem: 'unknown-pbi', key: place.key };
      }
      where = { ...place, key: other.key }; // its history names the PBI as it is written, not as typed
    }
    return store.pbis.change(nexus, key, (pbi) => decideRank(pbi, where, open, { at: now(), actor: userId }));
  },
  render: (outcome, { nexus }) =>
    renderChange(outcome, nexus, usage, (pbi, e) =>
      e.type === 'pbi.ranked'
        ? `↕️ ${by(e)} ranked *${escape(pbi.key)}* ${rankPlaceText(e.place)}${e.place.at === 'top' || e.place.at === 'bottom' ? ' of' : ' in'} the Product Backlog`
        : `↕️ ${by(e)} ranked *${escape(pbi.key)}*`,
    ),
});
