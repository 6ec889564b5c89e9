// The dashboard's state machine graphs: a definition becomes nodes, groups and edges; the simple view leaves
// out error handling that did not happen; the layout places every state without overlaps.
import { describe, expect, it } from 'vitest';
import {
  type AslDefinition,
  buildGraph,
  END,
  groupOf,
  parseDefinition,
  START,
  simplifyGraph,
} from '#presentation/dashboard/graph.ts';
import { layoutGraph, textWidth, wrapLabel } from '#presentation/dashboard/layout.ts';
import { stateLabel } from '#presentation/dashboard/words.ts';

const TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const LAMBDA = 'arn:aws:states:::lambda:invoke';

/** A small machine with the shapes PilotFlow's machines use: a human task, a countersign Map, a Choice. */
const machine: AslDefinition = {
  StartAt: 'Wait for the window',
  States: {
    'Wait for the window': { Type: 'Wait', Seconds: 60, Next: 'New task: Review' },
    'New task: Review': { Type: 'Pass', Next: 'Review' },
    Review: {
      Type: 'Task',
      Resource: TOKEN,
      Next: 'Approved?',
      Catch: [
        { ErrorEquals: ['States.Timeout'], Next: 'Report the stalled task: Review' },
        { ErrorEquals: ['States.ALL'], Next: 'Notify the lead unit of the failure' },
      ],
    },
    'Report the stalled task: Review': { Type: 'Task', Resource: LAMBDA, Next: 'Stalled: Review' },
    'Stalled: Review': { Type: 'Fail' },
    'Approved?': {
      Type: 'Choice',
      Choices: [{ Condition: "{% $states.input.outcome = 'approve' %}", Next: 'Sign' }],
      Default: 'New task: Review',
    },
    Sign: {
      Type: 'Map',
      ItemProcessor: {
        StartAt: 'Sign one',
        States: {
          'Sign one': {
            Type: 'Task',
            Resource: TOKEN,
            End: true,
            Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Stalled: Sign one' }],
          },
          'Stalled: Sign one': { Type: 'Fail' },
        },
      },
      Next: 'In parallel',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Notify the lead unit of the failure' }],
    },
    'In parallel': {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Left', States: { Left: { Type: 'Pass', End: true } } },
        { StartAt: 'Right', States: { Right: { Type: 'Pass', End: true } } },
      ],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
    'Notify the lead unit of the failure': { Type: 'Task', Resource: LAMBDA, Next: 'Stopped' },
    Stopped: { Type: 'Fail' },
  },
};

const edgesOf = (g: ReturnType<typeof buildGraph>) => g.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`);

describe('building a graph from a definition', () => {
  it('has a node per state, inner states included, between Start and End', () => {
    const g = buildGraph(machine);
    const states = g.nodes.filter((n) => n.kind === 'state').map((n) => n.name);
    expect(states.sort()).toEqual(
      [...Object.keys(machine.States), 'Sign one', 'Stalled: Sign one', 'Left', 'Right'].sort(),
    );
    expect(edgesOf(g)).toContain(`${START} -next-> Wait for the window`);
    expect(edgesOf(g)).toContain(`Done -next-> ${END}`);
    expect(edgesOf(g)).toContain(`Stopped -next-> ${END}`);
  });

  it('draws Map and Parallel states as groups whose inner flows meet at a join before going on', () => {
    const g = buildGraph(machine);
    expect(g.groups.map((gr) => [gr.state, gr.type])).toEqual([
      ['Sign', 'Map'],
      ['In parallel', 'Parallel'],
    ]);
    expect(g.nodes.find((n) => n.id === 'Sign one')?.group).toBe(groupOf('Sign'));
    expect(edgesOf(g)).toEqual(
      expect.arrayContaining([
        'Sign -branch-> Sign one',
        'Sign one -next-> __join__:Sign',
        '__join__:Sign -next-> In parallel',
        '__join__:Sign -catch-> Notify the lead unit of the failure',
        'In parallel -branch-> Left',
        'In parallel -branch-> Right',
        '__join__:In parallel -next-> Done',
      ]),
    );
  });

  it('lets a Fail state inside a Map fail the Map rather than end the execution', () => {
    const g = buildGraph(machine);
    expect(edgesOf(g).filter((e) => e.startsWith('Stalled: Sign one'))).toEqual([]);
  });

  it('labels Choice rules with their condition and Catch edges with their errors', () => {
    const g = buildGraph(machine);
    expect(g.edges.find((e) => e.from === 'Approved?' && e.kind === 'choice')?.title).toBe(
      "$states.input.outcome = 'approve'",
    );
    expect(g.edges.find((e) => e.from === 'Approved?' && e.kind === 'default')?.to).toBe('New task: Review');
    expect(
      g.edges.find((e) => e.from === 'Review' && e.to === 'Report the stalled task: Review')?.title,
    ).toBe('States.Timeout');
  });

  it('refuses a definition that is not a state machine', () => {
    expect(() => parseDefinition('{"States": {}}')).toThrow();
    expect(() => parseDefinition('not json')).toThrow();
  });
});

describe('the simple view', () => {
  it('leaves out error handling that was not reached and folds the Pass that prepares a human task', () => {
    const g = simplifyGraph(buildGraph(machine), machine, new Set(['Wait for the window']));
    const names = g.nodes.filter((n) => n.kind === 'state').map((n) => n.name);
    expect(names).not.toContain('Report the stalled task: Review');
    expect(names).not.toContain('Stalled: Review');
    expect(names).not.toContain('Notify the lead unit of the failure');
    expect(names).not.toContain('Stalled: Sign one');
    expect(names).not.toContain('New task: Review');
    expect(edgesOf(g)).toContain('Wait for the window -next-> Review');
    expect(edgesOf(g)).toContain('Approved? -default-> Review');
    expect(g.edges.some((e) => e.kind === 'catch')).toBe(false);
  });

  it('keeps error handling that happened, with the Catch edge from the state that failed', () => {
    const reached = new Set([
      'Wait for the window',
      'Review',
      'Notify the lead unit of the failure',
      'Stopped',
    ]);
    const g = simplifyGraph(buildGraph(machine), machine, reached, new Set(['Review']));
    expect(edgesOf(g)).toContain('Review -catch-> Notify the lead unit of the failure');
    expect(edgesOf(g)).not.toContain('__join__:Sign -catch-> Notify the lead unit of the failure');
    expect(g.nodes.map((n) => n.name)).toContain('Stopped');
  });
});

describe('laying a graph out', () => {
  it('places every node inside the drawing without two states overlapping', () => {
    const layout = layoutGraph(buildGraph(machine), (name) => stateLabel(name).zh);
    for (const n of layout.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.y).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
      expect(n.y + n.height).toBeLessThanOrEqual(layout.height);
    }
    const states = layout.nodes.filter((n) => n.kind === 'state');
    for (const a of states) {
      for (const b of states) {
        if (a === b) continue;
        const apart =
          a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.name} overlaps ${b.name}`).toBe(true);
      }
    }
  });

  it('draws each group around its inner states and routes every edge', () => {
    const layout = layoutGraph(buildGraph(machine), (name) => name);
    const group = layout.groups.find((g) => g.state === 'Sign');
    const inner = layout.nodes.find((n) => n.name === 'Sign one');
    expect(group && inner).toBeTruthy();
    expect(inner!.x).toBeGreaterThanOrEqual(group!.x);
    expect(inner!.x + inner!.width).toBeLessThanOrEqual(group!.x + group!.width);
    expect(inner!.y).toBeGreaterThanOrEqual(group!.y);
    expect(layout.edges.every((e) => e.points.length >= 2)).toBe(true);
  });

  it('gives the same layout for the same graph and labels', () => {
    const g = buildGraph(machine);
    expect(layoutGraph(g, (n) => n)).toBe(layoutGraph(g, (n) => n));
  });

  it('wraps long labels at spaces in Latin text and between characters in Chinese', () => {
    const latin = wrapLabel('Report the stalled task: Acceptance by one member of the working group', 150);
    expect(latin.length).toBeGreaterThan(1);
    expect(latin.every((line) => textWidth(line) <= 150)).toBe(true);
    expect(latin.join(' ')).toBe('Report the stalled task: Acceptance by one member of the working group');
    const chinese = wrapLabel('报告超时任务：验收工作组成员验收（或签）', 150);
    expect(chinese.length).toBeGreaterThan(1);
    expect(chinese.join('')).toBe('报告超时任务：验收工作组成员验收（或签）');
  });
});

describe("the states' names in Chinese", () => {
  it('translates the workflows’ state names, generated ones included, and keeps unknown names', () => {
    expect(stateLabel('Review the implementation plan')).toEqual({
      zh: '审核实施方案',
      en: 'Review the implementation plan',
    });
    expect(stateLabel('Stalled: Rectify the problems').zh).toBe('超时停止：整改');
    expect(stateLabel('Something new').zh).toBe('Something new');
  });
});
