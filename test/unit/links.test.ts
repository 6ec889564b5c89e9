import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  formToken,
  isLinkId,
  keyId,
  keyIdOf,
  linkSignature,
  linkUrl,
  newLinkId,
  verifyFormToken,
  verifyLinkSignature,
} from '#domain/links.ts';

const KEY = 'k'.repeat(64);
const KEYS = { current: KEY };
const link = {
  linkId: newLinkId(),
  assignee: { name: 'x', email: 'Wang@xx-county.example' },
  expiresAt: '2023-02-20T16:00:00.000Z',
};

describe('approval links', () => {
  it('have random URL-safe ids of at least 128 bits', () => {
    const ids = new Set(Array.from({ length: 1000 }, newLinkId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isLinkId(id)).toBe(true);
    expect(Buffer.from(link.linkId, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
  });

  it('verify their own signature, whatever the case of the address', () => {
    const sig = linkSignature(KEY, link);
    expect(
      verifyLinkSignature(
        KEYS,
        { ...link, assignee: { ...link.assignee, email: 'wang@XX-county.example' } },
        sig,
      ),
    ).toBe(true);
  });

  it('refuse a signature for another assignee, another expiry, another key or a tampered one', () => {
    const sig = linkSignature(KEY, link);
    expect(
      verifyLinkSignature(KEYS, { ...link, assignee: { name: 'x', email: 'li@xx-county.example' } }, sig),
    ).toBe(false);
    expect(verifyLinkSignature(KEYS, { ...link, expiresAt: '2024-01-01T00:00:00.000Z' }, sig)).toBe(false);
    expect(verifyLinkSignature({ current: 'z'.repeat(64) }, link, sig)).toBe(false);
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    expect(verifyLinkSignature(KEYS, link, flipped)).toBe(false);
    expect(verifyLinkSignature(KEYS, link, '')).toBe(false);
    expect(verifyLinkSignature(KEYS, link, `${sig}x`)).toBe(false);
  });

  it('refuse every other spelling of their signature and form token, though it decodes to the same bytes', () => {
    // 43 base64url characters hold 258 bits for a 256-bit HMAC: the last character's 2 low bits are unused.
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respellings = (text: string) => {
      const last = ALPHABET.indexOf(text.at(-1) ?? '');
      return [0, 1, 2, 3]
        .map((low) => `${text.slice(0, -1)}${ALPHABET[(last & ~3) | low]}`)
        .filter((other) => other !== text);
    };
    const sig = linkSignature(KEY, link);
    const token = formToken(KEY, link.linkId);
    for (const other of respellings(sig)) {
      expect(Buffer.from(other, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
      expect(verifyLinkSignature(KEYS, link, other)).toBe(false);
    }
    for (const other of respellings(token)) expect(verifyFormToken(KEYS, link.linkId, other)).toBe(false);
  });

  it('put no token and nothing but the id and signature in the URL', () => {
    const url = linkUrl('https://api.example/', link.linkId, linkSignature(KEY, link));
    expect(url).toMatch(
      /^https:\/\/api\.example\/a\/[A-Za-z0-9_-]{24}\?sig=[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{43}$/,
    );
  });

  it('bind the form token to its link', () => {
    const token = formToken(KEY, link.linkId);
    expect(verifyFormToken(KEYS, link.linkId, token)).toBe(true);
    expect(verifyFormToken(KEYS, newLinkId(), token)).toBe(false);
  });
});

describe('approval links across a key rotation', () => {
  const OLDER = 'o'.repeat(64);
  const OLD = KEY;
  const NEW = 'n'.repeat(64);
  const ROTATED = { current: NEW, previous: OLD };
  /** A signature as links were e-mailed before keys had ids: the bare HMAC, base64url. */
  const legacySignature = (key: string) =>
    createHmac('sha256', key)
      .update(['link-v1', link.linkId, link.assignee.email.toLowerCase(), link.expiresAt].join('\n'))
      .digest('base64url');
  const legacyFormToken = (key: string) =>
    createHmac('sha256', key).update(['form-v1', link.linkId].join('\n')).digest('base64url');

  it('name the key that signed them with a short id that tells keys apart', () => {
    expect(keyId(OLD)).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(keyId(OLD)).toBe(keyId(OLD));
    expect(keyId(NEW)).not.toBe(keyId(OLD));
    expect(keyIdOf(linkSignature(OLD, link))).toBe(keyId(OLD));
    expect(keyIdOf(formToken(NEW, link.linkId))).toBe(keyId(NEW));
    expect(keyIdOf(legacySignature(OLD))).toBeUndefined();
  });

  it('signed with the current key verify', () => {
    expect(verifyLinkSignature(ROTATED, link, linkSignature(NEW, link))).toBe(true);
    expect(verifyFormToken(ROTATED, link.linkId, formToken(NEW, link.linkId))).toBe(true);
  });

  it('signed with the previous key still verify, links and form tokens alike', () => {
    expect(verifyLinkSignature(ROTATED, link, linkSignature(OLD, link))).toBe(true);
    expect(verifyFormToken(ROTATED, link.linkId, formToken(OLD, link.linkId))).toBe(true);
  });

  it('signed with a key two rotations old, or naming a key id neither key has, are refused', () => {
    expect(verifyLinkSignature(ROTATED, link, linkSignature(OLDER, link))).toBe(false);
    expect(verifyFormToken(ROTATED, link.linkId, formToken(OLDER, link.linkId))).toBe(false);
    const mac = linkSignature(OLD, link).split('.')[1];
    expect(verifyLinkSignature(ROTATED, link, `AAAAAAAA.${mac}`)).toBe(false);
    // The right mac under another key's id: the id picks the key, and that key did not make the mac.
    expect(verifyLinkSignature(ROTATED, link, `${keyId(NEW)}.${mac}`)).toBe(false);
    expect(verifyLinkSignature(ROTATED, link, `${keyId(OLD)}.${mac}`)).toBe(true);
  });

  it('e-mailed before keys had ids verify with the current key, and after a rotation with the previous one', () => {
    expect(verifyLinkSignature({ current: OLD }, link, legacySignature(OLD))).toBe(true);
    expect(verifyFormToken({ current: OLD }, link.linkId, legacyFormToken(OLD))).toBe(true);
    expect(verifyLinkSignature(ROTATED, link, legacySignature(OLD))).toBe(true);
    expect(verifyFormToken(ROTATED, link.linkId, legacyFormToken(OLD))).toBe(true);
    expect(verifyLinkSignature(ROTATED, link, legacySignature(OLDER))).toBe(false);
    expect(verifyLinkSignature({ current: NEW, previous: OLDER }, link, legacySignature(OLD))).toBe(false);
  });
});
