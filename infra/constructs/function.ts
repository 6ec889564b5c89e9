// One construct for every Lambda function (STYLE.md §7): runtime, architecture, bundling, logs, tracing and
// least-privilege grants are decided here once.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnTable, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { deployConfig } from '../config.ts';

export interface PilotFlowFunctionProps {
  /** The handler file under functions/handlers/, without extension, e.g. `open-task`. */
  handler: string;
  description: string;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  reservedConcurrentExecutions?: number;
  logRetention?: RetentionDays;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/** DynamoDB actions behind GetCommand, BatchGetCommand and QueryCommand. */
export const TABLE_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
/** Behind PutCommand, UpdateCommand, DeleteCommand and TransactWriteCommand (with its condition checks). */
export const TABLE_WRITE = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
];
/** How every function is bundled (esbuild through NodejsFunction); bench/scale.ts bundles with the same. */
export const BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node24',
  minify: true,
  sourceMap: true,
  // Stack traces need the map's mappings, not a copy of every source file: without `sourcesContent` the maps
  // are a third of the size and Node parses them faster at init (docs/reliability.md, "Init time").
  sourcesContent: false,
  // Bundle the AWS SDK too: versions pinned by our lockfile, and the local cloud runs the same bytes. Only
  // nodemailer stays out (240 KB): functions/adapters/smtp.ts imports it on first use, which happens only with
  // -c mailTransport=smtp, and then PilotFlowFunction bundles it.
  externalModules: ['nodemailer'] as string[],
  mainFields: ['module', 'main'],
  // Some dependencies are CommonJS and call require(); ESM bundles need it defined.
  banner:
    "import { createRequire as __pfRequire } from 'node:module'; const require = __pfRequire(import.meta.url);",
  tsconfig: `${root}tsconfig.json`,
} satisfies BundlingOptions;

export class PilotFlowFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: PilotFlowFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role with logs on its own log group only, instead of the managed basic-execution policy
    // (which allows writing to every log group in the account).
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    this.fn = new NodejsFunction(this, 'Function', {
      role,
      entry: entryOf(props.handler),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      logGroup,
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      projectRoot: root,
      depsLockFilePath: `${root}package-lock.json`,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.handler,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: deployConfig(this).mailTransport === 'smtp' ? { ...BUNDLING, externalModules: [] } : BUNDLING,
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions ' +
        '(https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html).',
    });
  }

  /**
   * Lets the function read the secret's value, and only that (GetSecretValue is the one call Powertools'
   * getSecret makes; grantRead would add DescribeSecret). A secret known by name only is matched with the
   * six characters Secrets Manager appends to its ARN.
   */
  readSecret(secret: ISecret): this {
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secret.secretFullArn ?? `${secret.secretArn}-??????`],
      }),
    );
    return this;
  }

  /**
   * Lets the function report a task's success to Step Functions: SendTaskSuccess, the one callback PilotFlow
   * makes (functions/adapters/sfn.ts); never SendTaskFailure or SendTaskHeartbeat.
   * On `*`, because the Service Authorization Reference lists no resource type for states:SendTaskSuccess
   * (nor for SendTaskFailure and SendTaskHeartbeat), and for such an action "you must specify all resources
   * ("*")" (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html).
   * CDK's grantTaskResponse names the state machine instead, which the reference does not document. The task
   * token is what names the task: a function can complete only the tasks whose tokens it reads from the table.
   */
  grantTaskSuccess(): this {
    this.fn.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: ['*'] }));
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'states:SendTaskSuccess supports no resource-level permission: the Service Authorization Reference lists no ' +
        'resource type for it (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html).',
    });
    return this;
  }

  /**
   * Grants the least the function needs on the table, and tells it the table's name: the item operations
   * functions/store uses (TransactWrite needs the per-item actions), never Scan, batch writes or streams.
   */
  bindTable(table: ITable, access: 'read' | 'write'): this {
    table.grant(this.fn, ...(access === 'read' ? TABLE_READ : [...TABLE_READ, ...TABLE_WRITE]));
    const cfn = table.node.defaultChild;
    if (cfn instanceof CfnTable) {
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(table).getLogicalId(cfn)}.Arn>/index/*]`,
        reason:
          "Queries the table's own secondary indexes (byParent, openTasksByDue, byAssignee): only this table's.",
      });
    }
    this.fn.addEnvironment('TABLE_NAME', table.tableName);
    return this;
  }
}

/** The entry file of a handler: `functions/handlers/<name>.tsx` or `.ts`. */
export function entryOf(handler: string): string {
  const tsx = `${root}functions/handlers/${handler}.tsx`;
  return existsSync(tsx) ? tsx : `${root}functions/handlers/${handler}.ts`;
}
