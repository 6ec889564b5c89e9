// What an administrator may do, from their identity provider groups (Cognito's `cognito:groups` claim):
//   admin              every action on every programme
//   viewer             reads every programme, acts on none
//   admin:<programme>  every action on that programme (and reads it)
//   viewer:<programme> reads that programme
// so that one stack can serve a province's counties, each seeing its own programmes. Anyone in none of these
// groups may sign in but sees nothing. Groups are created with `aws cognito-idp create-group` (README).

export type Role = 'admin' | 'viewer';

export interface Access {
  /** The role on every programme, if any. */
  all?: Role;
  /** Roles on single programmes. */
  programmes: Record<string, Role>;
}

const GROUP = /^(admin|viewer)(?::([A-Za-z0-9][A-Za-z0-9_-]{0,63}))?$/;

const stronger = (a: Role | undefined, b: Role): Role => (a === 'admin' || b === 'admin' ? 'admin' : b);

/** The access the groups give; unknown groups give nothing. */
export function accessOf(groups: readonly string[]): Access {
  const access: Access = { programmes: {} };
  for (const group of groups) {
    const match = GROUP.exec(group.trim());
    if (!match) continue;
    const role = match[1] as Role;
    const programme = match[2];
    if (programme) access.programmes[programme] = stronger(access.programmes[programme], role);
    else access.all = stronger(access.all, role);
  }
  return access;
}

/** The role on one programme (the stronger of the all-programmes one and its own). */
export function roleOn(access: Access, programmeId: string | undefined): Role | undefined {
  const own =
    programmeId && Object.hasOwn(access.programmes, programmeId) ? access.programmes[programmeId] : undefined;
  if (access.all && own) return stronger(access.all, own);
  return access.all ?? own;
}

export const canRead = (access: Access, programmeId: string | undefined): boolean =>
  roleOn(access, programmeId) !== undefined;

export const canAct = (access: Access, programmeId: string | undefined): boolean =>
  roleOn(access, programmeId) === 'admin';

/** Whether the groups allow acting on some programme: launching a plan (its own id checked once it is read). */
export const mayLaunch = (access: Access | undefined): boolean =>
  access?.all === 'admin' || Object.values(access?.programmes ?? {}).includes('admin');

/** Whether the groups allow anything at all (else the dashboard shows only "no access"). */
export const hasAnyRole = (access: Access): boolean =>
  access.all !== undefined || Object.keys(access.programmes).length > 0;

/**
 * The groups as the claim carries them: a JSON array (the ID token, the authorizer's context) or API Gateway's
 * `[a b]` rendering of an array claim.
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  if (typeof value !== 'string' || !value.trim()) return [];
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.filter((g): g is string => typeof g === 'string');
    } catch {
      return text.slice(1, -1).split(/\s+/).filter(Boolean);
    }
  }
  return text.split(/[\s,]+/).filter(Boolean);
}
