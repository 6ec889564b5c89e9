// Approval links: `GET {api}/a/{linkId}?sig={keyId}.{mac}`. The link id is random (144 bits) and stands for
// (task, assignee) in the table, so the task token never appears in a URL; the mac is an HMAC over the link
// id, the assignee and the expiry with a key kept in Secrets Manager, so a link cannot be forged, moved to
// another assignee or extended. The key id says which key signed: the key is rotated, and the current and
// the previous key both verify, so a link e-mailed before a rotation works until it expires.
// Pure functions plus `issueLinks`, which stores the links of a task.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConflictError } from '#lib/errors.ts';
import { createLink, type LinkRecord, listLinksOfTask, revokeLink } from '#store/links.ts';
import type { Store } from '#store/store.ts';
import type { Person, TaskRecord } from '#store/tasks.ts';

const LINK_ID_BYTES = 18;
const LINK_ID_PATTERN = /^[A-Za-z0-9_-]{24}$/;
/** `{keyId}.{mac}`, or a bare mac: links and form tokens made before keys had ids. */
const SIGNED_PATTERN = /^(?:([A-Za-z0-9_-]{8})\.)?([A-Za-z0-9_-]{43})$/;

/**
 * The keys that verify: the current one, which signs, and the one it replaced at the last rotation (none
 * before the first). Rotating twice within a link's life invalidates it: docs/approval.md.
 */
export interface SigningKeys {
  current: string;
  previous?: string | undefined;
}

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

/**
 * A key's public name: the first 48 bits of an HMAC of a fixed text under the key (a "key check value"). It
 * tells which key signed, says nothing usable about the key, and needs no storage beside the key.
 */
export function keyId(key: string): string {
  return hmac(key, ['key-id-v1']).toString('base64url').slice(0, 8);
}

/** The key id a signature or form token names; none for a bare mac (made before key ids) or a malformed value. */
export function keyIdOf(signed: string | undefined): string | undefined {
  return signed === undefined ? undefined : SIGNED_PATTERN.exec(signed)?.[1];
}

/** `{keyId}.{mac}`: the mac under `key`, named by its key id. */
function signWith(key: string, mac: (key: string) => Buffer): string {
  return `${keyId(key)}.${mac(key).toString('base64url')}`;
}

/**
 * Checks a `{keyId}.{mac}` against the key it names, among the current and the previous key; an unknown id
 * fails. The id need not be signed: a changed id picks a key that did not make the mac. A bare mac is from
 * before key ids (links e-mailed earlier): it is tried with both keys, so it outlives one rotation as any
 * link does.
 */
function verifySigned(keys: SigningKeys, signed: string, mac: (key: string) => Buffer): boolean {
  const match = SIGNED_PATTERN.exec(signed);
  if (!match) return false;
  const id = match[1];
  const given = match[2] as string;
  return [keys.current, keys.previous].some(
    (key) =>
      key !== undefined &&
      (id === undefined || keyId(key) === id) &&
      sameText(given, mac(key).toString('base64url')),
  );
}

const linkMac =
  (link: Pick<LinkRecord, 'linkId' | 'assignee' | 'expiresAt'>) =>
  (key: string): Buffer =>
    hmac(key, ['link-v1', link.linkId, link.assignee.email.toLowerCase(), link.expiresAt]);

/** The signature of a link under the current key: binds its id, its assignee's address and its expiry. */
export function linkSignature(
  key: string,
  link: Pick<LinkRecord, 'linkId' | 'assignee' | 'expiresAt'>,
): string {
  return signWith(key, linkMac(link));
}

/** Constant-time check of a link's signature. */
export function verifyLinkSignature(
  keys: SigningKeys,
  link: Pick<LinkRecord, 'linkId' | 'assignee' | 'expiresAt'>,
  sig: string,
): boolean {
  return verifySigned(keys, sig, linkMac(link));
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

const formMac =
  (linkId: string) =>
  (key: string): Buffer =>
    hmac(key, ['form-v1', linkId]);

/**
 * The token a task page's form carries. GET must not write, so the token is derived, not stored: only a
 * page served for this link can post to it, and the link itself can be used once, so the token is one-time.
 * It names its key like a link, so a page served just before a rotation can still be posted.
 */
export function formToken(key: string, linkId: string): string {
  return signWith(key, formMac(linkId));
}

export function verifyFormToken(keys: SigningKeys, linkId: string, token: string): boolean {
  return verifySigned(keys, token, formMac(linkId));
}

// Supervision links (functions/domain/supervision.ts): `GET {api}/s/{ticket}?sig={keyId}.{mac}`. The ticket
// is not stored: it carries the programme, the supervising party, the recipient (a hash of their address) and
// the expiry, and the mac over it, with its own label, binds them all. Its form token has its own label too, so
// neither can pass for an approval link's signature or form token.
const supervisionMac =
  (ticket: string) =>
  (key: string): Buffer =>
    hmac(key, ['supervise-v1', ticket]);

const supervisionFormMac =
  (ticket: string) =>
  (key: string): Buffer =>
    hmac(key, ['supervise-form-v1', ticket]);

export function supervisionSignature(key: string, ticket: string): string {
  return signWith(key, supervisionMac(ticket));
}

export function verifySupervisionSignature(keys: SigningKeys, ticket: string, sig: string): boolean {
  return verifySigned(keys, sig, supervisionMac(ticket));
}

/** The 催办 form's token: derived from the ticket, as an approval page's from its link (formToken). */
export function supervisionFormToken(key: string, ticket: string): string {
  return signWith(key, supervisionFormMac(ticket));
}

export function verifySupervisionFormToken(keys: SigningKeys, ticket: string, token: string): boolean {
  return verifySigned(keys, token, supervisionFormMac(ticket));
}

// Batch links (functions/domain/batch.ts): `GET {api}/b/{ticket}?sig=…`, a stateless ticket as a supervision
// link's, with labels of their own, so that none of these can pass for another's signature or form token.
const batchMac =
  (label: string, ticket: string) =>
  (key: string): Buffer =>
    hmac(key, [label, ticket]);

export function batchSignature(key: string, ticket: string): string {
  return signWith(key, batchMac('batch-v1', ticket));
}

export function verifyBatchSignature(keys: SigningKeys, ticket: string, sig: string): boolean {
  return verifySigned(keys, sig, batchMac('batch-v1', ticket));
}

/** The batch page form's token: derived from the ticket, as an approval page's from its link. */
export function batchFormToken(key: string, ticket: string): string {
  return signWith(key, batchMac('batch-form-v1', ticket));
}

export function verifyBatchFormToken(keys: SigningKeys, ticket: string, token: string): boolean {
  return verifySigned(keys, token, batchMac('batch-form-v1', ticket));
}

export function batchUrl(apiBaseUrl: string, ticket: string, sig: string): string {
  return `${apiBaseUrl.replace(/\/+$/, '')}/b/${ticket}?sig=${sig}`;
}

const TICKET_PATTERN = /^[A-Za-z0-9_-]+$/;

/** A ticket (a supervision or batch link's, not stored): its fields as JSON, base64url. */
export function encodeTicketFields(fields: unknown[]): string {
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
}

/** The JSON a ticket carries, or undefined when it is not one (its shape is the caller's to check). */
export function ticketFields(ticket: string, maxLength: number): unknown {
  if (ticket.length > maxLength || !TICKET_PATTERN.test(ticket)) return undefined;
  try {
    return JSON.parse(Buffer.from(ticket, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

export function supervisionUrl(apiBaseUrl: string, ticket: string, sig: string): string {
  return `${apiBaseUrl.replace(/\/+$/, '')}/s/${ticket}?sig=${sig}`;
}

export function linkUrl(apiBaseUrl: string, linkId: string, sig: string): string {
  return `${apiBaseUrl.replace(/\/+$/, '')}/a/${linkId}?sig=${sig}`;
}

export interface IssuedLink {
  assignee: Person;
  linkId: string;
  url: string;
}

/**
 * Stores one active link per assignee of `task` and returns their URLs. Idempotent: an assignee who already
 * has an active link for the task (a retried call) gets the same link again, never a second one. `fresh`: the
 * caller has just created the task (its conditional put succeeded), so no call can have issued a link for it
 * yet and none is looked up (one query fewer per task opened).
 */
export async function issueLinks(
  store: Store,
  key: string,
  args: {
    task: TaskRecord;
    assignees: Person[];
    expiresAt: string;
    now: string;
    apiBaseUrl: string;
    fresh?: boolean;
  },
): Promise<IssuedLink[]> {
  const existing = args.fresh ? [] : await listLinksOfTask(store, args.task.taskId);
  const issued: IssuedLink[] = [];
  for (const assignee of args.assignees) {
    const email = assignee.email.toLowerCase();
    let link = existing.find((l) => l.status === 'active' && l.assignee.email.toLowerCase() === email);
    if (!link) {
      link = {
        linkId: newLinkId(),
        taskId: args.task.taskId,
        programmeId: args.task.programmeId,
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

/**
 * The link a reminder carries for one assignee of an open task: their stored link rebuilt when it is active and
 * not expired, otherwise a new link bound to them that works until `expiresAt` (the old one, expired or
 * revoked, stays as it is). A task overdue for longer than its links' grace period thus still gets a link that
 * opens, and a retried reminder finds the new link and sends it again rather than a third one.
 */
export async function actionLinkFor(
  store: Store,
  key: string,
  args: { task: TaskRecord; assignee: Person; now: Date; expiresAt: string; apiBaseUrl: string },
): Promise<IssuedLink> {
  const email = args.assignee.email.toLowerCase();
  const links = await listLinksOfTask(store, args.task.taskId);
  let link = links.find(
    (l) =>
      l.status === 'active' &&
      l.assignee.email.toLowerCase() === email &&
      Date.parse(l.expiresAt) > args.now.getTime(),
  );
  if (!link) {
    // As the dashboard's resend does: the expired link is revoked, so that only the new one is active.
    for (const old of links) {
      if (old.status !== 'active' || old.assignee.email.toLowerCase() !== email) continue;
      await revokeLink(store, old.linkId, args.now.toISOString(), 'expired; a new link was sent').catch(
        (error: unknown) => {
          if (!(error instanceof ConflictError)) throw error; // used or revoked meanwhile: nothing to do
        },
      );
    }
    link = {
      linkId: newLinkId(),
      taskId: args.task.taskId,
      programmeId: args.task.programmeId,
      assignee: args.assignee,
      status: 'active',
      createdAt: args.now.toISOString(),
      expiresAt: args.expiresAt,
    };
    await createLink(store, link, args.task.dueAt);
  }
  return {
    assignee: args.assignee,
    linkId: link.linkId,
    url: linkUrl(args.apiBaseUrl, link.linkId, linkSignature(key, link)),
  };
}
