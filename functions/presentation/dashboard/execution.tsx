// Any execution, like the Step Functions console's page but in the programme's words: its graph, what it is
// doing, its history in readable form with each state's input and output (collapsed), and the stop action.

import { machineShortName } from '#domain/executions.ts';
import type { ExecutionView } from '#presentation/dashboard/views.ts';
import { machineLabel, stateLabel } from '#presentation/dashboard/words.ts';
import { formatDateTime, type LocalText, lt, tr } from '../i18n.ts';
import type { AdminFrame } from './frame.ts';
import { GraphSvg } from './graph-svg.tsx';
import { AdminLayout, Csrf } from './page-layout.tsx';
import { executionStatusText, GraphDetailLink, GraphLegend } from './parts.tsx';
import { urls } from './urls.ts';

/** The machine of an execution ARN (`…:execution:PilotFlow-Launch:name` → `Launch`), in words. */
function executionLabel(arn: string): LocalText {
  return machineLabel(machineShortName(arn.split(':')[6] ?? ''));
}

export function ExecutionPage({ frame, view }: { frame: AdminFrame; view: ExecutionView }) {
  const { locale } = frame;
  const tz = view.timeZone;
  const e = view.execution;
  const machine = machineLabel(e.machine);
  const owner = view.pilotName ?? view.programmeTitle;
  const title = owner
    ? lt(`${owner.zh} · ${machine.zh}`, `${owner.en} · ${machine.en}`)
    : lt(`执行：${machine.zh}`, `Execution: ${machine.en}`);
  return (
    <AdminLayout frame={frame} title={title}>
      <h1>{tr(locale, title)}</h1>
      <div id="execution-facts" data-live>
        <dl class="facts">
          <dt>{tr(locale, lt('流程', 'Workflow'))}</dt>
          <dd>{tr(locale, machine)}</dd>
          <dt>{tr(locale, lt('状态', 'Status'))}</dt>
          <dd data-status={e.status}>{executionStatusText(e.status, locale)}</dd>
          {e.startDate ? (
            <>
              <dt>{tr(locale, lt('开始', 'Started'))}</dt>
              <dd>{formatDateTime(e.startDate, locale, tz)}</dd>
            </>
          ) : null}
          {e.stopDate ? (
            <>
              <dt>{tr(locale, lt('结束', 'Ended'))}</dt>
              <dd>{formatDateTime(e.stopDate, locale, tz)}</dd>
            </>
          ) : null}
          {view.programmeId && view.pilotId ? (
            <>
              <dt>{tr(locale, lt('试点', 'Pilot'))}</dt>
              <dd>
                <a href={urls.pilot(view.programmeId, view.pilotId)}>
                  {view.pilotName ? tr(locale, view.pilotName) : tr(locale, lt('试点', 'Pilot'))}
                </a>
              </dd>
            </>
          ) : view.programmeId ? (
            <>
              <dt>{tr(locale, lt('试点工作', 'Programme'))}</dt>
              <dd>
                <a href={urls.overview(view.programmeId)}>
                  {view.programmeTitle
                    ? tr(locale, view.programmeTitle)
                    : tr(locale, lt('试点工作', 'Programme'))}
                </a>
              </dd>
            </>
          ) : null}
          {view.parentArn ? (
            <>
              <dt>{tr(locale, lt('上级流程', 'Started by'))}</dt>
              <dd>
                <a href={urls.execution(view.parentArn)}>{tr(locale, executionLabel(view.parentArn))}</a>
              </dd>
            </>
          ) : null}
        </dl>
        {/* Ids and errors are data in no one's language: behind a toggle, readable without JavaScript. */}
        <details class="raw" id="execution-ids">
          <summary>
            {e.error
              ? tr(locale, lt('技术详情（含错误原因）', 'Technical details (with the error)'))
              : tr(locale, lt('技术详情', 'Technical details'))}
          </summary>
          <dl class="facts">
            {e.error ? (
              <>
                <dt>{tr(locale, lt('错误', 'Error'))}</dt>
                <dd>
                  <code>
                    {e.error}
                    {e.cause ? `: ${e.cause}` : ''}
                  </code>
                </dd>
              </>
            ) : null}
            <dt>{tr(locale, lt('执行名称', 'Execution name'))}</dt>
            <dd>
              <code>{e.name}</code>
            </dd>
            <dt>ARN</dt>
            <dd>
              <code>{e.executionArn}</code>
            </dd>
          </dl>
        </details>
      </div>

      {view.canStop ? (
        <form method="post" action={urls.stop(e.executionArn)} class="action" id="stop-form">
          <h3>{tr(locale, lt('停止此执行', 'Stop this execution'))}</h3>
          <Csrf frame={frame} />
          <label for="stop-reason">{tr(locale, lt('原因（必填）', 'Reason (required)'))}</label>
          <textarea id="stop-reason" name="reason" rows={2} required minLength={2} maxLength={1000} />
          <p class="help">
            {tr(
              locale,
              lt(
                '停止后，此执行中的待办任务将被取消，其链接失效；停止试点流程会把试点记为已停止。',
                'Its open tasks are cancelled and their links stop working; stopping a pilot’s workflow records the pilot as stopped.',
              ),
            )}
          </p>
          <button type="submit" class="btn danger">
            {tr(locale, lt('停止执行', 'Stop the execution'))}
          </button>
        </form>
      ) : null}

      <h2>{tr(locale, lt('流程图', 'Graph'))}</h2>
      <GraphLegend locale={locale} />
      <GraphDetailLink
        locale={locale}
        full={view.graph.full}
        href={urls.execution(e.executionArn, !view.graph.full)}
      />
      <div id="execution-graph" data-live>
        <GraphSvg graph={view.graph} locale={locale} id="graph" label={tr(locale, title)} />
      </div>

      <h2>{tr(locale, lt('输入与输出', 'Input and output'))}</h2>
      <div id="execution-io" data-live>
        {e.input ? (
          <details id="exec-input">
            <summary>{tr(locale, lt('执行输入', 'Execution input'))}</summary>
            <pre>{e.input}</pre>
          </details>
        ) : null}
        {e.output ? (
          <details id="exec-output">
            <summary>{tr(locale, lt('执行输出', 'Execution output'))}</summary>
            <pre>{e.output}</pre>
          </details>
        ) : null}
      </div>

      <h2>{tr(locale, lt('历史', 'History'))}</h2>
      <div id="execution-history" data-live>
        <ol class="trail history">
          {view.history.map((h) => (
            <li class={`tone-${h.tone}`} data-type={h.type}>
              <time datetime={h.at}>
                #{h.id} · {formatDateTime(h.at, locale, tz)}
              </time>
              <strong>{tr(locale, h.title)}</strong>
              {h.state && !tr(locale, h.title).includes(tr(locale, stateLabel(h.state))) ? (
                <span class="who">{tr(locale, stateLabel(h.state))}</span>
              ) : null}
              {h.detail ? <p class="values">{tr(locale, h.detail)}</p> : null}
              {h.executionArn ? (
                <p class="values">
                  <a href={urls.execution(h.executionArn)}>{tr(locale, executionLabel(h.executionArn))}</a>
                </p>
              ) : null}
              {h.raw ? (
                <details class="raw" id={`h${h.id}-raw`}>
                  <summary>{tr(locale, lt('技术详情', 'Technical details'))}</summary>
                  <code>{h.raw}</code>
                </details>
              ) : null}
              {h.input ? (
                <details id={`h${h.id}-in`}>
                  <summary>{tr(locale, lt('输入', 'Input'))}</summary>
                  <pre>{h.input}</pre>
                </details>
              ) : null}
              {h.output ? (
                <details id={`h${h.id}-out`}>
                  <summary>{tr(locale, lt('输出', 'Output'))}</summary>
                  <pre>{h.output}</pre>
                </details>
              ) : null}
            </li>
          ))}
        </ol>
      </div>
    </AdminLayout>
  );
}
