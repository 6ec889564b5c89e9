// The local identity provider (local/cloud/oidc.ts): Cognito's stand-in for the template's app clients, with
// the users of <data-dir>/identity-users.json, signing with the local cloud's admin key. Without an app client
// in the template there is nothing to sign in to, and it does not start.
import { join } from 'node:path';
import { LocalIssuer } from '../jwt.ts';
import { type LocalClient, LocalIdentityProvider, loadUsers, subjectOf } from '../oidc.ts';
import type { Service } from './compose.ts';

export interface IdentityService extends Service {
  issuer: LocalIssuer;
  /** The provider's issuer URL; undefined when the template has no app client. */
  url?: string;
  /** The first user of the admin group, whom the printed sign-in link signs in. */
  admin?: { email: string; name: string; sub: string; groups: string[] };
  /** The first app client's id: the audience of the admin token. */
  clientId?: string;
}

export async function startIdentity(options: {
  dataDir: string;
  host: string;
  port: number;
  clients: LocalClient[];
}): Promise<IdentityService> {
  const issuer = LocalIssuer.open(join(options.dataDir, 'admin-key.pem'));
  if (!options.clients.length) return { issuer, stop: () => {} };
  const users = loadUsers(join(options.dataDir, 'identity-users.json'));
  const provider = await LocalIdentityProvider.start({
    port: options.port,
    host: options.host,
    issuer,
    clients: options.clients,
    users,
  });
  const admin = users.find((u) => u.groups.includes('admin')) ?? users[0];
  return {
    issuer,
    url: provider.url,
    ...(admin ? { admin: { ...admin, sub: subjectOf(admin.email) } } : {}),
    clientId: options.clients[0]?.clientId as string,
    stop: () => provider.close(),
  };
}
