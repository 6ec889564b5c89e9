// What a rehearsal scenario is: data that says how each official answers a task page, as a function of what
// the system shows them (the pilot, the kind of task, the round, the page, the pilot's earlier decisions, the
// mailbox), and what the finished programme must look like. Nothing in it may depend on the rehearsal's
// own memory: a rehearsal stopped and restarted on the same data directory must decide the same way.
import type { LocalText } from '#domain/forms.ts';
import type { Mail } from '#local/cloud/mailbox.ts';
import type { StageName, TaskKind } from '#plan/kinds.ts';
import type { Plan } from '#plan/schema.ts';
import type { TaskPage } from './page.ts';

/** A task page as an official reads it, with what the system knows of the pilot's earlier tasks. */
export interface TaskInView {
  plan: Plan;
  /** The kind of task, recognised by the page's title. */
  kind: TaskKind;
  /** The pilot's id (`-` for the programme's own tasks), recognised by the pilot's name on the page. */
  pilotId: string;
  round: number;
  /** The stage, recognised by its name on the page. */
  stage: StageName | undefined;
  /** The address the e-mail with the link was sent to: who is acting. */
  assignee: string;
  /** The e-mail that carried the link. */
  mail: Mail;
  page: TaskPage;
  /** The pilot's tasks decided so far (from the store), oldest first. */
  earlier: Array<{ kind: string; round: number; outcome: string }>;
  /** Every e-mail received so far, oldest first. */
  mailbox: Mail[];
}

/**
 * What the official does: decide (the button's value, a comment, and field values by field name without the
 * page's `f.` prefix; `score` fills every score field), or leave the task for now (saying why).
 */
export type Act =
  | { decision: string; comment?: string; values?: Record<string, string | number | boolean> }
  | { wait: LocalText };

/** What the rehearsal observed, for the scenario's expectations. */
export interface RehearsalOutcome {
  programme: { id: string; status: string; summarySent: boolean };
  pilots: Array<{
    id: string;
    name: string;
    outcome: string;
    acceptanceScore: number | null;
    rounds: Partial<Record<TaskKind, number>>;
    /** Decisions that were not approvals, by task kind. */
    returns: Partial<Record<TaskKind, number>>;
    checks: { total: number; withProblems: number };
    reminders: number;
    escalations: number;
  }>;
}

export interface Scenario {
  name: string;
  /** One line per twist the scenario plays, for the output and the docs, in the plan's language. */
  describe(plan: Plan): string[];
  act(view: TaskInView): Act;
  /** What differs from what the scenario expects (empty: as expected). */
  check(plan: Plan, outcome: RehearsalOutcome): string[];
}
