import { MAX_NEXUS_NAME, MAX_STAGES, MAX_TEAMS } from '../../src/domain/limits';
import { describeEachDatabase } from '../support/setup-db';
import { type SlackApp, startSlackApp } from '../support/slack-app';

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

describeEachDatabase('the setup modal keeps to the limits of one Nexus', (db) => {
  let s: SlackApp;
  beforeEach(async () => {
    s = await startSlackApp(db());
  });
  afterEach(async () => {
    await s.stop();
  });

  test('its fields stop typing at the limits, and a form over them is refused field by field, creating nothing', async () => {
    await s.slack.command({ command: '/nexus', text: 'setup', channel_id: 'C9', response_url: s.fake.responseUrl() });
    const view = s.fake.lastCall('views.open')!.body.view;
    const element = (id: string) => view.blocks.find((b: { block_id?: string }) => b.block_id === id).element;
    expect(element('name').max_length).toBe(MAX_NEXUS_NAME);
    for (const id of ['teams', 'stages', 'start', 'finish', 'zone']) expect(element(id).max_length).toBeGreaterThan(0);
    const fields: Record<string, string> = {
      name: 'n'.repeat(MAX_NEXUS_NAME + 1),
      teams: names('T', MAX_TEAMS + 1).join(', '),
      stages: names('s', 10_000).join('\n'),
      start: 's1',
      finish: 's2',
      zone: 'Europe/Berlin',
    };
    const values: Record<string, object> = Object.fromEntries(
      Object.entries(fields).map(([k, value]) => [k, { value: { type: 'plain_text_input', value } }]),
    );
    values.digest = { value: { type: 'timepicker', selected_time: '09:30' } };
    const answer = await s.slack.submitView(view, values, 'V2');
    const { response_action, errors } = JSON.parse(answer.text);
    expect(response_action).toBe('errors');
    expect(errors.name).toContain(`at most ${MAX_NEXUS_NAME} characters`);
    expect(errors.teams).toContain(`at most ${MAX_TEAMS} Scrum Teams`);
    expect(errors.stages).toContain(`at most ${MAX_STAGES} stages (this lists 10000)`);
    expect(await s.store.nexuses.findByChannel('T1', 'C9')).toBeNull();
  });

  test('a WIP limit that is no whole number from 1 is refused on the stages field, as /nexus setup refuses it', async () => {
    await s.slack.command({ command: '/nexus', text: 'setup', channel_id: 'C9', response_url: s.fake.responseUrl() });
    const view = s.fake.lastCall('views.open')!.body.view;
    for (const wip of ['0', '-1', '1.5', '1e3']) {
      const fields = {
        name: 'Shop',
        teams: 'Alpha',
        stages: `ready\ndoing:${wip}\ndone`,
        start: 'doing',
        finish: 'done',
      };
      const values: Record<string, object> = Object.fromEntries(
        Object.entries({ ...fields, zone: 'UTC' }).map(([k, value]) => [
          k,
          { value: { type: 'plain_text_input', value } },
        ]),
      );
      values.digest = { value: { type: 'timepicker', selected_time: '09:30' } };
      const answer = await s.slack.submitView(view, values, 'V2');
      const { response_action, errors } = JSON.parse(answer.text);
      expect([wip, response_action]).toEqual([wip, 'errors']);
      expect(errors.stages).toContain(
        `doing:${wip} is not a stage: a WIP limit is a whole number from 1 to 10000, and ${wip} is not one.`,
      );
    }
    expect(await s.store.nexuses.findByChannel('T1', 'C9')).toBeNull();
  });
});
