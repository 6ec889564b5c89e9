// The workflows' Lambda functions (functions/handlers/*), each with only the grants it needs: the table, the
// sender's SES identity, the link-signing secret (open-task), SendTaskSuccess to resume the Programme
// execution (record-progress, await-pilots).

import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Duration } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import type { WorkflowFunctions } from '#workflows/flow.ts';
import { PilotFlowFunction } from './function.ts';
import type { PilotFlowMail } from './mail.ts';

export interface WorkflowFunctionsProps {
  table: ITable;
  mail: PilotFlowMail;
  linkSigningSecret: ISecret;
  /** The public base URL of the HTTP API, for links in e-mails. */
  apiBaseUrl: string;
}

export class WorkflowHandlers extends Construct {
  readonly functions: Record<keyof WorkflowFunctions, PilotFlowFunction>;

  constructor(scope: Construct, id: string, props: WorkflowFunctionsProps) {
    super(scope, id);
    const make = (
      cid: string,
      handler: string,
      description: string,
      options: { mail?: boolean; timeout?: Duration } = {},
    ) => {
      const fn = new PilotFlowFunction(this, cid, {
        handler,
        description,
        ...(options.timeout ? { timeout: options.timeout } : {}),
      }).bindTable(props.table, 'write');
      if (options.mail) props.mail.bind(fn);
      return fn;
    };
    const openTask = make(
      'OpenTask',
      'open-task',
      'Opens a human task: stores it, signs one link per assignee, e-mails them',
      {
        mail: true,
      },
    );
    openTask.readSecret(props.linkSigningSecret);
    openTask.fn.addEnvironment('LINK_SIGNING_SECRET_ARN', props.linkSigningSecret.secretArn);
    openTask.fn.addEnvironment('API_BASE_URL', props.apiBaseUrl);

    // Both resume the Programme execution parked on await-pilots' task token.
    const recordProgress = make(
      'RecordProgress',
      'record-progress',
      'Records stage progress and pilot outcomes',
    ).grantTaskSuccess();
    const awaitPilots = make(
      'AwaitPilots',
      'await-pilots',
      'Parks the Programme execution until every pilot finished',
    ).grantTaskSuccess();

    this.functions = {
      openTask,
      closeTask: make('CloseTask', 'close-task', 'Reports a stalled human task to the lead unit', {
        mail: true,
      }),
      notifyFailure: make(
        'NotifyFailure',
        'notify-failure',
        'Reports a failed workflow step to the lead unit',
        {
          mail: true,
        },
      ),
      sendNotice: make(
        'SendNotice',
        'send-notice',
        'Sends workflow notices such as the mobilisation notice',
        { mail: true },
      ),
      recordProgress,
      recordCheck: make('RecordCheck', 'record-check', 'Records a supervision check'),
      scoreAcceptance: make(
        'ScoreAcceptance',
        'score-acceptance',
        "Scores a county acceptance from the working group's decisions",
      ),
      compileSummary: make(
        'CompileSummary',
        'compile-summary',
        'Compiles pilot and programme summary reports',
        {
          mail: true,
          timeout: Duration.minutes(5),
        },
      ),
      sendSummary: make('SendSummary', 'send-summary', 'Sends the summary materials to the higher level', {
        mail: true,
      }),
      awaitPilots,
    };
  }

  get lambdas(): WorkflowFunctions {
    return Object.fromEntries(
      Object.entries(this.functions).map(([k, v]) => [k, v.fn]),
    ) as unknown as WorkflowFunctions;
  }
}
