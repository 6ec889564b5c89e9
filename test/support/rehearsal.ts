// What the rehearsal tests share: the sample plan and the CLI, running it in its own process group and killing
// that group as a machine that dies would, the mail a data directory's SES holds, and what must not depend on
// how a rehearsal ran, with what an undisturbed run of the sample ends with.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Mail, Mailbox } from '#local/cloud/mailbox.ts';
import { mailCounter, startSes } from '#local/cloud/ses.ts';
import { freePort } from '#local/ports.ts';
import type { RehearsalReport } from '#local/rehearsal/report.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SAMPLE_PLAN = `${ROOT}plans/sample.yaml`;
export const CLI = `${ROOT}bin/pilotflow.js`;
/** The assembly cache the CLI uses too, so the app is bundled once for both. */
export const ASSEMBLY_CACHE = `${ROOT}node_modules/.cache/pilotflow/rehearsal-assemblies`;
export const SIX_PILOTS = ['xx-town', 'caotang', 'gucheng', 'donghelu', 'zhangshu', 'jiefangjie'];

/** The mail a data directory's local SES holds (the cloud itself is stopped). */
export async function mailOf(dataDir: string): Promise<Mail[]> {
  const ses = await startSes({ port: await freePort(), dataDir });
  try {
    return await new Mailbox(ses.url).list();
  } finally {
    await ses.close();
  }
}

export interface Outcomes {
  programme: RehearsalReport['programme'];
  decisions: number;
  pilots: Pick<
    RehearsalReport['pilots'][number],
    'id' | 'outcome' | 'acceptanceScore' | 'rounds' | 'returns' | 'checks' | 'escalations'
  >[];
}

/** What must be the same however the rehearsal ran: each pilot's result and the decisions taken. */
export const outcomes = (report: RehearsalReport): Outcomes => ({
  programme: report.programme,
  decisions: report.decisions,
  pilots: report.pilots.map(({ id, outcome, acceptanceScore, rounds, returns, checks, escalations }) => ({
    id,
    outcome,
    acceptanceScore,
    rounds,
    returns,
    checks,
    escalations,
  })),
});

/** One round of each task of a community pilot's year, as most pilots of the sample have. */
const ONE_ROUND_EACH = {
  acknowledgement: 1,
  implementationPlan: 1,
  planReview: 1,
  supervisionCheck: 1,
  selfInspection: 1,
  preliminaryEvaluation: 1,
  acceptance: 1,
};

/** A pilot accepted with `acceptanceScore`, its year as the default scenario plays it: what differs is given. */
function accepted(
  id: string,
  acceptanceScore: number,
  story: {
    rounds?: Record<string, number>;
    returns?: Record<string, number>;
    withProblems?: number;
    escalations?: number;
  } = {},
): Outcomes['pilots'][number] {
  return {
    id,
    outcome: 'accepted',
    acceptanceScore,
    rounds: story.rounds ?? ONE_ROUND_EACH,
    returns: story.returns ?? {},
    checks: { total: 8, withProblems: story.withProblems ?? 0 },
    escalations: story.escalations ?? 0,
  };
}

/**
 * The sample's undisturbed rehearsal: its `outcomes` and its e-mails (distinct recipient-and-subject pairs). The
 * default scenario is deterministic: rehearsal.test.ts checks its undisturbed run against this, and
 * crash.test.ts its killed and restarted one, so the two are compared without a third rehearsal.
 */
export const UNDISTURBED: { outcomes: Outcomes; emails: number } = {
  emails: 119,
  outcomes: {
    programme: { id: 'xx-county-community-governance-2023', status: 'completed', summarySent: true },
    decisions: 132,
    pilots: [
      // The town: no preliminary evaluation; its plan returned once.
      accepted('xx-town', 92, {
        rounds: {
          acknowledgement: 1,
          implementationPlan: 2,
          planReview: 2,
          supervisionCheck: 1,
          selfInspection: 1,
          acceptance: 1,
        },
        returns: { planReview: 1 },
      }),
      // A check found problems; the rectification's verification returned once.
      accepted('caotang', 86, {
        rounds: { ...ONE_ROUND_EACH, rectification: 2, verification: 2 },
        returns: { verification: 1 },
        withProblems: 1,
      }),
      // The late self-inspection, reminded and escalated.
      accepted('gucheng', 84, { escalations: 1 }),
      // The preliminary evaluation returned once.
      accepted('donghelu', 81, {
        rounds: { ...ONE_ROUND_EACH, selfInspection: 2, preliminaryEvaluation: 2 },
        returns: { preliminaryEvaluation: 1 },
      }),
      // The first acceptance failed; rectified, accepted at the second.
      accepted('zhangshu', 78, { rounds: { ...ONE_ROUND_EACH, rectification: 1, acceptance: 2 } }),
      accepted('jiefangjie', 88),
    ],
  },
};

/**
 * Copies of one message beyond the first: the same recipients and subject (a subject names the pilot, the task,
 * its round and its due date, so no two messages of an undisturbed run share both). The link is not part of
 * the key: a copy sent by a retry can carry a different one.
 */
export function duplicatesOf(mails: Mail[]): { count: number; examples: string[] } {
  const groups = new Map<string, number>();
  for (const m of mails) {
    const key = `${[...m.to].sort().join(',')} | ${m.subject}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const repeated = [...groups].filter(([, n]) => n > 1);
  return {
    count: repeated.reduce((sum, [, n]) => sum + n - 1, 0),
    examples: repeated.map(([key, n]) => `${n} × ${key}`),
  };
}

export interface CliRun {
  /** True when the group was killed; false when the rehearsal exited by itself (with status 0). */
  killed: boolean;
  stdout: string;
  stderr: string;
}

/** When to kill a rehearsal's process group. */
export interface KillAt {
  /** At the first progress line matching this. */
  at?: RegExp;
  /**
   * `afterMs` after the local SES holds this many e-mails (sent by any run on the data directory): the count
   * grows from the first notice to the summary, so a kill drawn by it falls within the programme however
   * fast the machine plays it.
   */
  mails?: number;
  afterMs?: number;
}

/**
 * Runs `pilotflow rehearse --json` on `dataDir` in its own process group and SIGKILLs the group as `kill`
 * says. Without a kill, or when the rehearsal ends first, it resolves with its output; a non-zero exit rejects.
 */
export function rehearseCli(dataDir: string, kill: KillAt = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      [CLI, 'rehearse', SAMPLE_PLAN, '--json', '--data-dir', dataDir, '--assembly-dir', ASSEMBLY_CACHE],
      // Its own group, so the kill takes DynamoDB Local's JVM and the Lambda workers with it, as a machine
      // that dies would.
      { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let killed = false;
    let timer: NodeJS.Timeout | undefined;
    const killGroup = () => {
      if (killed || child.exitCode !== null) return;
      killed = true;
      process.kill(-(child.pid as number), 'SIGKILL');
    };
    const { mails } = kill;
    const mailsSent = mailCounter(dataDir);
    const watch =
      mails === undefined
        ? undefined
        : setInterval(() => {
            if (timer || mailsSent() < mails) return;
            clearInterval(watch);
            timer = setTimeout(killGroup, kill.afterMs ?? 0);
          }, 25);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (kill.at?.test(stderr)) killGroup();
    });
    child.once('close', (code, signal) => {
      clearInterval(watch);
      clearTimeout(timer);
      if (killed && signal === 'SIGKILL') resolve({ killed, stdout, stderr });
      else if (code === 0) resolve({ killed: false, stdout, stderr });
      else reject(new Error(`the rehearsal exited (${code ?? signal}) unexpectedly:\n${stderr}`));
    });
  });
}
