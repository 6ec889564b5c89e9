// The programme overview: the counts, the pilots × stages matrix (who each pilot waits on), and the timeline
// of the plan's windows against each pilot's actual progress.
import type { OverviewView } from '#presentation/dashboard/views.ts';
import { STAGE_NAMES } from '#presentation/dashboard/words.ts';
import { AMEND } from '../amend-words.ts';
import { formatDateTime, lt, tr } from '../i18n.ts';
import { ProgrammeDownloads } from './downloads.tsx';
import type { AdminFrame } from './frame.ts';
import { Gantt } from './gantt.tsx';
import { AdminLayout } from './page-layout.tsx';
import { CellLegend, StageTd } from './parts.tsx';
import { urls } from './urls.ts';

const OUTCOMES: Record<string, ReturnType<typeof lt>> = {
  accepted: lt('通过验收', 'Accepted'),
  failed: lt('未通过', 'Failed'),
  stopped: lt('已停止', 'Stopped'),
};

export function OverviewPage({ frame, view }: { frame: AdminFrame; view: OverviewView }) {
  const { locale } = frame;
  const tz = view.timeZone;
  const id = view.programme.programmeId;
  const c = view.counts;
  const card = (value: number, label: ReturnType<typeof lt>, href: string, warn = false) => (
    <a class={`card${warn && value > 0 ? ' warn' : ''}`} href={href}>
      <strong>{value}</strong>
      {tr(locale, label)}
    </a>
  );
  return (
    <AdminLayout frame={frame} title={view.programme.title}>
      <h1>{tr(locale, view.programme.title)}</h1>
      <p class="muted">
        {tr(locale, lt('启动于 ', 'Launched '))}
        {formatDateTime(view.programme.launchedAt, locale, tz)}
        {' · '}
        <span id="live-at">
          {tr(locale, lt('数据时间 ', 'As of '))}
          {formatDateTime(view.now, locale, tz)}
        </span>
        {view.programme.executionArn ? (
          <>
            {' · '}
            <a href={urls.execution(view.programme.executionArn)}>
              {tr(locale, lt('总流程', 'Programme execution'))}
            </a>
          </>
        ) : null}
        {' · '}
        <a href={urls.programmePlan(id)} id="plan-link">
          {tr(locale, AMEND.link)}
        </a>
      </p>
      {view.programmes.length > 1 ? (
        <nav aria-label={tr(locale, lt('其他试点工作', 'Other programmes'))}>
          <p>
            {tr(locale, lt('其他试点工作：', 'Other programmes: '))}
            {view.programmes
              .filter((p) => p.programmeId !== id)
              .map((p, i) => (
                <>
                  {i > 0 ? ' · ' : ''}
                  <a href={urls.overview(p.programmeId)}>{tr(locale, p.title)}</a>
                </>
              ))}
          </p>
        </nav>
      ) : null}
      <ProgrammeDownloads programmeId={id} locale={locale} />
      <section id="counts" data-live aria-label={tr(locale, lt('概况', 'Summary'))} class="cards">
        {card(c.pilots, lt('个试点', 'pilots'), '#matrix')}
        {card(c.open, lt('项待办', 'open tasks'), urls.tasks({ programme: id }))}
        {card(c.overdue, lt('项逾期', 'overdue'), urls.tasks({ programme: id, status: 'overdue' }), true)}
        {card(
          c.escalated,
          lt('项已上报', 'escalated'),
          urls.tasks({ programme: id, status: 'escalated' }),
          true,
        )}
        {card(c.accepted, lt('个通过验收', 'accepted'), '#matrix')}
        {c.stopped > 0 ? card(c.stopped, lt('个已停止', 'stopped'), '#matrix', true) : null}
      </section>

      <h2 id="matrix-title">{tr(locale, lt('试点 × 阶段', 'Pilots × stages'))}</h2>
      <CellLegend locale={locale} />
      <div class="scroll">
        <table class="grid matrix stack" aria-labelledby="matrix-title">
          <thead>
            <tr>
              <th scope="col">{tr(locale, lt('试点', 'Pilot'))}</th>
              {view.windows.map((w) => (
                <th scope="col">{tr(locale, STAGE_NAMES[w.stage])}</th>
              ))}
              <th scope="col">{tr(locale, lt('结果', 'Outcome'))}</th>
            </tr>
          </thead>
          <tbody id="matrix" data-live>
            {view.pilots.map((p) => (
              <tr data-pilot={p.pilotId}>
                <th scope="row">
                  <a href={urls.pilot(id, p.pilotId)}>{tr(locale, p.name)}</a>
                  <span class="who">{tr(locale, p.type)}</span>
                </th>
                {p.cells.map((cell) => (
                  <StageTd cell={cell} locale={locale} label={tr(locale, STAGE_NAMES[cell.stage])} />
                ))}
                <td data-label={tr(locale, lt('结果', 'Outcome'))}>
                  {p.outcome ? tr(locale, OUTCOMES[p.outcome] ?? lt(p.outcome, p.outcome)) : '—'}
                  {p.acceptanceScore !== undefined ? ` · ${p.acceptanceScore}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>{tr(locale, lt('时间线：计划与实际', 'Timeline: plan and progress'))}</h2>
      <div id="timeline" data-live>
        <Gantt
          windows={view.windows}
          pilots={view.pilots}
          programmeId={id}
          now={view.now}
          locale={locale}
          timeZone={tz}
        />
      </div>
    </AdminLayout>
  );
}
