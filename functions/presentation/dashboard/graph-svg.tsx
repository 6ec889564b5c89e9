// A state machine drawn as SVG from its layout (functions/presentation/dashboard/layout.ts): states as boxes
// coloured and marked by what happened (done ✓, current ▶, failed ✕, not reached: dashed), Map and Parallel
// states as dashed groups, Catch edges dashed red. Every state carries its name and status as text and
// as a <title>, so nothing depends on colour alone; the states the execution is in are also named above.

import { FONT_SIZE, LINE_HEIGHT } from '#presentation/dashboard/layout.ts';
import type { GraphView } from '#presentation/dashboard/views.ts';
import { STATE_STATUS_LABELS, stateLabel } from '#presentation/dashboard/words.ts';
import { type Locale, lt, tr } from '../i18n.ts';
import { STATUS_GLYPHS } from './parts.tsx';

function path(points: Array<{ x: number; y: number }>): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' ');
}

/** The head of an edge's arrow, a marker its path names; `class` colours it (a Catch edge's is red). */
function Arrowhead(props: { id: string; class: string }) {
  return (
    <marker
      id={props.id}
      viewBox="0 0 10 10"
      refX="9"
      refY="5"
      markerWidth="7"
      markerHeight="7"
      orient="auto"
    >
      <path class={props.class} d="M0 0 L10 5 L0 10 z" />
    </marker>
  );
}

export function GraphSvg(props: { graph: GraphView; locale: Locale; id: string; label: string }) {
  const { graph, locale, id } = props;
  const arrow = `${id}-arrow`;
  const arrowCatch = `${id}-arrow-catch`;
  return (
    <div class="scroll">
      <svg
        class="chart graph"
        width={graph.width}
        height={graph.height}
        viewBox={`0 0 ${graph.width} ${graph.height}`}
        role="img"
        aria-labelledby={`${id}-title`}
        id={id}
      >
        <title id={`${id}-title`}>{props.label}</title>
        <defs>
          <Arrowhead id={arrow} class="arrow" />
          <Arrowhead id={arrowCatch} class="arrow-catch" />
        </defs>
        {graph.groups.map((g) => (
          <g class="group">
            <rect x={g.x} y={g.y} width={g.width} height={g.height} rx={8} />
            <text x={g.x + 6} y={g.y + g.height - 5}>
              {g.type === 'Map'
                ? tr(locale, lt('逐项', 'For each item (Map)'))
                : tr(locale, lt('并行', 'In parallel'))}
            </text>
          </g>
        ))}
        {graph.edges.map((e) =>
          e.points.length > 1 ? (
            <g class={`edge edge-${e.kind}`}>
              {e.title ? <title>{e.title}</title> : null}
              <path d={path(e.points)} marker-end={`url(#${e.kind === 'catch' ? arrowCatch : arrow})`} />
            </g>
          ) : null,
        )}
        {graph.nodes.map((n) => {
          if (n.kind === 'start' || n.kind === 'end') {
            const label = n.kind === 'start' ? lt('开始', 'Start') : lt('结束', 'End');
            return (
              <g class="terminal">
                <title>{tr(locale, label)}</title>
                <circle cx={n.x + n.width / 2} cy={n.y + n.height / 2} r={n.width / 2} />
              </g>
            );
          }
          if (n.kind === 'join') {
            return (
              <g class="join">
                <circle cx={n.x + n.width / 2} cy={n.y + n.height / 2} r={n.width / 2 - 1} />
              </g>
            );
          }
          const status = graph.statuses[n.id] ?? 'not-reached';
          const glyph = STATUS_GLYPHS[status] ?? '';
          const name = tr(locale, stateLabel(n.name));
          const top = n.y + (n.height - n.lines.length * LINE_HEIGHT) / 2 + FONT_SIZE;
          return (
            <g class={`node st-${status} type-${n.type}`} data-state={n.name} data-status={status}>
              <title>{`${name} (${n.type}): ${tr(locale, STATE_STATUS_LABELS[status])}`}</title>
              <rect x={n.x} y={n.y} width={n.width} height={n.height} rx={n.type === 'Choice' ? 14 : 4} />
              <text x={n.x + n.width / 2} text-anchor="middle">
                {n.lines.map((line, i) => (
                  <tspan x={n.x + n.width / 2} y={top + i * LINE_HEIGHT - 2}>
                    {i === 0 && glyph ? `${glyph} ${line}` : line}
                  </tspan>
                ))}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
