// AWS clients, created once per function instance (STYLE.md §2). Endpoints come from the standard
// AWS_ENDPOINT_URL_<SERVICE> variables, which the local cloud sets; on AWS they are absent.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createStore, type Store } from '#store/store.ts';
import { requireConfig } from './config.ts';

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

export const getStore: () => Store = once(() => createStore(requireConfig('TABLE_NAME').TABLE_NAME));
export const getSfn = once(() => new SFNClient({}));
export const getSes = once(() => new SESv2Client({}));
export const getSecrets = once(() => new SecretsManagerClient({}));
