// AWS clients, created once per function instance (STYLE.md §2), each traced by X-Ray (a subsegment per
// call). Endpoints come from the standard AWS_ENDPOINT_URL_<SERVICE> variables, which the local cloud sets; on
// AWS they are absent.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { requireConfig } from '#lib/config.ts';
import { traced } from '#lib/observability.ts';
import { once } from '#lib/once.ts';
import { createStore, type Store } from '#store/store.ts';

export const getStore: () => Store = once(() => {
  const store = createStore(requireConfig('TABLE_NAME').TABLE_NAME);
  // The document client shares its middleware stack with the DynamoDB client it wraps.
  traced(store.db);
  return store;
});
export const getSfn = once(() => traced(new SFNClient({})));
export const getSes = once(() => traced(new SESv2Client({})));
export const getSecrets = once(() => traced(new SecretsManagerClient({})));
