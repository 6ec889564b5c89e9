// One construct for every Lambda function (STYLE.md §7): runtime, architecture, bundling, logs, tracing and
// least-privilege grants are decided here once.

import { fileURLToPath } from 'node:url';
import { CfnTable, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  AssetHashType,
  DockerImage,
  Duration,
  type ILocalBundling,
  RemovalPolicy,
  Stack,
  Validations,
} from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { BUNDLE_HANDLER, externalsFor, functionBundles, handlerEntries, placeFunction } from '../bundle.ts';
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
/** The one-pass builds this process has made or found, by the packages they leave out. */
const builds = new Map<string, string>();

/**
 * CDK's local bundling of one function: links the function's folder from the one esbuild pass over all handlers
 * (infra/bundle.ts), built on the first function's turn, or not at all when an earlier synth left the same build
 * in the cache. CDK calls it only for stacks it bundles (`aws:cdk:bundling-stacks`: the tests' synths skip it),
 * and its fields are part of CDK's asset cache key, so each function gets its own asset.
 */
class OnePassBundle implements ILocalBundling {
  readonly handler: string;
  readonly external: string[];

  constructor(handler: string, external: string[]) {
    this.handler = handler;
    this.external = external;
  }

  tryBundle(outputDir: string): boolean {
    const key = this.external.join(',');
    let dir = builds.get(key);
    if (!dir) {
      dir = functionBundles({ root, external: this.external }).dir;
      builds.set(key, dir);
    }
    placeFunction(dir, this.handler, outputDir);
    return true;
  }
}

export class PilotFlowFunction extends Construct {
  readonly fn: LambdaFunction;

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
    if (!handlerEntries(root)[props.handler]) {
      throw new Error(`no handler functions/handlers/${props.handler}.ts(x) under ${root}`);
    }
    const external = externalsFor(deployConfig(this).mailTransport);
    // What NodejsFunction made, without its esbuild process per function one after another: the asset is the
    // function's folder of the one-pass build (index.mjs and its map), hashed by its content as before.
    const code = Code.fromAsset(root, {
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Never pulled: local bundling always succeeds or throws.
        image: DockerImage.fromRegistry('dummy'),
        local: new OnePassBundle(props.handler, external),
      },
    });
    this.fn = new LambdaFunction(this, 'Function', {
      role,
      code,
      handler: BUNDLE_HANDLER,
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
      environment: {
        POWERTOOLS_SERVICE_NAME: props.handler,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
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
