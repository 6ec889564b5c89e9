// Client settings for the local services the integrations call: their endpoint, dummy credentials (the
// emulators accept any), and no SDK retries (Step Functions' own Retry decides).
export function localClientConfig(endpoint: string, region = 'us-east-1') {
  return {
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  };
}
