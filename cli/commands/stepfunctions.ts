// `pilotflow stepfunctions`: the local Step Functions runtime on its own, a durable drop-in for Step Functions
// Local. Ready when it answers ListStateMachines; stops cleanly on SIGTERM or SIGINT.
import type { Command } from 'commander';
import * as z from 'zod';
import { isLoopbackName } from '#local/host-check.ts';

const Options = z.object({
  port: z.coerce.number().int().min(0).max(65_535),
  host: z.string().min(1),
  dataDir: z.string().min(1).optional(),
  lambdaEndpoint: z.url().optional(),
  dynamodbEndpoint: z.url().optional(),
  sesEndpoint: z.url().optional(),
  s3Endpoint: z.url().optional(),
  mockConfig: z.string().min(1).optional(),
  region: z.string().min(1),
  accountId: z.string().regex(/^\d{12}$/),
});

export function registerStepFunctions(cli: Command): void {
  cli
    .command('stepfunctions')
    .description('Run the local Step Functions runtime alone, serving the Step Functions API over HTTP.')
    .option('--port <port>', 'port to listen on', '8083')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'keep executions on disk in this directory (default: in memory)')
    .option('--lambda-endpoint <url>', 'run Lambda tasks through the Lambda Invoke API at this URL')
    .option('--dynamodb-endpoint <url>', 'run DynamoDB tasks against this endpoint')
    .option('--ses-endpoint <url>', 'run SES tasks against this endpoint')
    .option(
      '--s3-endpoint <url>',
      'read Distributed Map items from S3 at this URL (default: $AWS_ENDPOINT_URL_S3)',
      process.env.AWS_ENDPOINT_URL_S3 || undefined,
    )
    .option('--mock-config <file>', "Step Functions Local's mocked service integrations file")
    .option('--region <region>', 'region in ARNs', 'us-east-1')
    .option('--account-id <id>', 'account id in ARNs', '123456789012')
    .action(async (raw: Record<string, unknown>) => {
      const parsed = Options.safeParse(raw);
      if (!parsed.success) {
        throw new Error(
          `Invalid option: ${parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; ')}`,
        );
      }
      const o = parsed.data;
      if (!isLoopbackName(o.host)) {
        console.warn(
          `warning: --host ${o.host} is not a loopback address: other machines can reach the Step Functions API (start, stop and answer executions), and it answers any Host name`,
        );
      }
      const { StepFunctionsRuntime } = await import('#local/stepfunctions/runtime.ts');
      const runtime = await StepFunctionsRuntime.open({
        dataDir: o.dataDir,
        lambdaEndpoint: o.lambdaEndpoint,
        dynamodbEndpoint: o.dynamodbEndpoint,
        sesEndpoint: o.sesEndpoint,
        s3Endpoint: o.s3Endpoint,
        mockConfig: o.mockConfig,
        region: o.region,
        accountId: o.accountId,
        log: {
          info: (m) => console.log(m),
          warn: (m) => console.warn(m),
          error: (m) => console.error(m),
        },
      });
      const { url } = await runtime.listen({ port: o.port, host: o.host });
      console.log(
        `Step Functions API on ${url} (${o.dataDir ? `data in ${o.dataDir}` : 'in memory'}); stop with Ctrl-C`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      await runtime.close();
      console.log('Step Functions runtime stopped');
    });
}
