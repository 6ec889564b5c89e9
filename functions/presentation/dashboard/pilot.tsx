// A pilot: where it is in each stage, each of its executions drawn as a graph with what happened, its tasks,
// and one chronological audit trail (tasks, decisions with comments and scores, e-mails, reminders,
// escalations, administrators' actions).
import type { PilotView, StageExecutionView, TaskRow } from '#presentation/dashboard/views.ts';
import {
  PILOT_OUTCOME_LABELS,
  STAGE_NAMES,
  stateLabel,
  TASK_STATUS_LABELS,
} from '#presentation/dashboard/words.ts';
import { formatDateTime, formatDue, type Locale, lt, tr } from '../i18n.ts';
import { PilotDownload } from './downloads.tsx';
import type { AdminFrame } from './frame.ts';
import { GraphSvg } from './graph-svg.tsx';
import { AdminLayout } from './page-layout.tsx';
import { durationText, executionStatusText, GraphDetailLink, GraphLegend, StageTd, Trail } from './parts.tsx';
import { urls } from './urls.ts';

export function TaskTable(props: {
  tasks: TaskRow[];
  locale: Locale;
  timeZone: string;
  showPilot: boolean;
  id: string;
}) {
  const { locale, timeZone } = props;
  if (props.tasks.length === 0) {
    return <p class="muted">{tr(locale, lt('没有任务。', 'No tasks.'))}</p>;
  }
  // The column names, also on each cell: at phone width each row is a card of labelled lines.
  const col = {
    pilot: tr(locale, lt('试点', 'Pilot')),
    stage: tr(locale, lt('阶段', 'Stage')),
    assignees: tr(locale, lt('办理人', 'Assignees')),
    due: tr(locale, lt('截止', 'Due')),
    status: tr(locale, lt('状态', 'Status')),
  };
  return (
    <div class="scroll">
      <table class="grid tasks stack">
        <thead>
          <tr>
            {props.showPilot ? <th scope="col">{col.pilot}</th> : null}
            <th scope="col">{col.stage}</th>
            <th scope="col">{tr(locale, lt('任务', 'Task'))}</th>
            <th scope="col">{col.assignees}</th>
            <th scope="col">{col.due}</th>
            <th scope="col">{col.status}</th>
          </tr>
        </thead>
        <tbody id={props.id} data-live>
          {props.tasks.map((t) => (
            <tr data-task={t.taskId}>
              {props.showPilot ? <td data-label={col.pilot}>{tr(locale, t.pilotName)}</td> : null}
              <td data-label={col.stage}>{tr(locale, t.stageName)}</td>
              <td class="lead">
                <a href={urls.task(t.taskId)}>{t.title}</a>
                <span class="who">{tr(locale, t.step)}</span>
              </td>
              <td data-label={col.assignees}>
                {t.units.map((u) => tr(locale, u.name)).join(locale === 'en' ? ', ' : '、')}
                <span class="who">{t.assignees.map((a) => a.name).join(locale === 'en' ? ', ' : '、')}</span>
              </td>
              <td data-label={col.due}>
                {formatDue(t.dueAt, locale, timeZone)}
                {t.overdueMs > 0 ? (
                  <span class="who overdue">
                    {tr(locale, lt('逾期 ', 'Overdue by '))}
                    {durationText(t.overdueMs, locale)}
                  </span>
                ) : null}
              </td>
              <td data-label={col.status}>
                {tr(locale, TASK_STATUS_LABELS[t.status] ?? lt(t.status, t.status))}
                {t.escalationLevel > 0 ? (
                  <span class="who">
                    {tr(locale, lt('上报级别 ', 'Escalation level '))}
                    {t.escalationLevel}
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ExecutionSection(props: { frame: AdminFrame; view: PilotView; execution: StageExecutionView }) {
  const { frame, execution: e, view } = props;
  const { locale } = frame;
  const id = `graph-${e.stage}`;
  const name = tr(locale, e.name);
  return (
    <section aria-labelledby={`${id}-h`} class="execution" data-stage={e.stage}>
      <h3 id={`${id}-h`}>
        {name}
        {' · '}
        {executionStatusText(e.execution?.status, locale)}
      </h3>
      <div id={`${id}-live`} data-live>
        <p class="muted">
          {e.execution ? (
            <>
              <a href={urls.execution(e.executionArn)}>
                {tr(locale, lt('查看执行与历史', 'Execution and history'))}
              </a>
              {e.execution.startDate
                ? ` · ${tr(locale, lt('开始于 ', 'started '))}${formatDateTime(e.execution.startDate, locale, view.timeZone)}`
                : ''}
              {e.execution.stopDate
                ? ` · ${tr(locale, lt('结束于 ', 'ended '))}${formatDateTime(e.execution.stopDate, locale, view.timeZone)}`
                : ''}
            </>
          ) : (
            tr(
              locale,
              lt('尚未开始：下图为流程定义。', 'Not started: the graph shows the workflow as defined.'),
            )
          )}
        </p>
        {e.current.length > 0 ? (
          <p class="now-states">
            <strong>{tr(locale, lt('当前：', 'Now at: '))}</strong>
            {e.current.map((s) => tr(locale, stateLabel(s))).join(locale === 'en' ? ', ' : '、')}
          </p>
        ) : null}
        {e.graph ? (
          <GraphSvg
            graph={e.graph}
            locale={locale}
            id={id}
            label={`${name}: ${tr(locale, lt('流程图', 'workflow graph'))}`}
          />
        ) : null}
      </div>
    </section>
  );
}

export function PilotPage({ frame, view }: { frame: AdminFrame; view: PilotView }) {
  const { locale } = frame;
  const tz = view.timeZone;
  const p = view.pilot;
  const full = view.executions.some((e) => e.graph?.full);
  return (
    <AdminLayout frame={frame} title={p.name}>
      <p class="muted">
        <a href={urls.overview(view.programme.programmeId)}>{tr(locale, view.programme.title)}</a>
      </p>
      <h1>{tr(locale, p.name)}</h1>
      <PilotDownload programmeId={view.programme.programmeId} pilotId={p.pilotId} locale={locale} />
      <dl class="facts">
        <dt>{tr(locale, lt('类型', 'Type'))}</dt>
        <dd>
          {tr(locale, p.type)} ·{' '}
          {p.level === 'town' ? tr(locale, lt('乡镇', 'town')) : tr(locale, lt('社区', 'community'))}
        </dd>
        {p.town ? (
          <>
            <dt>{tr(locale, lt('所属乡镇', 'Town'))}</dt>
            <dd>{tr(locale, p.town)}</dd>
          </>
        ) : null}
        <dt>{tr(locale, lt('联系人', 'Contacts'))}</dt>
        <dd>
          {p.contacts.map((c, i) => (
            <>
              {i > 0 ? '；' : ''}
              {c.name} <a href={`mailto:${c.email}`}>{c.email}</a>
              {c.phone ? ` ${c.phone}` : ''}
            </>
          ))}
        </dd>
        {p.outcome ? (
          <>
            <dt>{tr(locale, lt('结果', 'Outcome'))}</dt>
            <dd>
              {tr(locale, PILOT_OUTCOME_LABELS[p.outcome] ?? lt('其他', p.outcome))}
              {p.acceptanceScore !== undefined ? ` · ${p.acceptanceScore}` : ''}
            </dd>
          </>
        ) : null}
      </dl>
      <div class="scroll">
        <table class="grid">
          <thead>
            <tr>
              {p.cells.map((c) => (
                <th scope="col">{tr(locale, STAGE_NAMES[c.stage])}</th>
              ))}
            </tr>
          </thead>
          <tbody id="pilot-cells" data-live>
            <tr>
              {p.cells.map((c) => (
                <StageTd cell={c} locale={locale} />
              ))}
            </tr>
          </tbody>
        </table>
      </div>

      <h2>{tr(locale, lt('流程', 'Workflows'))}</h2>
      <GraphLegend locale={locale} />
      <nav class="tabs" aria-label={tr(locale, lt('选择阶段', 'Choose a stage'))}>
        {view.executions.map((e) => (
          <a
            href={urls.pilot(view.programme.programmeId, p.pilotId, full, e.stage)}
            {...(e.stage === view.shown ? { 'aria-current': 'page' } : {})}
          >
            {tr(locale, e.name)}
            <span class="who">{executionStatusText(e.execution?.status, locale)}</span>
          </a>
        ))}
      </nav>
      <GraphDetailLink
        locale={locale}
        full={full}
        href={urls.pilot(view.programme.programmeId, p.pilotId, !full, view.shown)}
      />
      {view.executions
        .filter((e) => e.stage === view.shown)
        .map((e) => (
          <ExecutionSection frame={frame} view={view} execution={e} />
        ))}

      <h2>{tr(locale, lt('任务', 'Tasks'))}</h2>
      <TaskTable tasks={view.tasks} locale={locale} timeZone={tz} showPilot={false} id="pilot-tasks" />

      <h2>{tr(locale, lt('记录', 'Audit trail'))}</h2>
      <div id="pilot-trail" data-live>
        <Trail entries={view.trail} locale={locale} timeZone={tz} id="trail" />
      </div>
    </AdminLayout>
  );
}
