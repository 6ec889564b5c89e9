// The plan a programme runs on, validated and kept per function instance by version: the launched plan is
// version 1, and an amendment (functions/domain/amend.ts) stores the next one. Every read asks which version
// is current (one small consistent read), so a replaced contact gets the next task in every instance at once;
// the plan itself is read once per version and instance. The one plan loader.
import { LRUCache } from 'lru-cache';
import { NotFoundError } from '#lib/errors.ts';
import type { Plan } from '#plan/schema.ts';
import { InvalidPlanError, validatePlan } from '#plan/validate.ts';
import { getPlanHead, getPlanOfVersion } from '#store/plan-versions.ts';
import { getProgrammePlan } from '#store/programmes.ts';
import type { Store } from '#store/store.ts';

/** Plans kept per instance: a dashboard or approval instance serves a few programmes, a sweep every running one. */
const MAX_PLANS = 64;

// Concurrent requests for one plan share one read (fetch dedupes); a failed read is not kept, so the next tries again.
const plans = new LRUCache<string, Plan, Store>({
  max: MAX_PLANS,
  fetchMethod: async (key, _stale, { context: store }) => {
    const [, programmeId = '', v = '1'] = key.split('\n');
    const version = Number(v);
    const raw =
      version === 1
        ? await getProgrammePlan(store, programmeId)
        : await getPlanOfVersion(store, programmeId, version);
    if (raw === undefined) throw new NotFoundError(`programme ${programmeId} was never launched`);
    const result = validatePlan(raw);
    if (!result.ok) throw new InvalidPlanError(`programme ${programmeId}`, result.problems);
    return result.plan;
  },
});

/** The current plan of a programme. NotFoundError if it was never launched; InvalidPlanError if it does not validate. */
export async function loadPlan(store: Store, programmeId: string): Promise<Plan> {
  return (await loadPlanVersion(store, programmeId)).plan;
}

/** The current plan and its version number. */
export async function loadPlanVersion(
  store: Store,
  programmeId: string,
): Promise<{ plan: Plan; version: number }> {
  const version = await getPlanHead(store, programmeId);
  return { plan: await planOfVersion(store, programmeId, version), version };
}

async function planOfVersion(store: Store, programmeId: string, version: number): Promise<Plan> {
  const plan = await plans.fetch(`${store.table}\n${programmeId}\n${version}`, { context: store });
  if (!plan) throw new NotFoundError(`programme ${programmeId} was never launched`);
  return plan;
}

/** The plan, or undefined for a programme that was never launched. */
export function findPlan(store: Store, programmeId: string): Promise<Plan | undefined> {
  return orUndefined(loadPlan(store, programmeId));
}

/**
 * The plan of `version`, the current one as the caller read the plan head just now (getTaskAndPlanHead), or
 * undefined for a programme that was never launched.
 */
export function findPlanOfVersion(
  store: Store,
  programmeId: string,
  version: number,
): Promise<Plan | undefined> {
  return orUndefined(planOfVersion(store, programmeId, version));
}

async function orUndefined(read: Promise<Plan>): Promise<Plan | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
