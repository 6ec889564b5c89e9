// The dashboard's view models: plain JSON-ready data that the domain builds (from the store and the Step
// Functions API) and the pages render. The JSON API (`Accept: application/json`) answers exactly these.
import type { DownloadableFile } from '#domain/evidence.ts';
import type { StageName } from '#plan/kinds.ts';
import type { Person } from '#store/tasks.ts';
import type { LocalText } from '../i18n.ts';
import type { HistoryEntry } from './history.ts';
import type { GraphLayout } from './layout.ts';
import type { CellState, StateStatus } from './words.ts';

export interface ProgrammeRef {
  programmeId: string;
  title: LocalText;
  /** The plan's language: the pages' unless the administrator chose another. */
  locale?: 'zh-CN' | 'en';
  status: string;
  launchedAt: string;
  executionArn?: string;
}

export interface UnitRef {
  unitId: string;
  name: LocalText;
}

/** One cell of the pilots × stages matrix, and the pilot's bar of that stage in the timeline. */
export interface StageCell {
  stage: StageName;
  state: CellState;
  /** When the stage actually started (absent until it did). */
  startedAt?: string;
  /** When it ended (done or failed). */
  endedAt?: string;
  /** The units whose open tasks the stage waits on. */
  waitingOn: UnitRef[];
  openTasks: number;
  overdueTasks: number;
  escalatedTasks: number;
  /** The stage's execution, once it has one. */
  executionArn?: string;
  /** The step last recorded for the stage, in the workflow's words. */
  step?: string;
}

export interface PilotRow {
  pilotId: string;
  name: LocalText;
  level: 'town' | 'community';
  type: LocalText;
  outcome?: string;
  acceptanceScore?: number;
  cells: StageCell[];
}

export interface StageWindowView {
  stage: StageName;
  name: LocalText;
  /** First instant of the window and the instant after its last day. */
  start: string;
  end: string;
}

export interface OverviewView {
  page: 'overview';
  programme: ProgrammeRef;
  programmes: ProgrammeRef[];
  now: string;
  timeZone: string;
  windows: StageWindowView[];
  counts: {
    pilots: number;
    open: number;
    overdue: number;
    escalated: number;
    accepted: number;
    stopped: number;
  };
  pilots: PilotRow[];
}

export type GraphView = GraphLayout & {
  /** What happened to each drawn state (by node id). */
  statuses: Record<string, StateStatus>;
  /** Whether states that only handle errors are drawn although they were not reached. */
  full: boolean;
};

export interface ExecutionSummary {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  /** The machine's short name (`Launch`, `Pilot`…). */
  machine: string;
  status: string;
  startDate?: string;
  stopDate?: string;
  error?: string;
  cause?: string;
}

export interface StageExecutionView {
  /** `pilot` for the pilot's own execution, or the stage. */
  stage: 'pilot' | StageName;
  name: LocalText;
  /** Absent when the execution has not started (the graph is drawn from the machine's definition). */
  execution?: ExecutionSummary;
  executionArn: string;
  graph?: GraphView;
  /** The states the execution is in now. */
  current: string[];
}

export interface TaskRow {
  taskId: string;
  programmeId: string;
  pilotId: string;
  pilotName: LocalText;
  stage: string;
  stageName: LocalText;
  step: LocalText;
  title: string;
  kind: string;
  round: number;
  assignees: Array<Person & { unit?: LocalText }>;
  units: UnitRef[];
  status: string;
  createdAt: string;
  dueAt: string;
  /** Milliseconds past due (0 when not overdue). */
  overdueMs: number;
  escalationLevel: number;
  executionArn: string;
  closedAt?: string;
}

export interface TrailEntry {
  at: string;
  action: string;
  label: LocalText;
  /** `system`, `email:<address>`, `admin:<id>`, as stored. */
  actor: string;
  /** The actor in words (a person's name, 系统, 管理员 …). */
  by: LocalText;
  /** The stored summary (English, for logs and API clients). */
  summary: string;
  /** What happened, in words: Chinese from the event's details, English as the summary says it. */
  text?: LocalText;
  /** The task's title, for the link to it. */
  taskTitle?: string;
  /** Technical detail in no one's language (a workflow's error), shown behind a toggle. */
  raw?: string;
  taskId?: string;
  executionArn?: string;
  comment?: string;
  reason?: string;
  /** Form values of a decision, with their labels (scores, links, yes/no). */
  values?: Array<{ label: LocalText; value: LocalText }>;
  outcome?: LocalText;
  /** Where a decision by link came from: its network and browser (functions/domain/client.ts). */
  client?: string;
}

export interface PilotView {
  page: 'pilot';
  programme: ProgrammeRef;
  now: string;
  timeZone: string;
  pilot: PilotRow & { town?: LocalText; contacts: Array<{ name: string; email: string; phone?: string }> };
  executions: StageExecutionView[];
  /** The execution whose graph the page shows: `?stage=`, or the stage the pilot is in. */
  shown: StageExecutionView['stage'];
  tasks: TaskRow[];
  trail: TrailEntry[];
}

export interface ExecutionView {
  page: 'execution';
  now: string;
  timeZone: string;
  execution: ExecutionSummary & { input?: string; output?: string };
  programmeId?: string;
  pilotId?: string;
  /** The programme's title and the pilot's name (from the plan), for the page's words. */
  programmeTitle?: LocalText;
  pilotName?: LocalText;
  /** The execution that started this one. */
  parentArn?: string;
  graph: GraphView;
  history: HistoryEntry[];
  canStop: boolean;
}

export const TASK_FILTER_STATUSES = ['open', 'overdue', 'escalated'] as const;
export type TaskFilterStatus = (typeof TASK_FILTER_STATUSES)[number];

export interface TaskFilters {
  programme?: string;
  unit?: string;
  pilot?: string;
  stage?: string;
  assignee?: string;
  status: TaskFilterStatus;
}

export interface TasksView {
  page: 'tasks';
  programme: ProgrammeRef;
  now: string;
  timeZone: string;
  filters: TaskFilters;
  options: {
    units: UnitRef[];
    pilots: Array<{ pilotId: string; name: LocalText }>;
    stages: Array<{ stage: string; name: LocalText }>;
    assignees: Array<{ email: string; name: string }>;
  };
  counts: { open: number; overdue: number; escalated: number; shown: number };
  tasks: TaskRow[];
}

export interface LinkView {
  /** The link id's last characters only: with its signature the id is a credential. */
  linkHint: string;
  assignee: Person;
  status: string;
  createdAt: string;
  expiresAt: string;
  usedAt?: string;
  revokedAt?: string;
  revokedReason?: string;
}

export interface TaskView {
  page: 'task';
  programme?: ProgrammeRef;
  now: string;
  timeZone: string;
  task: TaskRow & { decision?: TrailEntry };
  links: LinkView[];
  trail: TrailEntry[];
  /** Contacts of the assignees' units who could take the task over (转办), by unit. */
  reassignTo: Array<UnitRef & { contacts: Array<{ name: string; email: string; role?: string }> }>;
  canAct: boolean;
  /** The files the task's decision recorded and the files it was given to review, each downloadable briefly. */
  files?: { decided: DownloadableFile[]; submitted: DownloadableFile[] };
}

export type DashboardView = OverviewView | PilotView | ExecutionView | TasksView | TaskView;
