import type { Store } from '../store';
import type { NewDelivery, Received } from '../store/inbox-repository';

type Waiting = { delivery: NewDelivery; resolve(received: Received): void; reject(error: unknown): void };

/** Deliveries stored per statement at most: one round trip for a burst, bounded so none waits long. */
const MAX_GROUP = 200;

/**
 * Stores deliveries as they arrive, many per statement: while one insert runs, the next ones gather and go together
 * (group commit). Each request still gets its answer only once its delivery is stored.
 */
export function groupedReceiver(store: Store): (delivery: NewDelivery) => Promise<Received> {
  let gathered: Waiting[] = [];
  let writing = false;

  function write(): void {
    if (writing || !gathered.length) return;
    const group = gathered.splice(0, MAX_GROUP);
    writing = true;
    store.inbox
      .receiveMany(group.map((w) => w.delivery))
      .then(
        (received) => group.forEach((w, i) => w.resolve(received[i])),
        (error: unknown) => group.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        writing = false;
        write();
      });
  }

  return (delivery) =>
    new Promise<Received>((resolve, reject) => {
      gathered.push({ delivery, resolve, reject });
      // the first of a burst waits one turn of the event loop for the others
      if (gathered.length === 1) setImmediate(write);
      else if (gathered.length >= MAX_GROUP) write();
    });
}
