// Small pieces the dashboard's pages share: a matrix cell, legends, times and lateness, the status notice.
import type { StageCell, TrailEntry } from '#presentation/dashboard/views.ts';
import {
  CELL_LABELS,
  CELL_STATES,
  type CellState,
  EXECUTION_STATUS_LABELS,
  STATE_STATUS_LABELS,
  STATE_STATUSES,
} from '#presentation/dashboard/words.ts';
import { formatDateTime, type Locale, type LocalText, lt, tr } from '../i18n.ts';
import { urls } from './urls.ts';

export const CELL_GLYPHS: Record<CellState, string> = {
  'not-started': '○',
  running: '▶',
  waiting: '◐',
  overdue: '!',
  done: '✓',
  failed: '✕',
};

export const STATUS_GLYPHS: Record<string, string> = {
  done: '✓',
  current: '▶',
  failed: '✕',
  'not-reached': '',
};

export function Time(props: { iso: string | undefined; locale: Locale; timeZone: string }) {
  if (!props.iso) return null;
  return <time datetime={props.iso}>{formatDateTime(props.iso, props.locale, props.timeZone)}</time>;
}

/** "3 天 4 小时" / "3 days 4 hours": how long, to the hour. */
export function durationText(ms: number, locale: Locale): string {
  const hours = Math.floor(ms / 3_600_000);
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  if (locale === 'en') {
    const d = days > 0 ? `${days} day${days === 1 ? '' : 's'}` : '';
    const h = rest > 0 || days === 0 ? `${rest} hour${rest === 1 ? '' : 's'}` : '';
    return [d, h].filter(Boolean).join(' ');
  }
  return [days > 0 ? `${days} 天` : '', rest > 0 || days === 0 ? `${rest} 小时` : '']
    .filter(Boolean)
    .join(' ');
}

/**
 * A matrix cell as a table cell coloured by its state, with its glyph and label (linked to the stage's
 * execution) and whom it waits on. Kept to a few elements: the overview has one per pilot and stage.
 */
export function StageTd(props: { cell: StageCell; locale: Locale; label?: string }) {
  const { cell, locale } = props;
  const label = `${CELL_GLYPHS[cell.state]} ${tr(locale, CELL_LABELS[cell.state])}`;
  return (
    <td
      class={`sc cell-${cell.state}`}
      data-stage={cell.stage}
      data-state={cell.state}
      {...(props.label ? { 'data-label': props.label } : {})}
    >
      {cell.executionArn ? <a href={urls.execution(cell.executionArn)}>{label}</a> : label}
      {cell.waitingOn.length > 0 || cell.openTasks > 0 ? (
        <span class="who">
          {cell.waitingOn.length > 0
            ? `${tr(locale, lt('等待：', 'Waiting on: '))}${cell.waitingOn.map((u) => tr(locale, u.name)).join(locale === 'en' ? ', ' : '、')} · `
            : ''}
          {locale === 'en'
            ? `${cell.openTasks} open${cell.overdueTasks ? `, ${cell.overdueTasks} overdue` : ''}${cell.escalatedTasks ? `, ${cell.escalatedTasks} escalated` : ''}`
            : `待办 ${cell.openTasks}${cell.overdueTasks ? `，逾期 ${cell.overdueTasks}` : ''}${cell.escalatedTasks ? `，已上报 ${cell.escalatedTasks}` : ''}`}
        </span>
      ) : null}
    </td>
  );
}

export function CellLegend({ locale }: { locale: Locale }) {
  return (
    <ul class="legend" aria-label={tr(locale, lt('图例', 'Legend'))}>
      {CELL_STATES.map((state) => (
        <li>
          <span class={`cell cell-${state}`}>
            {CELL_GLYPHS[state]} {tr(locale, CELL_LABELS[state])}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The link between a graph of the main steps and one of every step (error and timeout handling too). */
export function GraphDetailLink(props: { locale: Locale; full: boolean; href: string }) {
  const { locale, full } = props;
  return (
    <p>
      <a href={props.href}>
        {full
          ? tr(locale, lt('只显示主要步骤', 'Show the main steps only'))
          : tr(
              locale,
              lt('显示全部步骤（含出错和超时处理）', 'Show every step (error and timeout handling too)'),
            )}
      </a>
    </p>
  );
}

export function GraphLegend({ locale }: { locale: Locale }) {
  return (
    <ul class="legend" aria-label={tr(locale, lt('图例', 'Legend'))}>
      {STATE_STATUSES.map((status) => (
        <li>
          <span class={`swatch st-${status}`} aria-hidden="true" />
          {STATUS_GLYPHS[status] ? `${STATUS_GLYPHS[status]} ` : ''}
          {tr(locale, STATE_STATUS_LABELS[status])}
        </li>
      ))}
      <li>
        <svg width="28" height="10" aria-hidden="true" class="chart">
          <g class="edge edge-catch">
            <path d="M1 5 H27" />
          </g>
        </svg>
        {tr(locale, lt('出错时', 'On error (Catch)'))}
      </li>
    </ul>
  );
}

export function executionStatusText(status: string | undefined, locale: Locale): string {
  if (!status) return tr(locale, EXECUTION_STATUS_LABELS.NOT_STARTED as LocalText);
  return tr(locale, EXECUTION_STATUS_LABELS[status] ?? lt(status, status));
}

export function Notice(props: { tone: 'ok' | 'warn' | 'stop' | 'info'; children: preact.ComponentChildren }) {
  return (
    <div class={`status ${props.tone === 'info' ? '' : props.tone}`} role="status">
      <div>{props.children}</div>
    </div>
  );
}

/** An audit trail, oldest first. */
export function Trail(props: { entries: TrailEntry[]; locale: Locale; timeZone: string; id: string }) {
  const { locale, timeZone } = props;
  if (props.entries.length === 0) {
    return <p class="muted">{tr(locale, lt('还没有记录。', 'Nothing recorded yet.'))}</p>;
  }
  return (
    <ol class="trail" id={props.id}>
      {props.entries.map((e) => {
        const tone =
          e.action.startsWith('escalation.') ||
          e.action.startsWith('reminder.') ||
          e.action.startsWith('task.re')
            ? 'warn'
            : /failed|refused|cancelled|timed-out|stopped/.test(e.action)
              ? 'stop'
              : e.action === 'decision.recorded' || e.action === 'stage.completed'
                ? 'ok'
                : 'info';
        return (
          <li class={`tone-${tone}`} data-action={e.action}>
            <time datetime={e.at}>{formatDateTime(e.at, locale, timeZone)}</time>
            <strong>{tr(locale, e.label)}</strong>
            {e.outcome ? `：${tr(locale, e.outcome)}` : ''}{' '}
            {e.text && tr(locale, e.text) ? <span class="muted">{tr(locale, e.text)}</span> : null}
            <span class="who">
              {tr(locale, lt('操作者：', 'By: '))}
              {tr(locale, e.by)}

              {e.taskId ? (
                <>
                  {' · '}
                  <a href={urls.task(e.taskId)}>{e.taskTitle ?? tr(locale, lt('任务', 'task'))}</a>
                </>
              ) : null}
              {e.executionArn ? (
                <>
                  {' · '}
                  <a href={urls.execution(e.executionArn)}>{tr(locale, lt('执行', 'execution'))}</a>
                </>
              ) : null}
            </span>
            {e.client ? (
              // The network and browser as the request gave them: data, behind a toggle.
              <details class="raw">
                <summary>{tr(locale, lt('来源（网络与浏览器）', 'From (network and browser)'))}</summary>
                <code>{e.client}</code>
              </details>
            ) : null}
            {e.raw ? (
              <details class="raw">
                <summary>{tr(locale, lt('技术详情', 'Technical details'))}</summary>
                <code>{e.raw}</code>
              </details>
            ) : null}
            {e.comment ? <blockquote class="quote">{e.comment}</blockquote> : null}
            {e.reason ? (
              <p class="values">
                {tr(locale, lt('原因：', 'Reason: '))}
                {e.reason}
              </p>
            ) : null}
            {e.values ? (
              <dl class="facts values">
                {e.values.map((v) => (
                  <>
                    <dt>{tr(locale, v.label)}</dt>
                    <dd>{tr(locale, v.value)}</dd>
                  </>
                ))}
              </dl>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
