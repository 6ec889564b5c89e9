// Language and time for e-mails: the plan's locale chooses the words (words.ts: Chinese or English, never
// both), names are the plan's in that language only, and instants are shown in the programme's time zone
// without naming it, as officials write dates: `2023年1月4日（星期三）17:30前`.
import type { Plan } from '#plan/schema.ts';
import { formatDay, formatDeadline, formatWhen } from '../i18n.ts';
import { MAIL, type MailWords } from '../words.ts';

export type Locale = Plan['programme']['locale'];

/** The words of the plan's language. */
export function wordsOf(plan: Plan): MailWords {
  return MAIL[plan.programme.locale];
}

/** A named thing (unit, pilot, meeting) in the plan's language only. */
export function shortName(locale: Locale, thing: { name: string; nameEn?: string | undefined }): string {
  return locale === 'en' ? (thing.nameEn ?? thing.name) : thing.name;
}

/** A deadline in the programme's zone: `2023年1月4日（星期三）17:30前` / `by 17:30 on Wednesday 4 January 2023`. */
export function deadlineOf(plan: Plan, instant: string | Date): string {
  return formatDeadline(instant, plan.programme.locale, plan.programme.timezone);
}

/** An instant in the programme's zone: `2023年1月10日（星期二）09:30`. */
export function whenOf(plan: Plan, instant: string | Date): string {
  return formatWhen(instant, plan.programme.locale, plan.programme.timezone);
}

/** A day in the programme's zone: `2023年1月10日（星期二）`. */
export function dayOf(plan: Plan, instant: string | Date): string {
  return formatDay(instant, plan.programme.locale, plan.programme.timezone);
}
