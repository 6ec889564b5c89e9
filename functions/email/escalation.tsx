// The reminder (催办) and escalation e-mails, in the plan's language: zh-CN is Chinese with the English beside
// it, en is English only. Each message is written once as content (greeting, paragraphs, facts, link) and
// rendered from it as plain text and as HTML. An assignee's message carries their own original link; a
// supervisor's or the leading group's says who is late with what since when, and links to the task's
// dashboard page — never to an assignee's action link.
// TODO(workflows): switch to the shared e-mail layout once the workflows branch lands it.
import { renderToStaticMarkup } from 'preact-render-to-string';
import { assigneeParty, type PlannedMessage } from '#domain/escalation.ts';
import { findContactsByEmail, findPilot, leadUnit, type Party, type Plan } from '#plan/index.ts';
// toLocal is not part of the plan module's public API; the wall-clock reading is what a due line needs.
import { toLocal } from '#plan/time.ts';
import type { Person, TaskRecord } from '#store/tasks.ts';
import type { Email } from './send.ts';

export type EscalationMailTask = Pick<
  TaskRecord,
  'taskId' | 'programmeId' | 'pilotId' | 'stage' | 'step' | 'title' | 'dueAt' | 'assignees'
>;

export interface EscalationMailInput {
  plan: Plan;
  task: EscalationMailTask;
  message: PlannedMessage;
  /** The sweep's instant: how long the task has been overdue. */
  now: Date;
  /** An assignee's message: their original link, or undefined when it no longer works. */
  actionUrl?: string;
  /** A supervisor's or the leading group's message: the task's dashboard page. */
  dashboardUrl?: string;
  /** Level 2 and 3: the parties told at level 2 (named in the assignee's and the leading group's message). */
  supervisors?: Party[];
}

type Lang = 'zh' | 'en';

interface Content {
  subject: string;
  greeting: string;
  paragraphs: string[];
  facts: Array<[string, string]>;
  link?: { label: string; url: string };
  footer: string;
}

const STAGES: Record<string, Record<Lang, string>> = {
  launch: { zh: '工作启动', en: 'Launch' },
  implementation: { zh: '组织实施', en: 'Implementation' },
  evaluation: { zh: '评估验收', en: 'Evaluation and acceptance' },
};

const DAY = 86_400_000;

/**
 * An instant as the plan's people read it: `2023-01-13 09:30` in the programme's time zone. A due time at
 * midnight is the end of the day before (`2023-01-12 24:00`), as plan due dates include their whole day.
 */
export function formatInstant(instant: Date, timeZone: string): string {
  const midnight = (() => {
    const l = toLocal(instant, timeZone);
    return l.hour === 0 && l.minute === 0 && l.second === 0 && l.millisecond === 0;
  })();
  const l = toLocal(midnight ? new Date(instant.getTime() - 1) : instant, timeZone);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const time = midnight ? '24:00' : `${pad(l.hour)}:${pad(l.minute)}`;
  return `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)} ${time}`;
}

/** Renders one planned message as an e-mail ready for sendEmail. */
export function renderEscalationEmail(input: EscalationMailInput): Email {
  const langs: Lang[] = input.plan.programme.locale === 'en' ? ['en'] : ['zh', 'en'];
  const contents = langs.map((lang) => content(input, lang));
  const [first] = contents as [Content, ...Content[]];
  return {
    to: input.message.to.map((r) => r.email),
    ...(input.message.cc.length ? { cc: input.message.cc.map((r) => r.email) } : {}),
    subject: first.subject,
    text: contents.map(toText).join('\n\n——————————\n\n'),
    html: `<!DOCTYPE html>${renderToStaticMarkup(<Mail contents={contents} lang={langs[0] ?? 'zh'} />)}`,
    tags: { kind: `escalation-${input.message.level}`, audience: input.message.audience },
  };
}

function content(input: EscalationMailInput, lang: Lang): Content {
  const { plan, task, message, now } = input;
  const zh = lang === 'zh';
  const tz = plan.programme.timezone;
  const pilot = findPilot(plan, task.pilotId);
  const pilotName = pilot ? (zh ? pilot.name : pilot.nameEn) : task.pilotId;
  const stage = STAGES[task.stage]?.[lang] ?? task.stage;
  const due = `${formatInstant(new Date(task.dueAt), tz)} (${tz})`;
  const overdueDays = Math.floor((now.getTime() - Date.parse(task.dueAt)) / DAY);
  const names = (parties: Party[] | undefined) =>
    (parties ?? []).map((p) => (zh ? p.name : p.nameEn)).join(zh ? '、' : ', ');
  const supervisors = names(input.supervisors);
  const footer = zh
    ? `本邮件由 PilotFlow 按《${plan.programme.title}》的催办规则自动发送。`
    : `Sent automatically by PilotFlow under the reminder rules of "${plan.programme.titleEn}".`;
  const quoted = zh ? `“${task.title}”` : `"${task.title}"`;
  const informed = (input.supervisors?.length ?? 0) > 1 ? 'have' : 'has';

  if (message.audience === 'assignee') {
    const assignee = personName(plan, message.assignee as Person, lang);
    const lead = leadUnit(plan);
    const noLink = zh
      ? `您的办理链接已失效，请联系${lead.name}（${lead.contacts.map((c) => c.email).join('，')}）。`
      : `Your link no longer works: please contact ${lead.nameEn} (${lead.contacts.map((c) => c.email).join(', ')}).`;
    const link = input.actionUrl
      ? { label: zh ? '立即办理' : 'Open the task', url: input.actionUrl }
      : undefined;
    const linkNote = input.actionUrl
      ? zh
        ? '此链接只属于您本人，请勿转发。'
        : 'This link is yours alone: please do not forward it.'
      : noLink;
    if (message.level === 1) {
      return {
        subject: zh
          ? `【催办】${quoted}将于 ${formatInstant(new Date(task.dueAt), tz)} 到期`
          : `Reminder: ${quoted} is due ${due}`,
        greeting: zh ? `${assignee}：` : `Dear ${assignee},`,
        paragraphs: [
          zh
            ? `${pilotName}的任务${quoted}（${stage}）将于 ${due} 到期，目前尚未办理，请及时办理。`
            : `The task ${quoted} of ${pilotName} (${stage}) is due ${due} and is still open. Please complete it in time.`,
          linkNote,
        ],
        facts: [],
        ...(link ? { link } : {}),
        footer,
      };
    }
    return {
      subject: zh ? `【逾期催办】${quoted}已到期，请尽快办理` : `Overdue: ${quoted} was due ${due}`,
      greeting: zh ? `${assignee}：` : `Dear ${assignee},`,
      paragraphs: [
        zh
          ? `${pilotName}的任务${quoted}（${stage}）已于 ${due} 到期，目前仍未办理${supervisors ? `，已同时告知${supervisors}` : ''}。请尽快办理。`
          : `The task ${quoted} of ${pilotName} (${stage}) was due ${due} and is still open${supervisors ? `; ${supervisors} ${informed} been informed` : ''}. Please complete it as soon as possible.`,
        linkNote,
      ],
      facts: [],
      ...(link ? { link } : {}),
      footer,
    };
  }

  // A supervisor's or the leading group's message: who is late with what, since when.
  const party = message.party as Party;
  const late = task.assignees.map((a) => lateLine(plan, task, a, lang));
  const lateParties = [...new Set(task.assignees.map((a) => partyName(plan, task, a, lang)))].join(
    zh ? '、' : ', ',
  );
  const facts: Array<[string, string]> = [
    [zh ? '任务' : 'Task', `${task.title}`],
    [zh ? '试点' : 'Pilot', pilotName],
    [zh ? '阶段' : 'Stage', `${stage} · ${task.step}`],
    [zh ? '承办' : 'Assigned to', late.join(zh ? '；' : '; ')],
    [zh ? '到期' : 'Due', due],
    ...(overdueDays >= 1
      ? ([
          [
            zh ? '逾期' : 'Overdue',
            zh ? `${overdueDays} 天` : `${overdueDays} day${overdueDays === 1 ? '' : 's'}`,
          ],
        ] as Array<[string, string]>)
      : []),
  ];
  const link = input.dashboardUrl
    ? { label: zh ? '查看任务详情' : 'See the task', url: input.dashboardUrl }
    : undefined;
  if (message.level === 2) {
    return {
      subject: zh ? `【逾期提醒】${lateParties}：${quoted}已逾期` : `Overdue: ${quoted} at ${lateParties}`,
      greeting: zh ? `${party.name}：` : `To ${party.nameEn},`,
      paragraphs: [
        zh
          ? `${lateParties}承办的${quoted}已于 ${due} 到期，目前仍未办理。请督促办理。`
          : `${lateParties} has not completed ${quoted}, which was due ${due}. Please follow it up.`,
      ],
      facts,
      ...(link ? { link } : {}),
      footer,
    };
  }
  return {
    subject: zh
      ? `【逾期上报】${lateParties}：${quoted}逾期 ${overdueDays} 天`
      : `Escalated: ${quoted} at ${lateParties} is ${overdueDays} day${overdueDays === 1 ? '' : 's'} overdue`,
    greeting: zh ? `${party.name}：` : `To ${party.nameEn},`,
    paragraphs: [
      zh
        ? `${lateParties}承办的${quoted}已于 ${due} 到期，已逾期 ${overdueDays} 天，仍未办理${supervisors ? `；此前已告知${supervisors}` : ''}。现按催办规则报领导小组。`
        : `${lateParties} has not completed ${quoted}, which was due ${due}: it is ${overdueDays} day${overdueDays === 1 ? '' : 's'} overdue${supervisors ? `, and ${supervisors} ${informed} already been told` : ''}. It is escalated to the leading group under the reminder rules.`,
    ],
    facts,
    ...(link ? { link } : {}),
    footer,
  };
}

function partyName(plan: Plan, task: EscalationMailTask, assignee: Person, lang: Lang): string {
  const party = assigneeParty(plan, task, assignee);
  if (!party) return assignee.name;
  return lang === 'zh' ? party.name : party.nameEn;
}

/** A person's name in the language: the plan's English name for a contact it lists, else the stored name. */
function personName(plan: Plan, person: Person, lang: Lang): string {
  if (lang === 'zh') return person.name;
  return findContactsByEmail(plan, person.email).find((c) => c.contact.nameEn)?.contact.nameEn ?? person.name;
}

/** `郑凯（XX镇古城社区，gucheng@xx-town.example，电话 …）`: the person, the party, how to reach them. */
function lateLine(plan: Plan, task: EscalationMailTask, assignee: Person, lang: Lang): string {
  const phone = findContactsByEmail(plan, assignee.email).find((c) => c.contact.phone)?.contact.phone;
  const parts = [partyName(plan, task, assignee, lang), assignee.email, ...(phone ? [phone] : [])];
  const name = personName(plan, assignee, lang);
  return lang === 'zh' ? `${name}（${parts.join('，')}）` : `${name} (${parts.join(', ')})`;
}

function toText(c: Content): string {
  const lines = [c.greeting, '', ...c.paragraphs.flatMap((p) => [p, ''])];
  if (c.facts.length) lines.push(...c.facts.map(([k, v]) => `${k}: ${v}`), '');
  if (c.link) lines.push(`${c.link.label}: ${c.link.url}`, '');
  lines.push(c.footer);
  return lines.join('\n');
}

function Mail({ contents, lang }: { contents: Content[]; lang: Lang }) {
  return (
    <html lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{contents[0]?.subject}</title>
      </head>
      <body style="margin:0;padding:16px;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;font-size:16px;line-height:1.6;color:#1f2328">
        {contents.map((c, i) => (
          <div
            style={`max-width:600px;margin:0 auto${i > 0 ? ';margin-top:24px;padding-top:16px;border-top:1px solid #d0d7de' : ''}`}
          >
            <p>{c.greeting}</p>
            {c.paragraphs.map((p) => (
              <p>{p}</p>
            ))}
            {c.facts.length > 0 && (
              <table style="border-collapse:collapse;margin:8px 0">
                {c.facts.map(([k, v]) => (
                  <tr>
                    <th style="text-align:left;vertical-align:top;padding:4px 12px 4px 0;white-space:nowrap">
                      {k}
                    </th>
                    <td style="padding:4px 0">{v}</td>
                  </tr>
                ))}
              </table>
            )}
            {c.link && (
              <p>
                <a
                  href={c.link.url}
                  style="display:inline-block;padding:12px 20px;background:#0b5cad;color:#fff;text-decoration:none;border-radius:6px"
                >
                  {c.link.label}
                </a>
              </p>
            )}
            <p style="font-size:13px;color:#656d76">{c.footer}</p>
          </div>
        ))}
      </body>
    </html>
  );
}
