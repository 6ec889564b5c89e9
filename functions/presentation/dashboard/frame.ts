// What every dashboard page shows around its content: who is signed in, the language, the local cloud's
// clock and mailbox when there is one, the CSRF token of the forms, a notice after an action.
import type { Locale, LocalText } from '../i18n.ts';

export interface LocalCloudFrame {
  clock?: { now: string; speed: number; nextTimerAt: string | null };
  mailboxUrl?: string;
}

export interface AdminFrame {
  locale: Locale;
  timeZone: string;
  /** The request's path and query, for the language switch and the clock controls' way back. */
  path: string;
  admin: { sub: string; email?: string; name?: string };
  /** Put into every state-changing form (csrfToken in functions/presentation/dashboard/session.ts). */
  csrf: string;
  local?: LocalCloudFrame;
  /** The programme the navigation links to. */
  programmeId?: string;
  notice?: { tone: 'ok' | 'warn' | 'stop'; text: LocalText };
  /** The administrator may launch a plan (admin on some programme): the navigation offers the upload. */
  canLaunch?: boolean;
  /** Refresh the live parts every this many milliseconds (0: never). */
  liveMs: number;
}
