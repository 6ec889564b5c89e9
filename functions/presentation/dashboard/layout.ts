// Lays a state machine's graph out for drawing, top to bottom, with dagre's layered (Sugiyama) layout and
// compound nodes for Map and Parallel groups. Chosen over elkjs, whose bundle alone (1.6 MB minified) is
// larger than the dashboard function's whole budget; dagre with graphlib adds about 70 KB (docs/dashboard.md).
// Labels are wrapped by an estimate of their width (CJK characters a full em, others about half), since
// a Lambda function has no fonts to measure with. Layouts are cached: a definition never changes.

import { createHash } from 'node:crypto';
import dagre from '@dagrejs/dagre';
import { LRUCache } from 'lru-cache';
import type { EdgeKind, Graph, NodeKind } from './graph.ts';

export const FONT_SIZE = 12;
export const LINE_HEIGHT = 15;
const MAX_TEXT_WIDTH = 150;
const PAD_X = 10;
const PAD_Y = 7;
const GROUP_PAD = 14;
const GLYPH = 16;
/** Room below a group's inner states for its title. */
const GROUP_TITLE = 16;

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode {
  id: string;
  kind: NodeKind;
  name: string;
  type: string;
  /** Top-left corner and size. */
  x: number;
  y: number;
  width: number;
  height: number;
  lines: string[];
}

export interface PlacedGroup {
  id: string;
  state: string;
  type: 'Map' | 'Parallel';
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  title?: string;
  points: Point[];
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  groups: PlacedGroup[];
  edges: PlacedEdge[];
}

/** Estimated width of a text at FONT_SIZE: CJK and full-width forms a full em, other characters 0.58 em. */
export function textWidth(text: string): number {
  let em = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    em += code >= 0x2e80 ? 1 : ch === ' ' ? 0.3 : 0.58;
  }
  return em * FONT_SIZE;
}

/** Breaks a label into lines no wider than `max`: at spaces for Latin text, anywhere between CJK characters. */
export function wrapLabel(text: string, max = MAX_TEXT_WIDTH): string[] {
  const tokens = text.match(/[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+/gu) ?? [];
  const lines: string[] = [];
  let line = '';
  for (const token of tokens) {
    if (line && textWidth((line + token).trimEnd()) > max) {
      lines.push(line.trimEnd());
      line = token.trimStart();
    } else {
      line += token;
    }
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines.length > 0 ? lines : [''];
}

function sizeOf(kind: NodeKind, lines: string[]): { width: number; height: number } {
  if (kind === 'start' || kind === 'end') return { width: 22, height: 22 };
  if (kind === 'join') return { width: 12, height: 12 };
  // Room for the status glyph (✓ ▶ ✕) the page puts before the first line.
  const width = Math.max(...lines.map(textWidth), 40) + 2 * PAD_X + GLYPH;
  return { width: Math.ceil(width), height: lines.length * LINE_HEIGHT + 2 * PAD_Y };
}

/** Layouts by graph and labels: a definition never changes, and an instance draws a few dozen. */
const cache = new LRUCache<string, GraphLayout>({ max: 64 });

/** Lays out `graph` with each state's label from `label`. */
export function layoutGraph(graph: Graph, label: (name: string) => string): GraphLayout {
  const labels = graph.nodes.map((n) => (n.kind === 'state' ? label(n.name) : ''));
  const key = createHash('sha256')
    .update(JSON.stringify([graph, labels]))
    .digest('base64url');
  const cached = cache.get(key);
  if (cached) return cached;

  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 18, ranksep: 26, edgesep: 8, marginx: 8, marginy: 8 });
  const lines = new Map<string, string[]>();
  graph.nodes.forEach((node, i) => {
    const wrapped = node.kind === 'state' ? wrapLabel(labels[i] ?? node.name) : [];
    lines.set(node.id, wrapped);
    g.setNode(node.id, sizeOf(node.kind, wrapped));
  });
  for (const group of graph.groups) {
    g.setNode(group.id, { width: 0, height: 0 });
  }
  for (const group of graph.groups) if (group.group) g.setParent(group.id, group.group);
  for (const node of graph.nodes) if (node.group) g.setParent(node.id, node.group);
  graph.edges.forEach((edge, i) => {
    // Catch edges bend around the main flow rather than pulling failure states up beside it.
    g.setEdge(edge.from, edge.to, { weight: edge.kind === 'catch' ? 0 : 2, minlen: 1 }, `e${i}`);
  });
  dagre.layout(g);

  const nodes: PlacedNode[] = graph.nodes.map((node) => {
    const n = g.node(node.id);
    return {
      id: node.id,
      kind: node.kind,
      name: node.name,
      type: node.type,
      x: round((n.x ?? 0) - n.width / 2),
      y: round((n.y ?? 0) - n.height / 2),
      width: n.width,
      height: n.height,
      lines: lines.get(node.id) ?? [],
    };
  });
  const groups: PlacedGroup[] = graph.groups.map((group) => {
    const n = g.node(group.id);
    return {
      id: group.id,
      state: group.state,
      type: group.type,
      x: round((n.x ?? 0) - n.width / 2 - GROUP_PAD / 2),
      y: round((n.y ?? 0) - n.height / 2 - GROUP_PAD / 2),
      width: round(n.width + GROUP_PAD),
      height: round(n.height + GROUP_TITLE + GROUP_PAD / 2),
    };
  });
  const edges: PlacedEdge[] = graph.edges.map((edge, i) => {
    const e = g.edge({ v: edge.from, w: edge.to, name: `e${i}` });
    return {
      from: edge.from,
      to: edge.to,
      kind: edge.kind,
      ...(edge.title ? { title: edge.title } : {}),
      points: ((e?.points ?? []) as Point[]).map((p) => ({ x: round(p.x), y: round(p.y) })),
    };
  });
  // The drawing's extent: dagre's size, widened to anything a group's padding pushed outside it.
  const right = Math.max(
    ...nodes.map((n) => n.x + n.width),
    ...groups.map((gr) => gr.x + gr.width),
    ...edges.flatMap((e) => e.points.map((p) => p.x)),
  );
  const bottom = Math.max(
    ...nodes.map((n) => n.y + n.height),
    ...groups.map((gr) => gr.y + gr.height),
    ...edges.flatMap((e) => e.points.map((p) => p.y)),
  );
  const left = Math.min(
    0,
    ...groups.map((gr) => gr.x),
    ...nodes.map((n) => n.x),
    ...edges.flatMap((e) => e.points.map((p) => p.x)),
  );
  const top = Math.min(
    0,
    ...groups.map((gr) => gr.y),
    ...nodes.map((n) => n.y),
    ...edges.flatMap((e) => e.points.map((p) => p.y)),
  );
  const shift = (v: number, by: number) => round(v - by);
  const layout: GraphLayout = {
    width: Math.ceil(right - left + 8),
    height: Math.ceil(bottom - top + 8),
    nodes: nodes.map((n) => ({ ...n, x: shift(n.x, left), y: shift(n.y, top) })),
    groups: groups.map((gr) => ({ ...gr, x: shift(gr.x, left), y: shift(gr.y, top) })),
    edges: edges.map((e) => ({
      ...e,
      points: e.points.map((p) => ({ x: shift(p.x, left), y: shift(p.y, top) })),
    })),
  };
  cache.set(key, layout);
  return layout;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
