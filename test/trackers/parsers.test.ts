import examples from '@octokit/webhooks-examples';
import { DateTime } from 'luxon';
import { TRACKERS } from '../../src/trackers';
import { ACCEPTED, type WebhookRequest } from '../../src/trackers/tracker';
import { fixtures } from '../support/fake-api';
import { signed, statusChange } from '../support/tracker-payloads';

const jiraApi = fixtures('jira-api');

const NOW = DateTime.utc();
const SECRET = 'a-shared-secret-of-some-length';

function request(headers: Record<string, string>, body: string): WebhookRequest {
  return { headers, raw: Buffer.from(body) };
}

function githubExample(event: string, action: string): Record<string, any> {
  return structuredClone(
    (examples as any[]).find((e) => e.name === event).examples.find((x: any) => x.action === action),
  );
}

describe('each tracker reads its own payload', () => {
  test('Jira: status change with ids, the category of the new status, components and labels as team hints', () => {
    const { json } = statusChange('jira', 24, 'In Progress', NOW, { from: 'To Do' });
    json.issue.fields.status.statusCategory = { key: 'indeterminate' };
    const parsed = TRACKERS.jira.parse(json, request({}, ''));
    expect(parsed).toMatchObject({
      change: {
        item: { key: 'ED-24', url: 'https://your-domain.atlassian.net/browse/ED-24' },
        from: { id: 's-To Do', name: 'To Do' },
        to: { id: 's-In Progress', category: 'indeterminate' },
        teamHints: ['Alpha', 'checkout'],
      },
    });
    expect((parsed as any).change.links).toBeUndefined(); // not sent: nothing said about links
    json.issue.fields.issuelinks = [...jiraApi('issuelinks.json'), { type: { name: 'odd' } }];
    expect((TRACKERS.jira.parse(json, request({}, '')) as any).change.links).toEqual([
      { relation: 'is blocked by', key: 'PR-3' },
      { relation: 'relates to', key: 'PR-4' },
    ]);
  });

  test('GitHub issues: closed and reopened are status changes; a label is a status only if mapped; other actions are ignored', () => {
    const reopened = githubExample('issues', 'reopened');
    expect(TRACKERS.github.parse(reopened, request({ 'x-github-event': 'issues' }, ''))).toMatchObject({
      change: {
        item: { key: 'Codertocat/Hello-World#1', url: 'https://github.com/Codertocat/Hello-World/issues/1' },
        to: { name: 'open', category: 'opened' },
      },
    });
    const closed = { ...reopened, action: 'closed' };
    const change = TRACKERS.github.parse(closed, request({ 'x-github-event': 'issues' }, ''));
    expect(change).toMatchObject({ change: { to: { name: 'closed', category: 'closed' } } });
    expect((change as any).change.at.toISO()).toBe(DateTime.fromISO(reopened.issue.closed_at, { zone: 'utc' }).toISO());
    expect(
      TRACKERS.github.parse(githubExample('issues', 'labeled'), request({ 'x-github-event': 'issues' }, '')),
    ).toMatchObject({ change: { to: { name: 'bug', category: 'label' } } });
    expect(
      TRACKERS.github.parse(githubExample('issues', 'assigned'), request({ 'x-github-event': 'issues' }, '')),
    ).toEqual({ ignored: 'issues.assigned carries no status change' });
    expect(TRACKERS.github.parse({}, request({ 'x-github-event': 'ping' }, ''))).toEqual({
      ignored: 'ping event carries no status change',
    });
  });

  test('GitHub Projects: an edit of the Status field (from/to added to the older example)', () => {
    const edited = githubExample('projects_v2_item', 'edited');
    expect(TRACKERS.github.parse(edited, request({ 'x-github-event': 'projects_v2_item' }, ''))).toEqual({
      ignored: 'no Status field change',
    });
    edited.changes.field_value = {
      ...edited.changes.field_value,
      field_name: 'Status',
      from: { id: 'a1', name: 'Todo' },
      to: { id: 'b2', name: 'In Progress' },
    };
    expect(TRACKERS.github.parse(edited, request({ 'x-github-event': 'projects_v2_item' }, ''))).toMatchObject({
      change: {
        item: { key: 'DI_lADOAWcTxs07G84AIjOy', url: null },
        from: { name: 'Todo' },
        to: { id: 'b2', name: 'In Progress' },
      },
    });
  });

  test('Azure DevOps: the published sample, with the area path as a team hint', () => {
    const parsed = TRACKERS.azure.parse(statusChange('azure', 5, 'Active', NOW).json, request({}, ''));
    expect(parsed).toMatchObject({
      change: {
        item: { key: 'AB#5', title: 'Some great new idea!' },
        from: { name: 'New' },
        to: { name: 'Active' },
        teamHints: ['FabrikamCloud'],
      },
    });
  });

  test('Linear: the state type is the category; an update without a state change is ignored', () => {
    const { json } = statusChange('linear', 1123, 'In Progress', NOW);
    json.data.state.type = 'started';
    expect(TRACKERS.linear.parse(json, request({}, ''))).toMatchObject({
      change: {
        item: { key: 'ENG-1123' },
        to: { name: 'In Progress', category: 'started' },
        teamHints: ['ENG', 'Beta'],
      },
    });
    expect((TRACKERS.linear.parse(json, request({}, '')) as any).change.order).toBe(-1012.56);
    delete json.updatedFrom.stateId;
    expect(TRACKERS.linear.parse(json, request({}, ''))).toEqual({ ignored: 'no state change' });
    // dragged to another place in the team's order: no state change, its new sortOrder
    json.updatedFrom.sortOrder = 250.5;
    expect(TRACKERS.linear.parse(json, request({}, ''))).toMatchObject({
      change: { item: { key: 'ENG-1123' }, to: null, order: -1012.56 },
    });
  });

  test("Azure DevOps: the revision's relations are its links; a change of links alone is a change", () => {
    const { json } = statusChange('azure', 5, 'Active', NOW, { from: 'New' });
    expect((TRACKERS.azure.parse(json, request({}, '')) as any).change.links).toBeUndefined();
    const relation = (rel: string, id: number) => ({
      rel,
      url: `https://dev.azure.com/fabrikam/_apis/wit/workItems/${id}`,
      attributes: { isLocked: false, name: 'Predecessor' },
    });
    json.resource.revision.relations = [
      relation('System.LinkTypes.Dependency-Reverse', 7),
      { rel: 'Hyperlink', url: 'https://example.com', attributes: {} },
    ];
    expect((TRACKERS.azure.parse(json, request({}, '')) as any).change.links).toEqual([
      { relation: 'System.LinkTypes.Dependency-Reverse', key: 'AB#7' },
    ]);
    // the predecessor removed, the state untouched: the revision lists no relation any more
    delete json.resource.fields['System.State'];
    delete json.resource.revision.relations;
    json.resource.relations = { removed: [relation('System.LinkTypes.Dependency-Reverse', 7)] };
    expect(TRACKERS.azure.parse(json, request({}, ''))).toMatchObject({ change: { to: null, links: [] } });
    delete json.resource.relations;
    expect(TRACKERS.azure.parse(json, request({}, ''))).toEqual({ ignored: 'no System.State change' });
  });

  test("Jira: the issue's rank (a LexoRank in the Rank field) is its order; a rank or link change alone is a change", () => {
    const { json } = statusChange('jira', 24, 'In Progress', NOW, { from: 'To Do' });
    json.issue.fields.customfield_10019 = '0|i0000f:';
    json.issue.fields.customfield_10020 = 'not a rank';
    expect(TRACKERS.jira.parse(json, request({}, ''))).toMatchObject({ change: { order: 'i0000f:' } });
    // Jira's changelog item for a drag on a board: the Rank field, "Ranked higher"
    const rankItem = { field: 'Rank', fieldtype: 'custom', fieldId: 'customfield_10019', from: '', fromString: '' };
    json.changelog.items = [{ ...rankItem, to: '', toString: 'Ranked higher' }];
    json.issue.fields.customfield_10019 = '1|hzzzzz:';
    expect(TRACKERS.jira.parse(json, request({}, ''))).toMatchObject({
      change: { item: { key: 'ED-24' }, from: null, to: null, order: 'hzzzzz:' },
    });
    // a link made: Jira's "Link" changelog item on each issue, which carries its issuelinks
    const linkItem = { field: 'Link', fieldtype: 'jira', from: null, fromString: null, to: 'PR-3' };
    json.changelog.items = [{ ...linkItem, toString: 'This issue is blocked by PR-3' }];
    json.issue.fields.issuelinks = jiraApi('issuelinks.json');
    expect(TRACKERS.jira.parse(json, request({}, ''))).toMatchObject({
      change: {
        to: null,
        links: [
          { relation: 'is blocked by', key: 'PR-3' },
          { relation: 'relates to', key: 'PR-4' },
        ],
      },
    });
    json.changelog.items = [
      { field: 'description', fieldtype: 'jira', from: null, fromString: 'a', to: null, toString: 'b' },
    ];
    expect(TRACKERS.jira.parse(json, request({}, ''))).toEqual({ ignored: 'no status change' });
    // Jira's Flagged field, as its changelog says it: "Impediment" when flagged, empty when the flag comes off
    const flagItem = { field: 'Flagged', fieldtype: 'custom', fieldId: 'customfield_10021', from: null, to: null };
    json.changelog.items = [{ ...flagItem, fromString: null, toString: 'Impediment' }];
    expect(TRACKERS.jira.parse(json, request({}, ''))).toMatchObject({ change: { to: null, flagged: true } });
    json.changelog.items = [{ ...flagItem, fromString: 'Impediment', toString: '' }];
    expect(TRACKERS.jira.parse(json, request({}, ''))).toMatchObject({ change: { to: null, flagged: false } });
  });

  test('GitLab: scoped workflow labels are statuses, close and reopen too; other label edits are labels', () => {
    const { json } = statusChange('gitlab', 23, 'doing', NOW, { from: 'todo' });
    expect(TRACKERS.gitlab.parse(json, request({}, ''))).toMatchObject({
      change: {
        item: { key: 'gitlabhq/gitlab-test#23' },
        from: { name: 'todo' },
        to: { name: 'doing', category: null },
      },
    });
    json.object_attributes.action = 'close';
    expect(TRACKERS.gitlab.parse(json, request({}, ''))).toMatchObject({
      change: { to: { name: 'closed', category: 'closed' } },
    });
    const published = statusChange('gitlab', 23, 'x', NOW).json;
    published.changes.labels = { previous: [{ title: 'API' }], current: [{ title: 'Platform' }] };
    expect(TRACKERS.gitlab.parse(published, request({}, ''))).toMatchObject({
      change: { to: { name: 'Platform', category: 'label' } },
    });
  });
});

describe('each tracker checks its sender', () => {
  test('Linear refuses a delivery sent more than a minute ago, even correctly signed', () => {
    const { json, deliveryId } = statusChange('linear', 1, 'Done', NOW);
    const old = signed('linear', json, deliveryId, SECRET, NOW.minus({ minutes: 2 }));
    expect(TRACKERS.linear.verify(request(old.headers, old.body), SECRET, NOW)).toEqual({
      rejected: 'webhookTimestamp is more than 60 s off',
    });
    const fresh = signed('linear', json, deliveryId, SECRET, NOW);
    expect(TRACKERS.linear.verify(request(fresh.headers, fresh.body), SECRET, NOW)).toBe(ACCEPTED);
  });

  test('Standard Webhooks: a stale timestamp, another id or one of several signatures', () => {
    const { json, deliveryId } = statusChange('generic', 1, 'Done', NOW);
    const stale = signed('generic', json, deliveryId, 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=', NOW.minus({ minutes: 6 }));
    expect(
      TRACKERS.generic.verify(request(stale.headers, stale.body), 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=', NOW),
    ).toEqual({ rejected: expect.stringMatching(/5 minutes/) });
    const good = signed('generic', json, deliveryId, 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=', NOW);
    const rotated = { ...good.headers, 'webhook-signature': `v1,b2xk ${good.headers['webhook-signature']}` };
    expect(TRACKERS.generic.verify(request(rotated, good.body), 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=', NOW)).toBe(
      ACCEPTED,
    );
    const otherId = { ...good.headers, 'webhook-id': 'another' };
    expect(TRACKERS.generic.verify(request(otherId, good.body), 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=', NOW)).toEqual({
      rejected: 'no webhook-signature matches',
    });
  });

  test('Azure DevOps and GitLab compare the shared secret; a wrong one or none is refused', () => {
    expect(
      TRACKERS.azure.verify(
        request({ authorization: `Basic ${Buffer.from(`u:${SECRET}`).toString('base64')}` }, ''),
        SECRET,
        NOW,
      ),
    ).toBe(ACCEPTED);
    expect(
      TRACKERS.azure.verify(
        request({ authorization: `Basic ${Buffer.from('u:wrong').toString('base64')}` }, ''),
        SECRET,
        NOW,
      ),
    ).toEqual({ rejected: expect.stringMatching(/does not match/) });
    expect(TRACKERS.gitlab.verify(request({}, ''), SECRET, NOW)).toEqual({
      rejected: expect.stringMatching(/missing/),
    });
    expect(TRACKERS.gitlab.verify(request({ 'x-gitlab-token': `${SECRET}x` }, ''), SECRET, NOW)).toEqual({
      rejected: expect.stringMatching(/does not match/),
    });
  });
});
