// One construct for every Lambda function (STYLE.md §7): runtime, architecture, bundling, logs, tracing and
// least-privilege grants are decided here once.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

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

export class PilotFlowFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: PilotFlowFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole: the function writes to its own log group only.
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which have no resource-level permissions.',
    });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: entryOf(props.handler),
      role,
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
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        // Bundle the AWS SDK too: versions pinned by our lockfile, and the local cloud runs the same bytes.
        externalModules: [],
        mainFields: ['module', 'main'],
        // Some dependencies are CommonJS and call require(); ESM bundles need it defined.
        banner:
          "import { createRequire as __pfRequire } from 'node:module'; const require = __pfRequire(import.meta.url);",
        tsconfig: `${root}tsconfig.json`,
      },
    });
  }

  /** Grants the least the function needs on the table, and tells it the table's name. */
  bindTable(table: ITable, access: 'read' | 'write'): this {
    if (access === 'read') table.grantReadData(this.fn);
    else table.grantReadWriteData(this.fn);
    this.fn.addEnvironment('TABLE_NAME', table.tableName);
    const cfnTable = table.node.defaultChild as CfnElement | undefined;
    if (cfnTable) {
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(table).getLogicalId(cfnTable)}.Arn>/index/*]`,
        reason: 'The function queries the indexes of its one table (index/* of that table only).',
      });
    }
    return this;
  }
}

function entryOf(handler: string): string {
  const tsx = `${root}functions/handlers/${handler}.tsx`;
  return existsSync(tsx) ? tsx : `${root}functions/handlers/${handler}.ts`;
}
