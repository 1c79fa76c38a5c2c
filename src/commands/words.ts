/** How replies say how many: "1 PBI", "2 PBIs", "1 day" — never "1 PBIs" or "1 days". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
