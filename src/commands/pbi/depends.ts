import { decideDependency, decideDependencyRemoved } from '../../domain/pbi-decisions';
import { escape } from '../../render/blocks';
import { by, type ChangeOutcome, renderChange } from '../../render/change';
import { defineCommand, invalid, isInvalid } from '../command';
import { parseKey } from './change';

const usage = '/pbi depends <key> on|remove <key>';

/** `/pbi depends PBI-5 on PBI-3`: PBI-5 can't be integrated before PBI-3 is. */
export const pbiDepends = defineCommand<{ key: string; on: string; remove: boolean }, ChangeOutcome>({
  path: ['pbi', 'depends'],
  usage,
  summary:
    'say a PBI waits on another: forecasts integrate it after that one and starting it early is nudged (cycles are refused); `remove` takes it back',
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const key = parseKey(words[0]);
    if (isInvalid(key)) return key;
    const how = (words[1] ?? '').toLowerCase();
    if ((how !== 'on' && how !== 'remove') || words.length !== 3) {
      return invalid('Say `on <key>` or `remove <key>`, like `/pbi depends PBI-5 on PBI-3`.');
    }
    const on = parseKey(words[2]);
    return isInvalid(on) ? on : { key, on, remove: how === 'remove' };
  },
  async execute({ key, on, remove }, { store, nexus, now, userId }) {
    const who = { at: now(), actor: userId };
    if (remove) {
      const known = (await store.pbis.get(nexus.id, on)) !== null;
      return store.pbis.change(nexus, key, (pbi) => decideDependencyRemoved(pbi, on, who, known));
    }
    return store.pbis.changeDependency(nexus, key, on, (pbi, other, graph) =>
      decideDependency(pbi, other, on, graph, who),
    );
  },
  render: (outcome, { nexus }) =>
    renderChange(outcome, nexus, usage, (pbi, e) => {
      const on = 'on' in e ? escape(e.on) : '';
      return e.type === 'pbi.dependency-removed'
        ? `🔗 ${by(e)} said *${escape(pbi.key)}* no longer depends on ${on}`
        : `🔗 ${by(e)} said *${escape(pbi.key)}* depends on ${on}: it waits for ${on} to be integrated`;
    }),
});
