import type { DateTime } from 'luxon';
import type { NewDelivery } from '../../src/store/inbox-repository';

/** `count` Jira deliveries as the webhook handler stores them: items NX-<from>… entering "In Progress" a minute apart. */
export function inProgressDeliveries(nexusId: string, at: DateTime, count: number, from = 0): NewDelivery[] {
  return Array.from({ length: count }, (_, n) => {
    const i = from + n;
    return {
      nexusId,
      kind: 'jira',
      deliveryId: `d-${i}`,
      at,
      change: {
        item: { key: `NX-${i}`, title: `Item ${i}`, url: null, createdAt: at },
        from: null,
        to: { id: null, name: 'In Progress', category: 'indeterminate' },
        at: at.plus({ minutes: i }),
        teamHints: [],
      },
    };
  });
}
