import { MIN_ITEMS_FOR_SLE, type Sle } from '../domain/sle';
import { code } from './blocks';
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
