// Client settings for the local services the integrations call: their endpoint, dummy credentials (the
// emulators accept any; DynamoDB Local without -sharedDb keeps one database per access key), and no SDK
// retries (Step Functions' own Retry decides).
export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export function localClientConfig(
  endpoint: string,
  region = 'us-east-1',
  credentials: LocalCredentials = { accessKeyId: 'local', secretAccessKey: 'local' },
) {
  return { endpoint, region, credentials, maxAttempts: 1 };
}
