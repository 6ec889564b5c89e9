// Language and time for e-mails: the plan's locale chooses Chinese (default, with English names beside) or
// English; every instant is shown in the programme's time zone, with the zone named.
import type { Plan } from '#plan/schema.ts';

export type Locale = Plan['programme']['locale'];

/** Picks the text of the plan's language. */
export function pick(locale: Locale, zh: string, en: string): string {
  return locale === 'en' ? en : zh;
}

/** A named thing (unit, pilot, meeting) in the plan's language; Chinese carries the English name beside. */
export function nameIn(locale: Locale, thing: { name: string; nameEn?: string | undefined }): string {
  if (locale === 'en') return thing.nameEn ?? thing.name;
  return thing.nameEn ? `${thing.name}（${thing.nameEn}）` : thing.name;
}

/** Only the name in the plan's language, for subjects and short lines. */
export function shortName(locale: Locale, thing: { name: string; nameEn?: string | undefined }): string {
  return locale === 'en' ? (thing.nameEn ?? thing.name) : thing.name;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** `2023年1月24日星期二 09:30（Asia/Shanghai）` or `Tuesday, 24 January 2023 at 09:30 (Asia/Shanghai)`. */
export function formatInstant(instant: string | Date, timeZone: string, locale: Locale): string {
  const key = `${locale}|${timeZone}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'zh-CN', {
      timeZone,
      dateStyle: 'full',
      timeStyle: 'short',
      hourCycle: 'h23',
    });
    formats.set(key, f);
  }
  const text = f.format(typeof instant === 'string' ? new Date(instant) : instant);
  return locale === 'en' ? `${text} (${timeZone})` : `${text}（${timeZone}）`;
}
