import { addTeams, isTeamsProblem, removeTeams } from '../../domain/nexus';
import { escape } from '../blocks';
import { defineCommand, invalid } from '../command';
import { splitList } from '../flags';
import { explain } from '../problems';
import { renderSettings, saveSettings, type SettingsOutcome } from './change';

type Input = { action: 'add' | 'remove'; teams: string[] };
const usage = '/nexus teams add|remove <team…>';

export const nexusTeams = defineCommand<Input, SettingsOutcome>({
  path: ['nexus', 'teams'],
  usage,
  summary: 'add or remove Scrum Teams of the Nexus',
  scope: 'nexus',
  nitOnly: true,
  parse(words) {
    const [action, ...rest] = words;
    if (action !== 'add' && action !== 'remove') return invalid('Say `add` or `remove`, then the team names.');
    const teams = splitList(rest);
    if (!teams.length) return invalid(`Which teams to ${action}?`);
    return { action, teams };
  },
  async execute({ action, teams }, ctx) {
    const { nexus, store } = ctx;
    const openKeys = action === 'remove' ? await store.pbis.openKeysByTeam(nexus.id) : new Map<string, string[]>();
    const next = action === 'add' ? addTeams(nexus.teams, teams) : removeTeams(nexus.teams, teams, (t) => openKeys.get(t) ?? []);
    if (isTeamsProblem(next)) return { refused: explain(next) };
    const said = `👥 <@${ctx.userId}> ${action === 'add' ? 'added' : 'removed'} ${teams.map(escape).join(', ')}. Teams: ${next.map(escape).join(', ') || 'none'}.`;
    return saveSettings(ctx, { ...nexus, teams: next }, 'nexus.teams-changed', next, said);
  },
  render: (outcome) => renderSettings(outcome, usage),
});
