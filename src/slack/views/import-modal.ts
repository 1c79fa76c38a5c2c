import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { type ImportFormStart, submitImportForm } from '../../commands/nexus/import-form';
import type { TrackerKind } from '../../domain/tracker';
import { IMPORT_VIEW, importErrors, importForm } from '../../render/import-form';
import { commandContext, type SlackDeps } from '../deps';
import { postReply } from '../message';

/**
 * Slack waits 3 s for a form's answer. The tracker is asked before the answer (is the token good?); when it takes
 * longer than this, the form closes and the answer goes to the person as the typed command's would.
 */
const FORM_ANSWER_MS = 2_500;

type Target = { channelId: string; kind: TrackerKind };
type ViewValues = Record<string, Record<string, { value?: string | null; selected_date?: string | null }>>;

/** `/nexus import <tracker>` without a token opens the form asking for it (render/import-form.ts). */
export async function openImportModal(
  client: WebClient,
  triggerId: string,
  channelId: string,
  start: ImportFormStart,
): Promise<void> {
  const target: Target = { channelId, kind: start.kind };
  await client.views.open({ trigger_id: triggerId, view: importForm(start, JSON.stringify(target)) });
}

export function registerImportView(app: App, deps: SlackDeps): void {
  app.view(IMPORT_VIEW, async ({ ack, view, body, client }) => {
    const { channelId, kind } = JSON.parse(view.private_metadata) as Target;
    const values = view.state.values as ViewValues;
    const text = (id: string) => (values[id]?.value?.value ?? '').trim();
    const fields = {
      url: text('url'),
      token: text('token'),
      query: text('query'),
      since: values.since?.value?.selected_date ?? null,
    };
    const ctx = commandContext(deps, {
      teamId: body.team?.id ?? body.user.team_id ?? '',
      channelId,
      userId: body.user.id,
    });
    const answering = submitImportForm(kind, fields, ctx);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), FORM_ANSWER_MS)));
    const answer = await Promise.race([answering, late]).finally(() => clearTimeout(timer));
    if (answer?.faults) {
      await ack({ response_action: 'errors', errors: importErrors(kind, answer.faults) });
      return;
    }
    await ack();
    await postReply(client, channelId, body.user.id, (answer ?? (await answering)).reply);
  });
}
