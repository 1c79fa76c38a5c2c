import { MIN_ITEMS_FOR_SLE, type Sle } from '../domain/sle';
import { code, escape } from './blocks';
import { count } from './words';

/** The SLE as the board, aging and SLE reports state it. */
export function describeSle(sle: Sle): string {
  if (sle.kind === 'not-enough-history') {
    return `SLE: not enough history (${sle.sampleSize} finished in the window; ${MIN_ITEMS_FOR_SLE} needed, or set one with \`/nexus sle ${sle.percentile} <days>\`)`;
  }
  if (sle.serviceClass)
    return `SLE of the class ${code(sle.serviceClass)}: ${sle.percentile}% of its PBIs finish within ${count(sle.days, 'day')} (its own, set by the Nexus)`;
  const how = sle.kind === 'set' ? 'set by the Nexus' : `computed from ${count(sle.sampleSize, 'finished PBI')}`;
  return `SLE: ${sle.percentile}% of PBIs finish within ${count(sle.days, 'day')} (${how})`;
}

/** A team's SLE as the team's reports state it: always computed from its squares done in the window. */
export function describeTeamSle(team: string, sle: Sle): string {
  const name = escape(team);
  if (sle.kind === 'not-enough-history') {
    const done = count(sle.sampleSize, 'square');
    return `SLE of ${name}: not enough history (${done} done in the window; ${MIN_ITEMS_FOR_SLE} needed)`;
  }
  const within = `${sle.percentile}% of its squares done within ${count(sle.days, 'day')}`;
  return `SLE of ${name}: ${within} (computed from ${count(sle.sampleSize, 'done square')})`;
}
