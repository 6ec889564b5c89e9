// The words of the pages an official reaches by a signed link that is not a single task's: the supervision page
// (督办, pages/supervision.tsx) and the batch page (pages/batch.tsx). Beside words.ts, which holds the mails' and
// the task pages' words; the same rules (one language per plan, both languages side by side).
import type { LocalText } from './i18n.ts';

const lt = (zh: string, en: string): LocalText => ({ zh, en });

/** The words of the supervision page (督办): a supervising unit's or the leading group's overdue tasks, 催办. */
export const SUPERVISION = {
  title: lt('逾期事项督办', 'Overdue tasks to follow up'),
  intro: (party: string, name: string) =>
    lt(
      `${name}，您好：以下是请${party}督促办理的逾期事项。可点击“催办”立即提醒承办人，系统会给承办人发送带有办理链接的催办邮件。`,
      `${name}, these are the overdue tasks ${party} is asked to follow up. “Remind now” sends the people responsible a reminder with their link to the task.`,
    ),
  none: lt(
    '目前没有需要您督办的逾期事项。已办理的事项不再列出。',
    'Nothing overdue needs your follow-up now. Tasks that have been done are no longer listed.',
  ),
  count: (n: number) => lt(`共 ${n} 项`, `${n} ${n === 1 ? 'task' : 'tasks'}`),
  pilot: lt('试点', 'Pilot'),
  step: lt('事项', 'Task'),
  stage: lt('阶段', 'Stage'),
  due: lt('截止时间', 'Due'),
  late: lt('逾期', 'Overdue'),
  lateDays: (n: number) =>
    n >= 1
      ? lt(`已逾期 ${n} 个工作日`, `${n} working ${n === 1 ? 'day' : 'days'} overdue`)
      : lt('今天到期，已过截止时间', 'Due today, past the deadline'),
  assignees: lt('承办人', 'Responsible'),
  phone: lt('电话 ', 'phone '),
  nudge: lt('催办', 'Remind now'),
  nudgeLabel: (what: string) => lt(`催办：${what}`, `Remind now: ${what}`),
  nudgeNote: lt(
    '同一事项每天最多给承办人发送一次催办邮件；催办记录会写入事项的办理记录，并注明催办人。',
    'The people responsible get at most one reminder per task a day; each reminder is recorded in the task’s history with who asked.',
  ),
  nudged: (names: string) => lt(`已向${names}发送催办邮件。`, `A reminder was sent to ${names}.`),
  nudgedAlready: (names: string) =>
    lt(
      `今天已向${names}发送过催办邮件，未重复发送。`,
      `${names} already had a reminder today; none was sent again.`,
    ),
  notSupervised: lt(
    '这项事项已不在逾期督办清单中（可能刚刚办理完毕），未发送催办。',
    'This task is no longer on the list (it may just have been done); no reminder was sent.',
  ),
  validUntil: (at: string) => lt(`此链接有效期至 ${at}。`, `This link works until ${at}.`),
  list: lt('、', ', '),
  refused: {
    unknown: {
      title: lt('找不到这个链接', 'This link was not found'),
      body: lt(
        '链接可能不完整（有的邮件程序会截断较长的链接）。请从邮件中完整地打开链接；如仍无法打开，请联系下方的联系人。',
        'The link may be incomplete (some mail programs cut long links). Open the whole link from the e-mail; if it still does not work, contact the person below.',
      ),
    },
    'bad-signature': {
      title: lt('链接无效', 'This link is not valid'),
      body: lt(
        '这个链接与系统发出的链接不一致，可能被改动或复制不完整。请使用邮件中的原始链接。',
        'This link differs from the one the system sent: it may have been changed or copied incompletely. Use the original link from your e-mail.',
      ),
    },
    'not-recipient': {
      title: lt('此链接不属于您', 'This link is not yours'),
      body: lt(
        '这个链接是发给其他人的，或收件人已不在联系人名单中。请使用发给您本人的邮件中的链接，或联系下方的联系人。',
        'This link was sent to someone else, or its recipient is no longer listed as a contact. Use the link in the e-mail sent to you, or contact the person below.',
      ),
    },
    expired: {
      title: lt('链接已过期', 'This link has expired'),
      body: lt(
        '这个链接的有效期已经结束。请使用最近一封提醒邮件中的链接，或联系下方的联系人。',
        'This link has expired. Use the link in the latest reminder, or contact the person below.',
      ),
    },
    'bad-form-token': {
      title: lt('无法提交', 'This form cannot be submitted'),
      body: lt(
        '提交的表单已失效，未做任何处理。请重新打开邮件中的链接后再试。',
        'The form is no longer valid; nothing was done. Open the link from your e-mail again and try once more.',
      ),
    },
  },
};

/** The batch page (functions/presentation/pages/batch.tsx): one person's parallel tasks of one kind. */
export const BATCH = {
  intro: (name: string, n: number) =>
    lt(
      `${name}，您好：以下 ${n} 个试点的这项任务都请您办理。`,
      `${name}, this task is yours for each of these ${n === 1 ? 'pilot' : `${n} pilots`}.`,
    ),
  howTo: lt(
    '可以点击页面下方的“全部确认”一并办理，也可以逐项办理。',
    'Confirm them all at once with “Confirm all” below, or one by one.',
  ),
  status: lt('状态', 'Status'),
  open: lt('待办理', 'To do'),
  decided: (by: string, at: string) => lt(`已由${by}于${at}办理`, `Done by ${by} on ${at}`),
  closed: lt('已关闭，无需办理', 'Closed; nothing to do'),
  confirmAll: lt('全部确认', 'Confirm all'),
  confirmOne: lt('确认此项', 'Confirm this one'),
  confirmLabel: (what: string) => lt(`确认：${what}`, `Confirm: ${what}`),
  openOne: lt('打开此项（可填写备注）', 'Open this task (to add remarks)'),
  openToFill: lt('打开此项办理', 'Open this task to fill it in'),
  openLabel: (what: string) => lt(`打开：${what}`, `Open: ${what}`),
  formNote: lt('需要填写内容的任务，请逐项打开办理。', 'Tasks that ask for details open one by one.'),
  waiting: (names: string) =>
    lt(
      `以下试点的这项任务尚未开始，开始后会显示在本页：${names}。`,
      `The task has not started yet for: ${names}. It will appear on this page when it does.`,
    ),
  none: lt('这些任务都已办理完毕，无需再办理。', 'All of these tasks are done; nothing is left to do.'),
  noneYet: lt(
    '已开始的任务都已办理完毕。其余试点的任务开始后，请再打开本链接办理。',
    'The tasks started so far are all done. Open this link again once the others have started.',
  ),
  more: (n: number) =>
    lt(
      `还有 ${n} 项待确认，确认本页后显示下一批。`,
      `${n} more to confirm: they appear here once this page's are confirmed.`,
    ),
  pageOnly: (n: number) =>
    lt(`“全部确认”只确认本页列出的 ${n} 项。`, `“Confirm all” confirms the ${n} listed on this page.`),
  doneUnlisted: (n: number) =>
    lt(`已办理或已关闭的 ${n} 项不再逐项列出。`, `${n} done or closed are not listed here.`),
  andMore: (total: number, rest: number) => lt(`等 ${total} 个试点`, ` and ${rest} more`),
  done: (n: number) => lt(`已确认 ${n} 项。`, `${n} confirmed.`),
  missed: (n: number) =>
    lt(
      `${n} 项已由他人办理或已关闭，未重复办理。`,
      `${n} had been done by someone else or closed; left as they were.`,
    ),
  note: lt(
    '确认后将记录办理人及本设备的网络地址和浏览器信息。',
    'Each confirmation is recorded with your name and this device’s network address and browser.',
  ),
  refused: SUPERVISION.refused,
};
