// The programme timeline (Gantt) as SVG: the plan's stage windows as bands and a plan row, each pilot's
// actual stages as bars coloured by their state (running, waiting, overdue, done, failed), and today's line.
// Fixed width in a horizontally scrolling box, so text stays legible on a phone.

import { dateOf, startOfDate } from '#plan/time.ts';
import type { PilotRow, StageWindowView } from '#presentation/dashboard/views.ts';
import { formatDateTime, type Locale, lt, tr } from '../i18n.ts';
import { urls } from './urls.ts';

const WIDTH = 960;
const LABEL = 190;
const RIGHT = 12;
const AXIS = 26;
const ROW = 20;
const BAR = 12;
const BAR_STATES = ['done', 'running', 'waiting', 'overdue', 'failed'] as const;

/** First instants of each local month from `start` to `end`. */
function monthStarts(start: number, end: number, timeZone: string): number[] {
  const out: number[] = [];
  let [y, m] = dateOf(new Date(start), timeZone).split('-').map(Number) as [number, number];
  for (let i = 0; i < 240; i++) {
    const at = startOfDate(`${y}-${String(m).padStart(2, '0')}-01`, timeZone).getTime();
    if (at > end) break;
    if (at >= start) out.push(at);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

export function Gantt(props: {
  windows: StageWindowView[];
  pilots: PilotRow[];
  programmeId: string;
  now: string;
  locale: Locale;
  timeZone: string;
}) {
  const { windows, pilots, locale, timeZone } = props;
  if (windows.length === 0) return null;
  const start = Math.min(...windows.map((w) => Date.parse(w.start)));
  const end = Math.max(...windows.map((w) => Date.parse(w.end)));
  const span = Math.max(end - start, 1);
  const x = (t: number) =>
    LABEL + ((Math.min(Math.max(t, start), end) - start) / span) * (WIDTH - LABEL - RIGHT);
  const now = Date.parse(props.now);
  const top = AXIS;
  const planY = top;
  const rowsY = top + ROW + 6;
  const height = rowsY + pilots.length * ROW + 20;
  const months = monthStarts(start, end, timeZone);
  const monthLabel = (t: number) => {
    const [yy, mm] = dateOf(new Date(t), timeZone).split('-') as [string, string];
    return locale === 'en' ? `${yy}-${mm}` : `${Number(mm)}月`;
  };
  const title = tr(locale, lt('试点进度时间线', 'Timeline of the pilots'));
  return (
    <div class="scroll">
      <svg
        class="chart gantt"
        width={WIDTH}
        height={height}
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-labelledby="gantt-title"
      >
        <title id="gantt-title">{title}</title>
        {windows.map((w) => (
          <rect
            class={`band-${w.stage}`}
            x={x(Date.parse(w.start))}
            y={top}
            width={Math.max(Math.round((x(Date.parse(w.end)) - x(Date.parse(w.start))) * 10) / 10, 1)}
            height={height - top}
          />
        ))}
        {months.map((t) => (
          <g>
            <line class="grid-line" x1={x(t)} x2={x(t)} y1={top - 6} y2={height} />
            <text class="axis" x={x(t) + 3} y={top - 10}>
              {monthLabel(t)}
            </text>
          </g>
        ))}
        <text class="row-label" x={4} y={planY + ROW / 2 + 4}>
          {tr(locale, lt('计划', 'Plan'))}
        </text>
        {windows.map((w) => {
          const x1 = x(Date.parse(w.start));
          const x2 = x(Date.parse(w.end));
          return (
            <g>
              <title>{`${tr(locale, w.name)}: ${formatDateTime(w.start, locale, timeZone)} – ${formatDateTime(w.end, locale, timeZone)}`}</title>
              <rect
                class="plan-bar"
                x={x1}
                y={planY + (ROW - 16) / 2}
                width={Math.max(x2 - x1, 2)}
                height={16}
                rx={3}
              />
              <text class="plan-label" x={x1 + 4} y={planY + ROW / 2 + 4}>
                {tr(locale, w.name)}
              </text>
            </g>
          );
        })}
        {pilots.map((p, i) => {
          const name = tr(locale, p.name);
          return (
            <a href={urls.pilot(props.programmeId, p.pilotId)}>
              <text class="row-label" x={4} y={rowsY + i * ROW + ROW / 2 + 4}>
                {name.length > 14 ? `${name.slice(0, 13)}…` : name}
              </text>
            </a>
          );
        })}
        {/* One path per state for all bars: a 1,000-pilot timeline stays a few elements, not thousands. */}
        {BAR_STATES.map((state) => {
          const d = pilots
            .flatMap((p, i) =>
              p.cells.flatMap((c) => {
                if (c.state !== state || !c.startedAt) return [];
                const x1 = x(Date.parse(c.startedAt));
                const w = Math.max(
                  Math.round((x(c.endedAt ? Date.parse(c.endedAt) : now) - x1) * 10) / 10,
                  3,
                );
                return [`M${x1} ${rowsY + i * ROW + (ROW - BAR) / 2}h${w}v${BAR}h${-w}z`];
              }),
            )
            .join('');
          return d ? <path class={`bar-${state}`} d={d} /> : null;
        })}
        {now >= start && now <= end ? (
          <g>
            <line class="today" x1={x(now)} x2={x(now)} y1={top - 4} y2={height} />
            <text class="today-label" x={x(now) + 3} y={height - 5}>
              {tr(locale, lt('今天', 'Today'))}
            </text>
          </g>
        ) : null}
      </svg>
    </div>
  );
}
