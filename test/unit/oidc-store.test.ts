// The local identity provider's store (local/cloud/oidc-store.ts): what oidc-provider asks of an adapter, and a
// start of the provider with it that prints no "you MUST change it" warning to a county trying its plan.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { LocalIssuer } from '#local/cloud/jwt.ts';
import { DEFAULT_USERS, LocalIdentityProvider } from '#local/cloud/oidc.ts';
import { memoryAdapters } from '#local/cloud/oidc-store.ts';

describe('the local identity provider’s store', () => {
  test('finds what was stored by id, uid and user code, per model', async () => {
    const adapters = memoryAdapters();
    const sessions = adapters('Session');
    const codes = adapters('AuthorizationCode');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'a' }, 60);
    await codes.upsert('c1', { userCode: 'ABCD', grantId: 'g1' }, 60);
    expect(await sessions.find('s1')).toMatchObject({ accountId: 'a' });
    expect(await codes.find('s1')).toBeUndefined();
    expect(await sessions.findByUid('u1')).toMatchObject({ accountId: 'a' });
    expect(await codes.findByUserCode('ABCD')).toMatchObject({ grantId: 'g1' });
  });

  test('forgets an entry once its expiresIn has passed', async () => {
    let now = 1_000_000;
    const tokens = memoryAdapters(() => now)('AccessToken');
    await tokens.upsert('t', { grantId: 'g' }, 30);
    now += 29_999;
    expect(await tokens.find('t')).toBeDefined();
    now += 1;
    expect(await tokens.find('t')).toBeUndefined();
  });

  test('marks a consumed code with the time, and destroys and revokes by grant', async () => {
    const adapters = memoryAdapters(() => 5_000_000);
    const codes = adapters('AuthorizationCode');
    const tokens = adapters('AccessToken');
    await codes.upsert('c', { grantId: 'g', uid: 'u' }, 60);
    await tokens.upsert('t', { grantId: 'g' }, 60);
    await tokens.upsert('other', { grantId: 'h' }, 60);
    await codes.consume('c');
    expect((await codes.find('c'))?.consumed).toBe(5_000);
    await codes.destroy('c');
    expect(await codes.find('c')).toBeUndefined();
    expect(await codes.findByUid('u')).toBeUndefined();
    await tokens.revokeByGrantId('g');
    expect(await tokens.find('t')).toBeUndefined();
    expect(await tokens.find('other')).toBeDefined();
  });
});

describe('the local identity provider', () => {
  afterEach(() => vi.restoreAllMocks());

  test('starts without oidc-provider’s development warnings', async () => {
    const warn = vi.spyOn(console, 'warn');
    const info = vi.spyOn(console, 'info');
    const issuer = LocalIssuer.open(join(mkdtempSync(join(tmpdir(), 'oidc-')), 'key.pem'));
    const provider = await LocalIdentityProvider.start({
      port: 0,
      host: '127.0.0.1',
      issuer,
      clients: [{ clientId: 'c', redirectUris: ['http://127.0.0.1:1/cb'], logoutUris: [] }],
      users: DEFAULT_USERS,
    });
    try {
      const discovery = await fetch(`${provider.url}/.well-known/openid-configuration`);
      expect(discovery.status).toBe(200);
      expect([...warn.mock.calls, ...info.mock.calls].flat().join('\n')).not.toMatch(/oidc-provider/);
    } finally {
      await provider.close();
    }
  });
});
