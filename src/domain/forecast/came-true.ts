/** A "how many" forecast: at least `items` at each confidence. */
export type ItemsForecast = readonly { confidence: number; items: number }[];

/**
 * Whether a "how many" forecast came true at each confidence: as many done as it said, or more ("85%: 7 or more"). A
 * `/forecast by` answer is judged so on its date, a `/forecast sprint` answer on the Sprint's last day.
 */
export function countCameTrue(forecast: ItemsForecast, done: number): Map<number, boolean> {
  return new Map(forecast.map(({ confidence, items }) => [confidence, done >= items]));
}
