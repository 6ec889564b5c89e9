// The tasks page: open, overdue or escalated tasks of a programme, filtered by unit, pilot, stage and
// assignee (a plain GET form, so filters are links too), latest first.
import type { TasksView } from '#presentation/dashboard/views.ts';
import { lt, tr } from '../i18n.ts';
import type { AdminFrame } from './frame.ts';
import { AdminLayout } from './page-layout.tsx';
import { TaskTable } from './pilot.tsx';
import { urls } from './urls.ts';

export function TasksPage({ frame, view }: { frame: AdminFrame; view: TasksView }) {
  const { locale } = frame;
  const f = view.filters;
  const title = lt('任务', 'Tasks');
  const select = (
    name: string,
    label: ReturnType<typeof lt>,
    value: string | undefined,
    options: Array<{ value: string; label: string }>,
    all: ReturnType<typeof lt>,
  ) => (
    <div>
      <label for={`f-${name}`}>{tr(locale, label)}</label>
      <select id={`f-${name}`} name={name}>
        <option value="">{tr(locale, all)}</option>
        {options.map((o) => (
          <option value={o.value} selected={o.value === value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
  const all = lt('全部', 'All');
  return (
    <AdminLayout frame={frame} title={title}>
      <p class="muted">
        <a href={urls.overview(view.programme.programmeId)}>{tr(locale, view.programme.title)}</a>
      </p>
      <h1>{tr(locale, title)}</h1>
      <form method="get" action={urls.tasks()} class="filters" aria-label={tr(locale, lt('筛选', 'Filters'))}>
        <input type="hidden" name="programme" value={view.programme.programmeId} />
        <div>
          <label for="f-status">{tr(locale, lt('哪些任务', 'Which tasks'))}</label>
          <select id="f-status" name="status">
            {(
              [
                ['open', lt('全部待办', 'All open')],
                ['overdue', lt('逾期', 'Overdue')],
                ['escalated', lt('已上报', 'Escalated')],
              ] as const
            ).map(([value, label]) => (
              <option value={value} selected={f.status === value}>
                {tr(locale, label)}
              </option>
            ))}
          </select>
        </div>
        {select(
          'unit',
          lt('单位', 'Unit'),
          f.unit,
          view.options.units.map((u) => ({ value: u.unitId, label: tr(locale, u.name) })),
          all,
        )}
        {select(
          'pilot',
          lt('试点', 'Pilot'),
          f.pilot,
          view.options.pilots.map((p) => ({ value: p.pilotId, label: tr(locale, p.name) })),
          all,
        )}
        {select(
          'stage',
          lt('阶段', 'Stage'),
          f.stage,
          view.options.stages.map((s) => ({ value: s.stage, label: tr(locale, s.name) })),
          all,
        )}
        {select(
          'assignee',
          lt('办理人', 'Assignee'),
          f.assignee,
          view.options.assignees.map((a) => ({ value: a.email, label: `${a.name} <${a.email}>` })),
          all,
        )}
        <div>
          <button type="submit" class="btn primary">
            {tr(locale, lt('筛选', 'Filter'))}
          </button>
        </div>
      </form>
      <p id="task-counts" data-live>
        {locale === 'en'
          ? `${view.counts.shown} shown · ${view.counts.open} open · ${view.counts.overdue} overdue · ${view.counts.escalated} escalated`
          : `显示 ${view.counts.shown} 项 · 待办 ${view.counts.open} · 逾期 ${view.counts.overdue} · 已上报 ${view.counts.escalated}`}
      </p>
      <TaskTable
        tasks={view.tasks}
        locale={locale}
        timeZone={view.timeZone}
        showPilot={true}
        id="task-list"
      />
    </AdminLayout>
  );
}
