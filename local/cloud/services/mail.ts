// E-mail: the local SES (aws-ses-v2-local, SES v1 and v2 API) with the project's mailbox page, mail under
// <data-dir>/ses. The page speaks the language of the plan the local cloud was started with (`--plan`, the
// sample by default) and names its people; once the tables exist it lists each person's open tasks.
import { loadValidPlanFile } from '#plan/load.ts';
import { listLinksOfTask } from '#store/links.ts';
import type { Store } from '#store/store.ts';
import { listOpenTasks } from '#store/tasks.ts';
import { linksOf, Mailbox } from '../mailbox.ts';
import type { MailboxContext, MailView, PersonInfo, TaskView } from '../mailbox-page.ts';
import { startSes } from '../ses.ts';
import type { Service } from './compose.ts';

export interface MailService extends Service {
  /** The SES API endpoint (v1 and v2). */
  url: string;
  /** The web mailbox. */
  mailboxUrl: string;
  mailbox: Mailbox;
  /** The app's table, where the mailbox page reads each person's open tasks (from then on). */
  useStore(store: Store): void;
}

/** The page's language, time zone and people, from the plan file. */
export async function mailboxContextOf(planFile: string): Promise<MailboxContext> {
  const plan = await loadValidPlanFile(planFile);
  const en = plan.programme.locale === 'en';
  const people = new Map<string, PersonInfo>();
  const owners = [...plan.units, ...plan.pilots];
  for (const owner of owners) {
    for (const contact of owner.contacts) {
      const address = contact.email.toLowerCase();
      if (people.has(address)) continue;
      people.set(address, {
        name: en ? (contact.nameEn ?? contact.name) : contact.name,
        unit: en ? owner.nameEn : owner.name,
        // Posts are written in Chinese only.
        ...(contact.role && !en ? { role: contact.role } : {}),
        order: people.size,
      });
    }
  }
  return {
    locale: plan.programme.locale,
    timeZone: plan.programme.timezone,
    programme: en ? plan.programme.titleEn : plan.programme.title,
    people,
  };
}

/** A person's open tasks, earliest due first, each with the approval link they were e-mailed for it. */
async function openTasksOf(store: Store, address: string, mails: MailView[]): Promise<TaskView[]> {
  const mine = (await listOpenTasks(store)).filter((task) =>
    task.assignees.some((a) => a.email.toLowerCase() === address),
  );
  const urls = mails.flatMap((mail) => linksOf(mail.text, mail.html));
  return Promise.all(
    mine.map(async (task) => {
      const links = (await listLinksOfTask(store, task.taskId)).filter(
        (link) => link.assignee.email.toLowerCase() === address && link.status === 'active',
      );
      const url = urls.find((u) => links.some((link) => u.includes(`/a/${link.linkId}?`)));
      return { title: task.title, dueAt: task.dueAt, ...(url ? { url } : {}) };
    }),
  );
}

export async function startMail(options: {
  port: number;
  host: string;
  dataDir: string;
  clock?: { now(): number };
  planFile?: string;
}): Promise<MailService> {
  let store: Store | undefined;
  const { planFile } = options;
  const ses = await startSes({
    ...options,
    mailbox: {
      ...(planFile ? { context: () => mailboxContextOf(planFile) } : {}),
      openTasks: async (address, mails) => {
        if (!store) return undefined;
        return openTasksOf(store, address, mails).catch(() => undefined);
      },
    },
  });
  return {
    url: ses.url,
    mailboxUrl: `${ses.url}/`,
    mailbox: new Mailbox(ses.url),
    useStore(s) {
      store = s;
    },
    stop: async () => {
      store?.db.destroy();
      await ses.close();
    },
  };
}
