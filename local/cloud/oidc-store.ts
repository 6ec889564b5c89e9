// Where the local identity provider keeps its sessions, grants, codes and tokens: in memory, for the life of
// the local cloud, which is what a stand-in for Cognito on one machine needs (after a restart an administrator
// signs in again with one click). oidc-provider's own in-memory adapter does the same but prints a warning on
// every start that "you MUST change it", which a county trying its plan cannot act on; this one is ours, so
// the choice is made and written down here instead.
// The adapter interface: https://github.com/panva/node-oidc-provider/blob/main/example/my_adapter.js

/** What oidc-provider stores: a model's payload (a JSON object), with the fields the adapter indexes. */
export interface StoredPayload {
  uid?: string;
  userCode?: string;
  grantId?: string;
  consumed?: number;
  [field: string]: unknown;
}

export interface OidcAdapter {
  upsert(id: string, payload: StoredPayload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<StoredPayload | undefined>;
  findByUid(uid: string): Promise<StoredPayload | undefined>;
  findByUserCode(userCode: string): Promise<StoredPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/**
 * One store for one provider: a factory oidc-provider calls with each model's name (Session, Grant,
 * AuthorizationCode, AccessToken, Interaction…). Entries end after their `expiresIn` seconds of wall time.
 */
export function memoryAdapters(now: () => number = Date.now): (model: string) => OidcAdapter {
  const entries = new Map<string, { payload: StoredPayload; expiresAt?: number }>();
  const byUid = new Map<string, string>();
  const byUserCode = new Map<string, string>();
  const byGrant = new Map<string, Set<string>>();

  const live = (key: string | undefined): StoredPayload | undefined => {
    if (key === undefined) return undefined;
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  return (model) => {
    const keyOf = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        const key = keyOf(id);
        entries.set(key, {
          payload,
          ...(typeof expiresIn === 'number' ? { expiresAt: now() + expiresIn * 1000 } : {}),
        });
        if (payload.uid) byUid.set(payload.uid, key);
        if (payload.userCode) byUserCode.set(payload.userCode, key);
        if (payload.grantId) {
          const keys = byGrant.get(payload.grantId) ?? new Set<string>();
          keys.add(key);
          byGrant.set(payload.grantId, keys);
        }
      },
      async find(id) {
        return live(keyOf(id));
      },
      async findByUid(uid) {
        return live(byUid.get(uid));
      },
      async findByUserCode(userCode) {
        return live(byUserCode.get(userCode));
      },
      async consume(id) {
        const payload = live(keyOf(id));
        if (payload) payload.consumed = Math.floor(now() / 1000);
      },
      async destroy(id) {
        const key = keyOf(id);
        const payload = entries.get(key)?.payload;
        entries.delete(key);
        if (payload?.uid && byUid.get(payload.uid) === key) byUid.delete(payload.uid);
        if (payload?.userCode && byUserCode.get(payload.userCode) === key)
          byUserCode.delete(payload.userCode);
      },
      async revokeByGrantId(grantId) {
        for (const key of byGrant.get(grantId) ?? []) entries.delete(key);
        byGrant.delete(grantId);
      },
    };
  };
}
