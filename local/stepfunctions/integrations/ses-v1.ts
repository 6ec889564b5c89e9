// `aws-sdk:ses:sendEmail` (SES v1, a query-protocol API): the form-encoded request built from the task's
// parameters, sent with fetch since the project carries only the SES v2 SDK client. For local emulators only:
// the request is not signed.
import { StatesFailure } from '../failure.ts';
import type { Json } from '../types.ts';

/** Flattens { Destination: { ToAddresses: [a] } } into Destination.ToAddresses.member.1=a, as the query protocol does. */
function flatten(prefix: string, value: unknown, out: URLSearchParams): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      flatten(`${prefix}.member.${i + 1}`, v, out);
    });
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(prefix ? `${prefix}.${k}` : k, v, out);
  } else if (value !== undefined && value !== null) {
    out.append(prefix, String(value));
  }
}

export async function sesV1SendEmail(endpoint: string, region: string, parameters: Json): Promise<Json> {
  const body = new URLSearchParams({ Action: 'SendEmail', Version: '2010-12-01' });
  flatten('', parameters ?? {}, body);
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        // Local emulators want an AWS-style Authorization header but do not check the signature.
        authorization: `AWS4-HMAC-SHA256 Credential=local/20240101/${region}/ses/aws4_request, SignedHeaders=host, Signature=local`,
      },
      body,
    });
  } catch (error) {
    throw new StatesFailure({ error: 'Ses.SdkClientException', cause: (error as Error).message });
  }
  const text = await res.text();
  if (!res.ok) {
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? 'SesException';
    throw new StatesFailure({
      error: `Ses.${code.endsWith('Exception') ? code : `${code}Exception`}`,
      cause: text,
    });
  }
  return { MessageId: /<MessageId>([^<]+)<\/MessageId>/.exec(text)?.[1] ?? '' };
}
