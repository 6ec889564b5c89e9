// Approval links: `GET {api}/a/{linkId}?sig=…`. The link id is random (144 bits) and stands for
// (task, assignee) in the table, so the task token never appears in a URL; `sig` is an HMAC over the link
// id, the assignee and the expiry with a key kept in Secrets Manager, so a link cannot be forged, moved to
// another assignee or extended. Pure functions plus `issueLinks`, which stores the links of a task.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createLink, type LinkRecord, listLinksOfTask } from '#store/links.ts';
import type { Store } from '#store/store.ts';
import type { Person, TaskRecord } from '#store/tasks.ts';

const LINK_ID_BYTES = 18;
const LINK_ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;
const SIG_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A new random link id: 144 bits, URL-safe (base64url), 24 characters. */
export function newLinkId(): string {
  return randomBytes(LINK_ID_BYTES).toString('base64url');
}

/** True when `value` has the shape of a link id (checked before any lookup). */
export function isLinkId(value: string): boolean {
  return LINK_ID_PATTERN.test(value);
}

function hmac(key: string, parts: string[]): Buffer {
  return createHmac('sha256', key).update(parts.join('\n')).digest();
}

/** The signature of a link: binds its id, its assignee's address and its expiry. */
export function linkSignature(
  key: string,
  link: Pick<LinkRecord, 'linkId' | 'assignee' | 'expiresAt'>,
): string {
  return hmac(key, ['link-v1', link.linkId, link.assignee.email.toLowerCase(), link.expiresAt]).toString(
    'base64url',
  );
}

/** Constant-time check of a link's signature. */
export function verifyLinkSignature(
  key: string,
  link: Pick<LinkRecord, 'linkId' | 'assignee' | 'expiresAt'>,
  sig: string,
): boolean {
  return SIG_PATTERN.test(sig) && sameText(sig, linkSignature(key, link));
}

/**
 * Constant-time comparison of two encodings as text, not as decoded bytes: the last of 43 base64url characters
 * carries 2 unused bits, so four spellings decode to the same 32 bytes, and only the canonical one may pass.
 */
function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The token a task page's form carries. GET must not write, so the token is derived, not stored: only a
 * page served for this link can post to it, and the link itself can be used once, so the token is one-time.
 */
export function formToken(key: string, linkId: string): string {
  return hmac(key, ['form-v1', linkId]).toString('base64url');
}

export function verifyFormToken(key: string, linkId: string, token: string): boolean {
  return SIG_PATTERN.test(token) && sameText(token, formToken(key, linkId));
}

export function linkUrl(apiBaseUrl: string, linkId: string, sig: string): string {
  return `${apiBaseUrl.replace(/\/+$/, '')}/a/${linkId}?sig=${sig}`;
}

/** The administrators' dashboard page of a task (supervisors' and the leading group's e-mails link here). */
export function dashboardTaskUrl(apiBaseUrl: string, taskId: string): string {
  return `${apiBaseUrl.replace(/\/+$/, '')}/admin/tasks/${encodeURIComponent(taskId)}`;
}

export interface IssuedLink {
  assignee: Person;
  linkId: string;
  url: string;
}

/**
 * Stores one active link per assignee of `task` and returns their URLs. Idempotent: an assignee who already
 * has an active link for the task (a retried call) gets the same link again, never a second one.
 */
export async function issueLinks(
  store: Store,
  key: string,
  args: { task: TaskRecord; assignees: Person[]; expiresAt: string; now: string; apiBaseUrl: string },
): Promise<IssuedLink[]> {
  const existing = await listLinksOfTask(store, args.task.taskId);
  const issued: IssuedLink[] = [];
  for (const assignee of args.assignees) {
    const email = assignee.email.toLowerCase();
    let link = existing.find((l) => l.status === 'active' && l.assignee.email.toLowerCase() === email);
    if (!link) {
      link = {
        linkId: newLinkId(),
        taskId: args.task.taskId,
        assignee,
        status: 'active',
        createdAt: args.now,
        expiresAt: args.expiresAt,
      };
      await createLink(store, link, args.task.dueAt);
    }
    issued.push({
      assignee,
      linkId: link.linkId,
      url: linkUrl(args.apiBaseUrl, link.linkId, linkSignature(key, link)),
    });
  }
  return issued;
}
