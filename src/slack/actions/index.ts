import type { App, BlockButtonAction, BlockStaticSelectAction } from '@slack/bolt';
import { HOME_PICK_ACTION } from '../../render/home';
import { IMPORT_CSV_ACTION } from '../../render/import-csv';
import { PBI_ACTION_PREFIX } from '../../render/pbi-buttons';
import type { SlackDeps } from '../deps';
import { publishHome } from '../home';
import { ackOnce } from '../refuse-replays';
import { importButtonListener } from './import-button';
import { pbiButtonListener } from './pbi-button';

export function registerActions(app: App, deps: SlackDeps): void {
  // App Home's Nexus picker: the chosen Nexus's board replaces the one shown
  app.action<BlockStaticSelectAction>(HOME_PICK_ACTION, async ({ ack, body, client, context }) => {
    await ackOnce(ack, context);
    await publishHome(
      client,
      deps,
      body.team?.id ?? body.user.team_id!,
      body.user.id,
      body.actions[0].selected_option.value,
    );
  });
  app.action<BlockButtonAction>(IMPORT_CSV_ACTION, importButtonListener(deps));
  app.action<BlockButtonAction>(new RegExp(`^${PBI_ACTION_PREFIX.replace('.', '\\.')}`), pbiButtonListener(deps));
}
