import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import examples from '@octokit/webhooks-examples';
import type { DateTime } from 'luxon';
import type { TrackerKind } from '../../src/domain/tracker';
import { signGeneric } from '../../src/trackers/generic';
import { hmacSha256 } from '../../src/trackers/signature';

/** A delivery ready to POST: the body's exact bytes and the headers its sender would put on it. */
export type Delivery = { body: string; headers: Record<string, string> };

// from the sources (jest) or from the compiled benchmark in dist-bench/test/support
const FIXTURES = [
  path.join(__dirname, '../fixtures/trackers'),
  path.join(__dirname, '../../../test/fixtures/trackers'),
].find(existsSync)!;
const fixtures = new Map<string, string>();
/** A fresh copy of a published sample each time (read from disk once: the benchmark builds 20,000). */
const fixture = (name: string) => {
  if (!fixtures.has(name)) fixtures.set(name, readFileSync(path.join(FIXTURES, name), 'utf8'));
  return JSON.parse(fixtures.get(name)!);
};

function github(event: string, action: string) {
  const found = (examples as { name: string; examples: { action?: string }[] }[])
    .find((e) => e.name === event)!
    .examples.find((x) => x.action === action);
  return structuredClone(found) as Record<string, any>;
}

/**
 * A status change of item `n` to `to` at `at`, as each tracker sends it, built from its published sample. Item keys:
 * jira ED-n, github Codertocat/Hello-World#n, azure AB#n, linear ENG-n, gitlab gitlabhq/gitlab-test#n, generic G-n.
 */
export function statusChange(
  kind: TrackerKind,
  n: number,
  to: string,
  at: DateTime,
  opts: { from?: string; deliveryId?: string; createdAt?: DateTime } = {},
): { json: Record<string, any>; deliveryId: string } {
  const deliveryId = opts.deliveryId ?? randomUUID();
  const iso = at.toUTC().toISO()!;
  const created = (opts.createdAt ?? at.minus({ days: 30 })).toUTC().toISO()!;
  switch (kind) {
    case 'jira': {
      const json = fixture('jira-issue-updated.json');
      json.timestamp = at.toMillis();
      json.issue.key = `ED-${n}`;
      json.issue.fields.created = created;
      json.issue.fields.status = { id: `s-${to}`, name: to };
      json.changelog.items = [
        {
          field: 'status',
          fieldtype: 'jira',
          fieldId: 'status',
          from: opts.from ? `s-${opts.from}` : null,
          fromString: opts.from ?? null,
          to: `s-${to}`,
          toString: to,
        },
      ];
      return { json, deliveryId };
    }
    case 'github': {
      const json = github('issues', 'labeled');
      json.label.name = to;
      json.issue.number = n;
      json.issue.created_at = created;
      json.issue.updated_at = iso;
      return { json, deliveryId };
    }
    case 'azure': {
      const json = fixture('azure-workitem-updated.json');
      json.id = deliveryId;
      json.resource.workItemId = n;
      json.resource.fields['System.State'] = { oldValue: opts.from ?? 'New', newValue: to };
      json.resource.fields['System.ChangedDate'] = { newValue: iso };
      json.resource.revision.fields['System.CreatedDate'] = created;
      return { json, deliveryId };
    }
    case 'linear': {
      const json = fixture('linear-issue-update.json');
      json.data.identifier = `ENG-${n}`;
      json.data.state = { id: `state-${to}`, name: to, type: undefined };
      json.data.createdAt = created;
      json.data.updatedAt = iso;
      return { json, deliveryId };
    }
    case 'gitlab': {
      const json = fixture('gitlab-issue-hook.json');
      json.object_attributes.iid = n;
      json.object_attributes.created_at = created;
      json.object_attributes.updated_at = iso;
      json.changes.labels = {
        previous: opts.from ? [{ title: `workflow::${opts.from}` }] : [],
        current: [{ title: `workflow::${to}` }],
      };
      return { json, deliveryId };
    }
    case 'generic':
      return {
        json: {
          id: deliveryId,
          item: { id: `G-${n}`, title: `Generic item ${n}`, createdAt: created },
          from: opts.from ?? null,
          to,
          occurredAt: iso,
          teams: [],
        },
        deliveryId,
      };
  }
}

/** Trackers that say when an item is deleted there. */
export const SENDS_DELETIONS = ['jira', 'github', 'linear'] as const;

/**
 * Item `n` deleted at `at`: GitHub's published `issues.deleted`; Jira's `jira:issue_deleted` and Linear's `remove` are
 * their update samples with the event name changed (the same issue object, as Atlassian and Linear document).
 */
export function deletion(
  kind: (typeof SENDS_DELETIONS)[number],
  n: number,
  at: DateTime,
): { json: Record<string, any>; deliveryId: string } {
  const { json, deliveryId } = statusChange(kind, n, 'irrelevant', at);
  switch (kind) {
    case 'jira':
      json.webhookEvent = 'jira:issue_deleted';
      delete json.changelog;
      return { json, deliveryId };
    case 'github': {
      const deleted = github('issues', 'deleted');
      deleted.issue.number = n;
      deleted.issue.created_at = json.issue.created_at;
      deleted.issue.updated_at = at.toUTC().toISO();
      return { json: deleted, deliveryId };
    }
    case 'linear':
      json.action = 'remove';
      return { json, deliveryId };
  }
}

/** Signs `json` as its sender does, at the sender's clock `now` (Linear and Standard Webhooks put it in the request). */
export function signed(
  kind: TrackerKind,
  json: Record<string, any>,
  deliveryId: string,
  secret: string,
  now: DateTime,
): Delivery {
  if (kind === 'linear') json.webhookTimestamp = now.toMillis();
  const body = JSON.stringify(json);
  const base = { 'content-type': 'application/json' };
  switch (kind) {
    case 'jira':
      return {
        body,
        headers: {
          ...base,
          'x-hub-signature': `sha256=${hmacSha256(secret, body, 'hex')}`,
          'x-atlassian-webhook-identifier': deliveryId,
        },
      };
    case 'github':
      return {
        body,
        headers: {
          ...base,
          'x-hub-signature-256': `sha256=${hmacSha256(secret, body, 'hex')}`,
          'x-github-delivery': deliveryId,
          'x-github-event': 'issues',
        },
      };
    case 'azure':
      return {
        body,
        headers: { ...base, authorization: `Basic ${Buffer.from(`nexus-flow:${secret}`).toString('base64')}` },
      };
    case 'linear':
      return {
        body,
        headers: { ...base, 'linear-signature': hmacSha256(secret, body, 'hex'), 'linear-delivery': deliveryId },
      };
    case 'gitlab':
      return {
        body,
        headers: { ...base, 'x-gitlab-token': secret, 'idempotency-key': deliveryId, 'x-gitlab-event': 'Issue Hook' },
      };
    case 'generic':
      return { body, headers: { ...base, ...signGeneric(secret, deliveryId, body, now) } };
  }
}

/** The item key each tracker's status change above names. */
export function itemKey(kind: TrackerKind, n: number): string {
  return {
    jira: `ED-${n}`,
    github: `Codertocat/Hello-World#${n}`,
    azure: `AB#${n}`,
    linear: `ENG-${n}`,
    gitlab: `gitlabhq/gitlab-test#${n}`,
    generic: `G-${n}`,
  }[kind];
}

export async function post(
  baseUrl: string,
  kind: TrackerKind,
  nexusId: string,
  delivery: Delivery,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}/webhooks/${kind}/${nexusId}`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  return { status: res.status, body: await res.json() };
}
