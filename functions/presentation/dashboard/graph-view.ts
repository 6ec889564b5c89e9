// An execution's graph as the pages draw it: the definition laid out in the page's language, each drawn
// state coloured by what happened to it in the execution. Pure (the layout is cached per definition).
import type { Locale } from '../i18n.ts';
import { tr } from '../i18n.ts';
import { type AslDefinition, buildGraph, parseDefinition, simplifyGraph } from './graph.ts';
import { type HistoryEvent, traceStates } from './history.ts';
import { layoutGraph } from './layout.ts';
import type { GraphView } from './views.ts';
import { type StateStatus, stateLabel } from './words.ts';

export interface GraphInput {
  definition: string | AslDefinition;
  /** The execution's history; empty for an execution that has not started. */
  events: HistoryEvent[];
  /** The execution's status (`RUNNING`, …), or `NOT_STARTED`. */
  status: string;
  /** Draw error handling that did not happen too. */
  full: boolean;
  locale: Locale;
}

export function graphView(input: GraphInput): GraphView & { current: string[] } {
  const definition =
    typeof input.definition === 'string' ? parseDefinition(input.definition) : input.definition;
  const traces = traceStates(input.events, input.status);
  const reached = new Set([...traces.keys()]);
  const complete = buildGraph(definition);
  const failed = new Set(
    [...traces.entries()].filter(([, t]) => t.status === 'failed').map(([name]) => name),
  );
  const graph = input.full ? complete : simplifyGraph(complete, definition, reached, failed);
  const layout = layoutGraph(graph, (name) => tr(input.locale, stateLabel(name)));
  const statuses: Record<string, StateStatus> = {};
  for (const node of layout.nodes) {
    if (node.kind !== 'state') continue;
    statuses[node.id] = traces.get(node.name)?.status ?? 'not-reached';
  }
  const current = [...traces.entries()].filter(([, t]) => t.status === 'current').map(([name]) => name);
  return { ...layout, statuses, full: input.full, current };
}
