import { describe, expect, it } from 'vitest';
import {
  formToken,
  isLinkId,
  linkSignature,
  linkUrl,
  newLinkId,
  verifyFormToken,
  verifyLinkSignature,
} from '#domain/links.ts';

const KEY = 'k'.repeat(64);
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
        KEY,
        { ...link, assignee: { ...link.assignee, email: 'wang@XX-county.example' } },
        sig,
      ),
    ).toBe(true);
  });

  it('refuse a signature for another assignee, another expiry, another key or a tampered one', () => {
    const sig = linkSignature(KEY, link);
    expect(
      verifyLinkSignature(KEY, { ...link, assignee: { name: 'x', email: 'li@xx-county.example' } }, sig),
    ).toBe(false);
    expect(verifyLinkSignature(KEY, { ...link, expiresAt: '2024-01-01T00:00:00.000Z' }, sig)).toBe(false);
    expect(verifyLinkSignature('z'.repeat(64), link, sig)).toBe(false);
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    expect(verifyLinkSignature(KEY, link, flipped)).toBe(false);
    expect(verifyLinkSignature(KEY, link, '')).toBe(false);
    expect(verifyLinkSignature(KEY, link, `${sig}x`)).toBe(false);
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
      expect(verifyLinkSignature(KEY, link, other)).toBe(false);
    }
    for (const other of respellings(token)) expect(verifyFormToken(KEY, link.linkId, other)).toBe(false);
  });

  it('put no token and nothing but the id and signature in the URL', () => {
    const url = linkUrl('https://api.example/', link.linkId, linkSignature(KEY, link));
    expect(url).toMatch(/^https:\/\/api\.example\/a\/[A-Za-z0-9_-]{24}\?sig=[A-Za-z0-9_-]{43}$/);
  });

  it('bind the form token to its link', () => {
    const token = formToken(KEY, link.linkId);
    expect(verifyFormToken(KEY, link.linkId, token)).toBe(true);
    expect(verifyFormToken(KEY, newLinkId(), token)).toBe(false);
  });
});
