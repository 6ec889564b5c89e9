import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { PilotFlowWorkflows } from '#workflows/index.ts';
import { stateMachineArnIn } from '#workflows/machine.ts';
import { ApprovalApi } from './constructs/approval-api.ts';
import { Escalation } from './constructs/escalation.ts';
import { PilotFlowFunction } from './constructs/function.ts';
import { PilotFlowMail } from './constructs/mail.ts';
import { PilotFlowTable } from './constructs/table.ts';
import { WorkflowHandlers } from './constructs/workflow-functions.ts';

/** Everything PilotFlow deploys, in one stack. Environment-agnostic: no account or region lookups. */
export class PilotFlowStack extends Stack {
  readonly table: PilotFlowTable;
  readonly workflows: PilotFlowWorkflows;
  readonly handlers: WorkflowHandlers;
  readonly launchProgramme: PilotFlowFunction;
  readonly linkSigningSecret: Secret;
  readonly approval: ApprovalApi;
  readonly escalation: Escalation;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const context = (key: string): string | undefined => {
      const value = this.node.tryGetContext(key) as unknown;
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    this.table = new PilotFlowTable(this, 'Data');
    const mail = new PilotFlowMail(this, 'Mail', {
      from: context('mailFrom') ?? 'PilotFlow <pilotflow@xx-county.example>',
      ...(context('sesIdentity') ? { identity: context('sesIdentity')! } : {}),
      ...(context('sesConfigurationSet') ? { configurationSet: context('sesConfigurationSet')! } : {}),
    });
    this.linkSigningSecret = new Secret(this, 'LinkSigningKey', {
      description: 'PilotFlow: the key that signs approval links and form tokens',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });
    Validations.of(this.linkSigningSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the link-signing key would invalidate every approval link already e-mailed before its due date; ' +
        'the key never leaves Secrets Manager and the Lambda functions that sign and verify links.',
    });
    this.approval = new ApprovalApi(this, 'Approval', {
      table: this.table.table,
      signingKey: this.linkSigningSecret,
      ...(context('helpContact') ? { helpContact: context('helpContact')! } : {}),
    });
    // The Programme machine's name is fixed so that functions it calls can be granted on it without a cycle.
    const programmeArn = stateMachineArnIn(this, 'Programme');
    this.handlers = new WorkflowHandlers(this, 'Workflow', {
      table: this.table.table,
      mail,
      linkSigningSecret: this.linkSigningSecret,
      // The approval links' base URL: the HTTP API's, unless a custom domain is given (`-c apiBaseUrl=…`).
      apiBaseUrl: context('apiBaseUrl') ?? this.approval.url,
      programmeStateMachineArn: programmeArn,
    });
    const days = Number(context('humanTaskTimeoutDays'));
    this.workflows = new PilotFlowWorkflows(this, 'Workflows', {
      functions: this.handlers.lambdas,
      ...(Number.isFinite(days) && days > 0 ? { humanTaskTimeout: Duration.days(days) } : {}),
    });
    this.launchProgramme = new PilotFlowFunction(this, 'LaunchProgramme', {
      handler: 'launch-programme',
      description: 'Validates a plan, stores it and starts its Programme execution (once)',
      environment: { PROGRAMME_STATE_MACHINE_ARN: this.workflows.programme.machine.stateMachineArn },
    }).bindTable(this.table.table, 'write');
    this.workflows.programme.machine.grantStartExecution(this.launchProgramme.fn);
    this.escalation = new Escalation(this, 'Escalation', {
      table: this.table.table,
      mail,
      linkSigningSecret: this.linkSigningSecret,
      apiBaseUrl: context('apiBaseUrl') ?? this.approval.url,
      rate: context('escalationRate') ?? '1 hour',
      ...(context('escalationReadAhead') ? { readAhead: context('escalationReadAhead')! } : {}),
    });
  }
}
