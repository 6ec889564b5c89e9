// A state machine's definition (Amazon States Language) as a graph to draw: one node per state, Map and
// Parallel states as groups holding their inner states, edges for Next, Choice rules, Default and Catch.
// Pure: no layout here (layout.ts), no execution data (status.ts).
// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html
import * as z from 'zod';

/** The part of a state the graph reads; everything else of the definition is ignored. */
export interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: Array<{ Next?: string; Condition?: string; Variable?: string; [key: string]: unknown }>;
  Catch?: Array<{ ErrorEquals?: string[]; Next?: string }>;
  ItemProcessor?: AslScope;
  Iterator?: AslScope;
  Branches?: AslScope[];
  Resource?: string;
  Timestamp?: string;
  TimestampPath?: string;
  Seconds?: number | string;
  SecondsPath?: string;
  Comment?: string;
}

export interface AslScope {
  StartAt: string;
  States: Record<string, AslState>;
}

export interface AslDefinition extends AslScope {
  Comment?: string;
  QueryLanguage?: string;
}

const scope: z.ZodType<AslScope> = z.lazy(() =>
  z.looseObject({
    StartAt: z.string().min(1),
    States: z.record(
      z.string(),
      z.looseObject({
        Type: z.string(),
        Next: z.string().optional(),
        End: z.boolean().optional(),
        Default: z.string().optional(),
        Choices: z.array(z.looseObject({ Next: z.string().optional() })).optional(),
        Catch: z
          .array(z.looseObject({ ErrorEquals: z.array(z.string()).optional(), Next: z.string().optional() }))
          .optional(),
        ItemProcessor: scope.optional(),
        Iterator: scope.optional(),
        Branches: z.array(scope).optional(),
      }),
    ),
  }),
) as z.ZodType<AslScope>;

/** Parses a definition string (as DescribeStateMachineForExecution returns it). Throws on malformed input. */
export function parseDefinition(text: string): AslDefinition {
  return scope.parse(JSON.parse(text)) as AslDefinition;
}

export type NodeKind = 'state' | 'start' | 'end' | 'join';
export type EdgeKind = 'next' | 'choice' | 'default' | 'catch' | 'branch';

export interface GraphNode {
  /** Unique in the graph: the state name for states (ASL requires names unique in the whole machine). */
  id: string;
  kind: NodeKind;
  /** The state's name (empty for start, end and join nodes). */
  name: string;
  /** The ASL type (`Task`, `Choice`, `Map`…), or the node kind for synthetic nodes. */
  type: string;
  /** The group (a Map or Parallel state's id) the node is drawn in. */
  group?: string;
}

export interface GraphGroup {
  /** `group:<state name>`. */
  id: string;
  /** The Map or Parallel state. */
  state: string;
  type: 'Map' | 'Parallel';
  group?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** The Choice rule's condition or the caught errors, for a tooltip. */
  title?: string;
}

export interface Graph {
  nodes: GraphNode[];
  groups: GraphGroup[];
  edges: GraphEdge[];
}

export const START = '__start__';
export const END = '__end__';
const joinOf = (state: string) => `__join__:${state}`;
export const groupOf = (state: string) => `group:${state}`;

function conditionText(rule: Record<string, unknown>): string | undefined {
  if (typeof rule.Condition === 'string') return rule.Condition.replace(/^\{%\s*|\s*%\}$/g, '');
  if (typeof rule.Variable === 'string') {
    const op = Object.keys(rule).find((k) => !['Variable', 'Next', 'Assign', 'Output'].includes(k));
    return op ? `${rule.Variable} ${op} ${JSON.stringify(rule[op])}` : rule.Variable;
  }
  return undefined;
}

/** The graph of a definition: Start and End nodes at the top level, groups for Map and Parallel states. */
export function buildGraph(definition: AslScope): Graph {
  const graph: Graph = { nodes: [], groups: [], edges: [] };
  const seen = new Set<string>();

  /** Adds a scope's states; returns the node ids whose flow ends there (End, Succeed, Fail). */
  const addScope = (s: AslScope, group: string | undefined): string[] => {
    const terminals: string[] = [];
    for (const [name, state] of Object.entries(s.States)) {
      // A name used twice (invalid ASL, but drawn anyway) gets a suffix rather than merging two states.
      let id = name;
      for (let i = 2; seen.has(id); i++) id = `${name} (${i})`;
      seen.add(id);
      graph.nodes.push({ id, kind: 'state', name, type: state.Type, ...(group ? { group } : {}) });
      const inner = state.ItemProcessor ?? state.Iterator;
      // Edges out of a Map or Parallel leave from its join node, below its inner states.
      let exit = id;
      if ((state.Type === 'Map' && inner) || (state.Type === 'Parallel' && state.Branches)) {
        const gid = groupOf(id);
        graph.groups.push({
          id: gid,
          state: id,
          type: state.Type as 'Map' | 'Parallel',
          ...(group ? { group } : {}),
        });
        graph.nodes[graph.nodes.length - 1]!.group = gid;
        const join = joinOf(id);
        graph.nodes.push({ id: join, kind: 'join', name: '', type: 'join', group: gid });
        for (const branch of inner ? [inner] : (state.Branches ?? [])) {
          const ends = addScope(branch, gid);
          graph.edges.push({ from: id, to: branch.StartAt, kind: 'branch' });
          for (const end of ends) graph.edges.push({ from: end, to: join, kind: 'next' });
        }
        exit = join;
      }
      if (state.Next) graph.edges.push({ from: exit, to: state.Next, kind: 'next' });
      for (const rule of state.Choices ?? []) {
        if (!rule.Next) continue;
        const title = conditionText(rule);
        graph.edges.push({ from: id, to: rule.Next, kind: 'choice', ...(title ? { title } : {}) });
      }
      if (state.Default) graph.edges.push({ from: id, to: state.Default, kind: 'default' });
      for (const c of state.Catch ?? []) {
        if (!c.Next) continue;
        graph.edges.push({
          from: exit,
          to: c.Next,
          kind: 'catch',
          ...(c.ErrorEquals ? { title: c.ErrorEquals.join(', ') } : {}),
        });
      }
      // A Fail state ends the execution at the top level, but inside a group it fails the Map or Parallel
      // (whose Catch takes over), so only top-level Fail states lead to End.
      if (state.End || state.Type === 'Succeed' || (state.Type === 'Fail' && !group)) terminals.push(exit);
    }
    return terminals;
  };

  graph.nodes.push({ id: START, kind: 'start', name: '', type: 'start' });
  graph.edges.push({ from: START, to: definition.StartAt, kind: 'next' });
  const ends = addScope(definition, undefined);
  graph.nodes.push({ id: END, kind: 'end', name: '', type: 'end' });
  for (const end of ends) graph.edges.push({ from: end, to: END, kind: 'next' });
  // Edges to states that do not exist (invalid ASL) are dropped rather than drawn to nowhere.
  const ids = new Set(graph.nodes.map((n) => n.id));
  graph.edges = graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to));
  return graph;
}

/**
 * The graph an administrator reads first: error handling that did not happen is left out (states reached
 * only through a Catch and not reached in this execution, and Catch edges other than those from a state that
 * failed to one that was then reached), and the Pass state that prepares each human task (its Next waits for
 * a task token) is folded into the task. `reached` holds the states this execution entered, `failed` those
 * whose last visit failed.
 */
export function simplifyGraph(
  graph: Graph,
  definition: AslScope,
  reached: ReadonlySet<string>,
  failed: ReadonlySet<string> = new Set(),
): Graph {
  const states = statesOf(definition);
  const mainFlow = new Set<string>();
  const out = new Map<string, GraphEdge[]>();
  for (const edge of graph.edges) {
    if (edge.kind === 'catch') continue;
    out.set(edge.from, [...(out.get(edge.from) ?? []), edge]);
  }
  const stack = [START];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (mainFlow.has(id)) continue;
    mainFlow.add(id);
    for (const edge of out.get(id) ?? []) stack.push(edge.to);
  }
  const hidden = new Set(
    graph.nodes
      .filter((n) => n.kind === 'state' && !mainFlow.has(n.id) && !reached.has(n.id))
      .map((n) => n.id),
  );
  // A join whose group's states are all hidden goes too (a group is never hidden: its state is a node).
  const folded = new Map<string, string>();
  for (const node of graph.nodes) {
    const state = states.get(node.id);
    if (node.kind !== 'state' || state?.Type !== 'Pass' || !state.Next) continue;
    if (states.get(state.Next)?.Resource?.endsWith('.waitForTaskToken')) folded.set(node.id, state.Next);
  }
  const target = (id: string) => folded.get(id) ?? id;
  const edges: GraphEdge[] = [];
  const seenEdges = new Set<string>();
  for (const edge of graph.edges) {
    if (hidden.has(edge.from) || hidden.has(edge.to) || folded.has(edge.from)) continue;
    if (edge.kind === 'catch' && !(failed.has(edge.from) && reached.has(edge.to))) continue;
    const to = target(edge.to);
    const key = `${edge.from}\n${to}\n${edge.kind}`;
    if (seenEdges.has(key)) continue;
    seenEdges.add(key);
    edges.push({ ...edge, to });
  }
  return {
    nodes: graph.nodes.filter((n) => !hidden.has(n.id) && !folded.has(n.id)),
    groups: graph.groups,
    edges,
  };
}

/** Every state of a definition, inner states included, with the scope it is in. */
export function statesOf(definition: AslScope): Map<string, AslState> {
  const out = new Map<string, AslState>();
  const walk = (s: AslScope) => {
    for (const [name, state] of Object.entries(s.States)) {
      out.set(name, state);
      const inner = state.ItemProcessor ?? state.Iterator;
      if (inner) walk(inner);
      for (const branch of state.Branches ?? []) walk(branch);
    }
  };
  walk(definition);
  return out;
}
