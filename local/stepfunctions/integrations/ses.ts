// SES through the AWS SDK integrations `aws-sdk:sesv2:sendEmail` and `aws-sdk:ses:sendEmail`: the API's own
// request as parameters, its response without metadata as the result, errors `SesV2.<Exception>` / `Ses.<…>`.
import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import type { ServiceIntegration } from '../types.ts';
import { localClientConfig } from './client-config.ts';
import { asStatesError, withoutMetadata } from './sdk-errors.ts';

export function sesIntegrations(endpoint: string, region: string): Record<string, ServiceIntegration> {
  const v2 = new SESv2Client(localClientConfig(endpoint, region));
  return {
    'aws-sdk:sesv2:sendEmail': async (parameters) =>
      withoutMetadata(
        await asStatesError('SesV2', () =>
          v2.send(new SendEmailCommand((parameters ?? {}) as SendEmailCommandInput)),
        ),
      ),
    'aws-sdk:ses:sendEmail': async (parameters) => {
      const { sesV1SendEmail } = await import('./ses-v1.ts');
      return await sesV1SendEmail(endpoint, region, parameters);
    },
  };
}
