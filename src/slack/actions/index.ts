import type { App, BlockButtonAction } from '@slack/bolt';
import { PBI_ACTION_PREFIX } from '../../commands/pbi-buttons';
import type { SlackDeps } from '../deps';
import { pbiButtonListener } from './pbi-button';

export function registerActions(app: App, deps: SlackDeps): void {
  app.action<BlockButtonAction>(new RegExp(`^${PBI_ACTION_PREFIX.replace('.', '\\.')}`), pbiButtonListener(deps));
}
