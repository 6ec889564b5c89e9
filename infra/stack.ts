import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import { PilotFlowWorkflows } from '#workflows/index.ts';
import { type DeployConfig, deployConfig } from './config.ts';
import { AdminAuth } from './constructs/admin-auth.ts';
import { ApprovalApi } from './constructs/approval-api.ts';
import { Dashboard } from './constructs/dashboard.ts';
import { Documents } from './constructs/documents.ts';
import { Escalation, parseRate } from './constructs/escalation.ts';
import { Evidence } from './constructs/evidence.ts';
import { PilotFlowFunction } from './constructs/function.ts';
import { PilotFlowMail } from './constructs/mail.ts';
import { Monitoring, notificationsKey } from './constructs/monitoring.ts';
import { PilotFlowTable } from './constructs/table.ts';
import { WorkflowHandlers } from './constructs/workflow-functions.ts';
import { mark } from './marks.ts';

/** Everything PilotFlow deploys, in one stack. Environment-agnostic: no account or region lookups. */
export class PilotFlowStack extends Stack {
  readonly table: PilotFlowTable;
  readonly workflows: PilotFlowWorkflows;
  readonly handlers: WorkflowHandlers;
  readonly launchProgramme: PilotFlowFunction;
  readonly linkSigningSecret: Secret;
  readonly approval: ApprovalApi;
  readonly adminAuth: AdminAuth;
  readonly dashboard: Dashboard;
  readonly escalation: Escalation;
  readonly mail: PilotFlowMail;
  readonly evidence: Evidence;
  readonly monitoring: Monitoring;
  readonly config: DeployConfig;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const config = deployConfig(this);
    this.config = config;
    this.table = new PilotFlowTable(this, 'Data');
    const topicKey = notificationsKey(this, 'NotificationsKey');
    const mail = new PilotFlowMail(this, 'Mail', { config, table: this.table.table, topicKey });
    this.mail = mail;
    // Never change generateSecretString: CloudFormation would generate a new key and every link e-mailed
    // would stop working. Retained like the table, whose links it verifies.
    this.linkSigningSecret = new Secret(this, 'LinkSigningKey', {
      description: 'PilotFlow: the key that signs approval links and form tokens',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.linkSigningSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotated by one documented command (README: put-secret-value of a new random value), not a rotation ' +
        'function: the key is shared with no other system, and the functions verify with AWSCURRENT and ' +
        'AWSPREVIOUS, so links e-mailed before a rotation keep working until they expire.',
    });
    new CfnOutput(this, 'LinkSigningSecretArn', {
      value: this.linkSigningSecret.secretArn,
      description: 'The link-signing key (Secrets Manager): rotate it with put-secret-value (README)',
    });
    this.approval = new ApprovalApi(this, 'Approval', {
      table: this.table.table,
      signingKey: this.linkSigningSecret,
      ...(config.helpContact ? { helpContact: config.helpContact } : {}),
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
      ...(config.callbackRetryRate
        ? { callbackRetryRate: parseRate(config.callbackRetryRate, 'callbackRetryRate') }
        : {}),
    });
    // Links in e-mails (approval links, the escalation's task pages, the dashboard's resent links) start with
    // the HTTP API's URL, unless a custom domain is given (`-c apiBaseUrl=…`).
    const apiBaseUrl = config.apiBaseUrl ?? this.approval.url;
    // The task page's upload forms send the browser to S3 and back: S3's success redirect is the page's own URL.
    this.approval.approval.fn.addEnvironment('API_BASE_URL', apiBaseUrl);
    this.approval.addSupervision({
      table: this.table.table,
      signingKey: this.linkSigningSecret,
      mail,
      apiBaseUrl,
      ...(config.helpContact ? { helpContact: config.helpContact } : {}),
    });
    this.approval.addBatch({
      table: this.table.table,
      signingKey: this.linkSigningSecret,
      apiBaseUrl,
      ...(config.helpContact ? { helpContact: config.helpContact } : {}),
    });
    this.handlers = new WorkflowHandlers(this, 'Workflow', {
      table: this.table.table,
      mail,
      linkSigningSecret: this.linkSigningSecret,
      apiBaseUrl,
    });
    this.workflows = new PilotFlowWorkflows(this, 'Workflows', {
      functions: this.handlers.lambdas,
      ...(config.humanTaskTimeoutDays
        ? { humanTaskTimeout: Duration.days(config.humanTaskTimeoutDays) }
        : {}),
    });
    this.launchProgramme = new PilotFlowFunction(this, 'LaunchProgramme', {
      handler: 'launch-programme',
      description: 'Validates a plan, stores it and starts its Programme execution (once)',
      environment: { PROGRAMME_STATE_MACHINE_ARN: this.workflows.programme.machine.stateMachineArn },
    }).bindTable(this.table.table, 'write');
    this.workflows.programme.machine.grantStartExecution(this.launchProgramme.fn);
    // The local cloud launches its plan through the function marked so (docs/local-cloud.md).
    mark(this.launchProgramme.fn, { role: 'launcher' });
    new CfnOutput(this, 'LaunchFunctionName', {
      value: this.launchProgramme.fn.functionName,
      description: 'The launch function: npx pilotflow launch <plan> --stack <this stack> (README)',
    });
    this.escalation = new Escalation(this, 'Escalation', {
      table: this.table.table,
      mail,
      linkSigningSecret: this.linkSigningSecret,
      apiBaseUrl,
      rate: config.escalationRate,
      ...(config.escalationDailyAt
        ? { dailyAt: { time: config.escalationDailyAt, timeZone: config.escalationTimeZone ?? 'UTC' } }
        : {}),
      ...(config.escalationReadAhead ? { readAhead: config.escalationReadAhead } : {}),
    });
    this.adminAuth = new AdminAuth(this, 'AdminAuth', { adminEmails: config.adminEmails, apiBaseUrl });
    this.dashboard = new Dashboard(this, 'Dashboard', {
      api: this.approval.api,
      authorizer: this.adminAuth.authorizer,
      authEnvironment: this.adminAuth.environment,
      table: this.table.table,
      mail,
      linkSigningSecret: this.linkSigningSecret,
      apiBaseUrl,
      machines: {
        programme: this.workflows.programme.machine,
        pilot: this.workflows.pilot.machine,
        launch: this.workflows.launch.machine,
        implementation: this.workflows.implementation.machine,
        evaluation: this.workflows.evaluation.machine,
      },
    });
    const documents = new Documents(this, 'Documents', {
      api: this.approval.api,
      authorizer: this.adminAuth.authorizer,
      table: this.table.table,
    });
    // Evidence files: the link pages sign uploads, downloads (the reviewer's page) and the deletion of an upload
    // that came after its task was decided; the dashboard lists them and signs administrators' downloads.
    this.evidence = new Evidence(this, 'Evidence', { retentionDays: config.evidenceRetentionDays });
    for (const page of [this.approval.approval, this.approval.supervision]) {
      if (page) this.evidence.grantUpload(page).grantDownload(page).grantDelete(page);
    }
    this.evidence.grantDownload(this.dashboard.fn);
    // The administrators' routes have their own throttles, so that traffic on the links does not lock them out.
    this.approval.throttleRoutes([...this.dashboard.routes, ...documents.routes], {
      rateLimit: config.adminRateLimit,
      burstLimit: config.adminBurstLimit,
    });

    // Built last, from what the stack holds, so that a function or machine added above is watched too.
    const all = this.node.findAll();
    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions: all.filter((c): c is PilotFlowFunction => c instanceof PilotFlowFunction),
      stateMachines: all.filter((c): c is StateMachine => c instanceof StateMachine),
      deadLetterQueues: all.filter((c): c is Queue => c instanceof Queue),
      api: this.approval.api,
      ses: mail.transport === 'ses',
      alarmEmails: config.alarmEmails,
      topicKey,
    });
    applyStackWide(this, config);
  }
}

/** Settings that hold for every resource of a kind, whichever construct made it. */
function applyStackWide(stack: Stack, config: DeployConfig): void {
  for (const c of stack.node.findAll()) {
    // One retention for every log group: functions', state machines', the API's access logs.
    if (c instanceof CfnLogGroup) c.retentionInDays = config.logRetentionDays;
    // Accounts still at the initial concurrency quota (10) cannot reserve any: `-c reserveConcurrency=false`.
    if (c instanceof CfnFunction && !config.reserveConcurrency) c.reservedConcurrentExecutions = undefined;
  }
}
