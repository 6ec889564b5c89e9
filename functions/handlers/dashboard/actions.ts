// The administrators' actions by route key: resend, reassign, stop, each for the admin role only. The middlewares have read the body and
// checked that a browser's post came from one of the dashboard's pages; a page's post answers 303 back to its
// page with a notice, an API client's the result as JSON.
import {
  type ActionDeps,
  ReassignInputSchema,
  ResendInputSchema,
  reassignTask,
  resendLink,
  StopInputSchema,
  stopExecution,
} from '#domain/admin.ts';
import { ValidationError } from '#lib/errors.ts';
import { validate } from '#lib/middleware.ts';
import { loadTask, parseExecutionArn } from '#presentation/dashboard/load.ts';
import { getTask } from '#store/tasks.ts';
import { requireAct } from './access.ts';
import { id } from './pages.ts';
import type { AdminRequest, RouteTable } from './request.ts';
import { frameOf, html, json, redirect } from './respond.ts';

/** The fields of the action, without the form's CSRF token. */
function inputOf(req: AdminRequest): Record<string, string> {
  const { csrf: _csrf, ...input } = req.fields;
  return input;
}

/**
 * The admin role on the task's programme, checked before the action reads anything else: an all-programme
 * admin at once, someone who is admin nowhere (a viewer) without reading the task, anyone else on the task's
 * programme (a missing task is refused here, not answered 404, which would tell it exists elsewhere).
 */
async function requireActOnTask(req: AdminRequest, d: ActionDeps, taskId: string): Promise<void> {
  if (req.access.all === 'admin') return;
  if (!Object.values(req.access.programmes).includes('admin')) return requireAct(req, undefined);
  requireAct(req, (await getTask(d.store, taskId))?.programmeId);
}

/** Resend and reassign: a refused input shows the task page again, with what was typed and what is wrong. */
function taskAction(
  deps: () => ActionDeps,
  action: 'resend' | 'reassign',
  act: (d: ActionDeps, req: AdminRequest, taskId: string, input: Record<string, string>) => Promise<unknown>,
) {
  return {
    access: 'admin' as const,
    async run(req: AdminRequest) {
      const taskId = validate(id, req.params.taskId, 'task id');
      const d = deps();
      await requireActOnTask(req, d, taskId);
      const input = inputOf(req);
      try {
        const result = await act(d, req, taskId, input);
        if (req.json) return json(req, 200, result);
        const done = action === 'resend' ? 'resent' : 'reassigned';
        return redirect(req, `/admin/tasks/${encodeURIComponent(taskId)}?done=${done}`);
      } catch (error) {
        if (!(error instanceof ValidationError) || req.json) throw error;
        const view = await loadTask(d, taskId);
        return html(req, 400, {
          kind: 'task',
          frame: await frameOf(req, view.programme?.programmeId, view.timeZone),
          view,
          errors: Object.fromEntries(error.issues.map((i) => [`${action}.${i.path || 'reason'}`, i.message])),
          input: Object.fromEntries(Object.entries(input).map(([k, v]) => [`${action}.${k}`, v])),
        });
      }
    },
  };
}

export function actionRoutes(deps: () => ActionDeps): RouteTable {
  return {
    'POST /admin/tasks/{taskId}/resend': taskAction(deps, 'resend', (d, req, taskId, input) =>
      resendLink(d, req.admin, taskId, validate(ResendInputSchema, input, 'resend')),
    ),
    'POST /admin/tasks/{taskId}/reassign': taskAction(deps, 'reassign', (d, req, taskId, input) =>
      reassignTask(d, req.admin, taskId, validate(ReassignInputSchema, input, 'reassign')),
    ),
    'POST /admin/executions/{executionArn}/stop': {
      access: 'admin',
      async run(req) {
        requireAct(req, undefined);
        const arn = parseExecutionArn(req.params.executionArn ?? '');
        const input = validate(StopInputSchema, inputOf(req), 'stop');
        const result = await stopExecution(deps(), req.admin, arn, input);
        if (req.json) return json(req, 200, result);
        return redirect(req, `/admin/executions/${encodeURIComponent(arn)}?done=stopped`);
      },
    },
  };
}
