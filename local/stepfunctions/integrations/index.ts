// The AWS service integrations other than Lambda and nested executions, keyed `service:action` as the
// Resource names them. Each SDK client is loaded only when its endpoint is configured.
import { StatesFailure } from '../failure.ts';
import type { RuntimeOptions } from '../runtime.ts';
import type { ServiceIntegration } from '../types.ts';

const DYNAMODB_ACTIONS = ['getItem', 'putItem', 'updateItem', 'deleteItem'] as const;
const SES_ACTIONS = ['aws-sdk:sesv2:sendEmail', 'aws-sdk:ses:sendEmail'] as const;

function unconfigured(what: string, option: string): ServiceIntegration {
  return async () => {
    throw new StatesFailure({
      error: 'States.Runtime',
      cause: `This runtime has no ${what} endpoint: start it with ${option} URL to run this task`,
    });
  };
}

export async function serviceIntegrations(
  options: RuntimeOptions,
): Promise<Record<string, ServiceIntegration>> {
  const out: Record<string, ServiceIntegration> = {};
  const region = options.region ?? 'us-east-1';
  if (options.dynamodbEndpoint) {
    const { dynamodbIntegrations } = await import('./dynamodb.ts');
    Object.assign(out, dynamodbIntegrations(options.dynamodbEndpoint, region, options.dynamodbCredentials));
  } else {
    for (const a of DYNAMODB_ACTIONS) out[`dynamodb:${a}`] = unconfigured('DynamoDB', 'dynamodbEndpoint /');
  }
  if (options.sesEndpoint) {
    const { sesIntegrations } = await import('./ses.ts');
    Object.assign(out, sesIntegrations(options.sesEndpoint, region));
  } else {
    for (const a of SES_ACTIONS) out[a] = unconfigured('SES', 'sesEndpoint /');
  }
  return out;
}
