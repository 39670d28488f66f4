/**
 * RECIST 1.1 limits on target lesions: at most 5 in total and at most 2 per
 * organ. All lymph nodes together count as one organ ("lymph nodes").
 */

export const MAX_TARGETS = 5;
export const MAX_TARGETS_PER_ORGAN = 2;
export const NODE_ORGAN = 'lymph nodes';

/** The organ key used for the per-organ limit (case- and space-insensitive). */
export function organKey(target: { organ?: string | undefined; isNode: boolean }): string {
  if (target.isNode) return NODE_ORGAN;
  return (target.organ ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
}

/** @returns one message per violated limit; empty when the selection is allowed. */
export function checkTargetSelection(targets: { id: string; organ?: string | undefined; isNode: boolean }[]): string[] {
  const problems: string[] = [];
  if (targets.length > MAX_TARGETS) {
    problems.push(`${targets.length} target lesions selected (${targets.map((t) => t.id).join(', ')}); RECIST 1.1 allows at most ${MAX_TARGETS}: make the others non-targets`);
  }
  const byOrgan = new Map<string, string[]>();
  for (const t of targets) {
    const key = organKey(t);
    if (!key) {
      problems.push(`target ${t.id} has no organ; the organ is needed for the limit of ${MAX_TARGETS_PER_ORGAN} targets per organ`);
      continue;
    }
    byOrgan.set(key, [...(byOrgan.get(key) ?? []), t.id]);
  }
  for (const [organ, ids] of byOrgan) {
    if (ids.length > MAX_TARGETS_PER_ORGAN) {
      problems.push(`${ids.length} targets in ${organ} (${ids.join(', ')}); RECIST 1.1 allows at most ${MAX_TARGETS_PER_ORGAN} per organ${organ === NODE_ORGAN ? ' (all lymph nodes count as one organ)' : ''}`);
    }
  }
  return problems;
}
