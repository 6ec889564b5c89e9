// The dashboard's routes as URLs (paths from the API's root; query values encoded). The route list itself is
// in infra/constructs/dashboard.ts; these build the links between pages.
const enc = encodeURIComponent;

function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) q.set(key, value);
  const text = q.toString();
  return text ? `?${text}` : '';
}

export const urls = {
  home: () => '/admin',
  signIn: (back?: string) => `/admin/auth/sign-in${query({ back })}`,
  signOut: () => '/admin/auth/sign-out',
  overview: (programmeId: string) => `/admin/programmes/${enc(programmeId)}`,
  pilot: (programmeId: string, pilotId: string, full?: boolean, stage?: string) =>
    `/admin/programmes/${enc(programmeId)}/pilots/${enc(pilotId)}${query({ stage, graph: full ? 'full' : undefined })}`,
  tasks: (params: Record<string, string | undefined> = {}) => `/admin/tasks${query(params)}`,
  task: (taskId: string) => `/admin/tasks/${enc(taskId)}`,
  resend: (taskId: string) => `/admin/tasks/${enc(taskId)}/resend`,
  reassign: (taskId: string) => `/admin/tasks/${enc(taskId)}/reassign`,
  execution: (arn: string, full?: boolean) => `/admin/executions/${enc(arn)}${full ? '?graph=full' : ''}`,
  stop: (arn: string) => `/admin/executions/${enc(arn)}/stop`,
  newPlan: () => '/admin/plans/new',
  plans: () => '/admin/plans',
  plan: (sha256: string) => `/admin/plans/${enc(sha256)}`,
  launchPlan: (sha256: string) => `/admin/plans/${enc(sha256)}/launch`,
  programmePlan: (programmeId: string) => `/admin/programmes/${enc(programmeId)}/plan`,
  amend: (programmeId: string) => `/admin/programmes/${enc(programmeId)}/plan`,
  due: (taskId: string) => `/admin/tasks/${enc(taskId)}/due`,
  withQuery: (path: string, params: Record<string, string | undefined>) => {
    const [base, existing] = path.split('?', 2) as [string, string | undefined];
    const q = new URLSearchParams(existing ?? '');
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined) q.delete(key);
      else q.set(key, value);
    }
    const text = q.toString();
    return text ? `${base}?${text}` : base;
  },
};
