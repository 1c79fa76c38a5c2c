import { addTeams, isTeamsProblem, removeTeams, teamName } from '../../domain/nexus';
import { renderSettings } from '../../render/settings';
import { defineCommand, invalid, isShowSetting, SHOW_SETTING, type ShowSetting } from '../command';
import { splitList } from '../flags';
import { type SettingsOutcome, saveSettings, showSetting } from './change';

type Input = { action: 'add' | 'remove'; teams: string[] };
const usage = '/nexus teams add|remove <team…>';

export const nexusTeams = defineCommand<Input | ShowSetting, SettingsOutcome>({
  path: ['nexus', 'teams'],
  usage,
  summary:
    'add or remove Scrum Teams of the Nexus (removing one unmaps the tracker labels that meant it); alone, lists them',
  scope: 'nexus',
  nitOnly: true,
  parse(words) {
    if (!words.length) return SHOW_SETTING;
    const [action, ...rest] = words;
    if (action !== 'add' && action !== 'remove') return invalid('Say `add` or `remove`, then the team names.');
    const teams = splitList(rest).map(teamName);
    if (!teams.length) return invalid(`Which teams to ${action}?`);
    return { action, teams };
  },
  execute(input, ctx) {
    if (isShowSetting(input)) return showSetting('teams', ctx);
    const { action, teams } = input;
    // a team that open PBIs still need is refused by the store, in the same turn as the removal
    return saveSettings(ctx, 'nexus.teams-changed', (nexus) => {
      const next = action === 'add' ? addTeams(nexus.teams, teams) : removeTeams(nexus.teams, teams);
      if (isTeamsProblem(next)) return next;
      // the teams as the Nexus spells them: a new one as typed, a removed one as it was named, not as typed now
      const changed =
        action === 'add' ? next.filter((t) => !nexus.teams.includes(t)) : nexus.teams.filter((t) => !next.includes(t));
      return {
        // a removed team's own channel goes with it
        after: { ...nexus, teams: next, teamChannels: nexus.teamChannels.filter((c) => next.includes(c.team)) },
        value: next,
        changed: { setting: 'teams', action, changed, teams: next },
      };
    });
  },
  render: (outcome) => renderSettings(outcome, usage),
});
