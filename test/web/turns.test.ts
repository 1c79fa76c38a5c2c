import { nexusTurns, PAGES_AT_ONCE_PER_NEXUS, WAITING_PER_NEXUS } from '../../src/web/turns';

test('a Nexus draws 2 pages at once, 16 more wait their turn in order, and the next is refused', async () => {
  const turns = nexusTurns();
  const order: number[] = [];
  const now = await Promise.all(Array.from({ length: PAGES_AT_ONCE_PER_NEXUS }, () => turns.take('N1')));
  expect(now).toEqual([true, true]);
  const waiting = Array.from({ length: WAITING_PER_NEXUS }, (_, i) =>
    turns.take('N1').then((ok) => order.push(i) && ok),
  );
  expect(await turns.take('N1')).toBe(false); // the 19th: 429
  expect(await turns.take('N2')).toBe(true); // another Nexus is not queued behind it
  turns.release('N2');
  await new Promise((r) => setImmediate(r));
  expect(order).toEqual([]); // nobody's turn until one ends
  for (let i = 0; i < PAGES_AT_ONCE_PER_NEXUS + WAITING_PER_NEXUS; i++) turns.release('N1');
  expect(await Promise.all(waiting)).toEqual(Array(WAITING_PER_NEXUS).fill(true));
  expect(order).toEqual([...Array(WAITING_PER_NEXUS).keys()]); // first come, first drawn
  expect(turns.busy()).toBe(0); // nothing kept once all are done
});
