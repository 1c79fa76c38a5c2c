import type { App, BlockButtonAction, BlockStaticSelectAction } from '@slack/bolt';
import { HOME_PICK_ACTION, HOME_TAB_ACTION } from '../../render/home';
import { IMPORT_CSV_ACTION } from '../../render/import-csv';
import { PBI_ACTION_PREFIX } from '../../render/pbi-buttons';
import type { SlackDeps } from '../deps';
import { homeState, homeTab, publishHome } from '../home';
import { ackOnce } from '../refuse-replays';
import { importButtonListener } from './import-button';
import { pbiButtonListener } from './pbi-button';

export function registerActions(app: App, deps: SlackDeps): void {
  // App Home's Nexus picker: the chosen Nexus replaces the one shown, on the same tab
  app.action<BlockStaticSelectAction>(HOME_PICK_ACTION, async ({ ack, body, client, context }) => {
    await ackOnce(ack, context);
    const { tab } = homeState(body.view?.private_metadata);
    const channel = body.actions[0].selected_option.value;
    await publishHome(client, deps, body.team?.id ?? body.user.team_id!, body.user.id, { channel, tab });
  });
  // its tabs: the same Nexus on another tab
  app.action<BlockButtonAction>(
    new RegExp(`^${HOME_TAB_ACTION.replace(/\./g, '\\.')}`),
    async ({ ack, body, client, context }) => {
      await ackOnce(ack, context);
      const { channel } = homeState(body.view?.private_metadata);
      const tab = homeTab(body.actions[0].value);
      await publishHome(client, deps, body.team?.id ?? body.user.team_id!, body.user.id, { channel, tab });
    },
  );
  app.action<BlockButtonAction>(IMPORT_CSV_ACTION, importButtonListener(deps));
  app.action<BlockButtonAction>(new RegExp(`^${PBI_ACTION_PREFIX.replace('.', '\\.')}`), pbiButtonListener(deps));
}
