// The plan a programme was launched with, read once per function instance and validated: a launched plan
// never changes, so every use case and page of an instance shares one copy. The one plan loader.
import { LRUCache } from 'lru-cache';
import { NotFoundError } from '#lib/errors.ts';
import type { Plan } from '#plan/schema.ts';
import { InvalidPlanError, validatePlan } from '#plan/validate.ts';
import { getProgrammePlan } from '#store/programmes.ts';
import type { Store } from '#store/store.ts';

/** Plans kept per instance: a dashboard or approval instance serves a few programmes, a sweep every running one. */
const MAX_PLANS = 64;

// Concurrent requests for one plan share one read (fetch dedupes); a failed read is not kept, so the next tries again.
const plans = new LRUCache<string, Plan, Store>({
  max: MAX_PLANS,
  fetchMethod: async (key, _stale, { context: store }) => {
    const programmeId = key.slice(key.indexOf('\n') + 1);
    const raw = await getProgrammePlan(store, programmeId);
    if (raw === undefined) throw new NotFoundError(`programme ${programmeId} was never launched`);
    const result = validatePlan(raw);
    if (!result.ok) throw new InvalidPlanError(`programme ${programmeId}`, result.problems);
    return result.plan;
  },
});

/** The plan a programme was launched with. NotFoundError if it never was; InvalidPlanError if it does not validate. */
export async function loadPlan(store: Store, programmeId: string): Promise<Plan> {
  const plan = await plans.fetch(`${store.table}\n${programmeId}`, { context: store });
  if (!plan) throw new NotFoundError(`programme ${programmeId} was never launched`);
  return plan;
}

/** The plan, or undefined for a programme that was never launched. */
export async function findPlan(store: Store, programmeId: string): Promise<Plan | undefined> {
  try {
    return await loadPlan(store, programmeId);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
