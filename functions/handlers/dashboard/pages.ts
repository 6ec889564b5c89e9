// The dashboard's pages by route key: each loads its view model and answers it as JSON or as the page.
import * as z from 'zod';
import type { ActionDeps } from '#domain/admin.ts';
import { canRead } from '#domain/roles.ts';
import { validate } from '#lib/middleware.ts';
import {
  loadExecution,
  loadOverview,
  loadPilot,
  loadTask,
  loadTasks,
  parseExecutionArn,
} from '#presentation/dashboard/load.ts';
import type { DashboardPage } from '#presentation/dashboard/render.tsx';
import { cookieValue, LANG_COOKIE } from '#presentation/dashboard/session.ts';
import { TASK_FILTER_STATUSES } from '#presentation/dashboard/views.ts';
import { type Locale, parseLocale } from '#presentation/i18n.ts';
import { homeProgramme, requireRead } from './access.ts';
import type { AdminRequest, RouteTable } from './request.ts';
import { frameOf, html, json } from './respond.ts';

export const id = z.string().min(1).max(128);
const optional = z
  .string()
  .max(254)
  .optional()
  .transform((v) => (v ? v : undefined));
const TaskQuerySchema = z.object({
  programme: optional,
  unit: optional,
  pilot: optional,
  stage: optional,
  assignee: optional,
  status: z.enum(TASK_FILTER_STATUSES).catch('open'),
});

type Viewed = { timeZone: string };

/**
 * A page's language: the one the administrator chose (`?lang=`, kept in a cookie), else its programme's plan's
 * (a zh-CN plan's pages in Chinese, an en plan's in English), else Chinese.
 */
export function pageLocale(
  req: Pick<AdminRequest, 'locale' | 'query'> & { event: { cookies?: string[] } },
  view: object,
): Locale {
  const chosen = parseLocale(req.query.lang) ?? parseLocale(cookieValue(req.event.cookies, LANG_COOKIE));
  if (chosen) return chosen;
  return (view as { programme?: { locale?: Locale } }).programme?.locale ?? req.locale;
}
type PageOf<V> = (frame: Awaited<ReturnType<typeof frameOf>>, view: V) => DashboardPage;

/** A page route: the view model as JSON, or the page around it in the frame of its programme. */
function page<V extends Viewed>(
  load: (req: AdminRequest) => Promise<V>,
  programmeOf: (view: V) => string | undefined,
  render: PageOf<V>,
) {
  return {
    access: 'admin' as const,
    async run(req: AdminRequest) {
      const view = await load(req);
      requireRead(req, programmeOf(view));
      if (req.json) return json(req, 200, view);
      const locale = pageLocale(req, view);
      const frame = { ...(await frameOf(req, programmeOf(view), view.timeZone)), locale };
      return html(req, 200, render(frame, view));
    },
  };
}

export function pageRoutes(deps: () => ActionDeps): RouteTable {
  const graph = (req: AdminRequest) => ({ locale: req.locale, full: req.query.graph === 'full' });
  const overview = page(
    async (req) => {
      const view = await loadOverview(
        deps(),
        req.params.programmeId ? validate(id, req.params.programmeId, 'programme id') : homeProgramme(req),
      );
      // The programme switcher lists only what the administrator's groups cover.
      return { ...view, programmes: view.programmes.filter((p) => canRead(req.access, p.programmeId)) };
    },
    (view) => view.programme.programmeId,
    (frame, view) => ({ kind: 'overview', frame, view }),
  );
  return {
    'GET /admin': overview,
    'GET /admin/programmes/{programmeId}': overview,
    'GET /admin/programmes/{programmeId}/pilots/{pilotId}': page(
      (req) =>
        loadPilot(
          deps(),
          validate(id, req.params.programmeId, 'programme id'),
          validate(id, req.params.pilotId, 'pilot id'),
          graph(req),
          req.query.stage,
        ),
      (view) => view.programme.programmeId,
      (frame, view) => ({ kind: 'pilot', frame, view }),
    ),
    'GET /admin/executions/{executionArn}': page(
      (req) => loadExecution(deps(), parseExecutionArn(req.params.executionArn ?? ''), graph(req)),
      (view) => view.programmeId,
      (frame, view) => ({ kind: 'execution', frame, view }),
    ),
    'GET /admin/tasks': page(
      (req) => {
        const filters = validate(TaskQuerySchema, req.query, 'filters');
        return loadTasks(deps(), { ...filters, programme: filters.programme ?? homeProgramme(req) });
      },
      (view) => view.programme.programmeId,
      (frame, view) => ({ kind: 'tasks', frame, view }),
    ),
    'GET /admin/tasks/{taskId}': page(
      (req) => loadTask(deps(), validate(id, req.params.taskId, 'task id')),
      (view) => view.programme?.programmeId,
      (frame, view) => ({ kind: 'task', frame, view }),
    ),
  };
}
