// One construct for every PilotFlow state machine: JSONata, X-Ray tracing, and logs of errors without
// execution data (task tokens and officials' names stay out of the logs).

import { CfnFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';

export interface WorkflowStateMachineProps {
  /** The Lambda functions its states invoke (to acknowledge the invoke grant on their versions). */
  invokes: IFunction[];
  /** Stage machines it runs as nested executions (startExecution.sync:2). */
  nests?: sfn.StateMachine[];
  /** Short name, e.g. `Launch`; the state machine is named `<stack>-<name>`. */
  name: string;
  comment: string;
  definition: (scope: Construct) => sfn.IChainable;
}

/** A state machine's name in a stack: `<stack>-<name>`, known before deployment. */
export function stateMachineNameIn(scope: Construct, name: string): string {
  return `${Stack.of(scope).stackName}-${name}`;
}

export class WorkflowStateMachine extends Construct {
  readonly machine: sfn.StateMachine;
  /** The state machine's name, `<stack>-<name>`, known before deployment. */
  readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: WorkflowStateMachineProps) {
    super(scope, id);
    this.stateMachineName = stateMachineNameIn(this, props.name);
    const logs = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.machine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: this.stateMachineName,
      comment: props.comment,
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(props.definition(this)),
      tracingEnabled: true,
      // Errors only: the execution history already has every event (90 days), and logs are kept longer.
      logs: { destination: logs, level: sfn.LogLevel.ERROR, includeExecutionData: false },
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-SF1',
      reason:
        'Logs errors (failed states, executions that failed, timed out or were aborted), not every event: each ' +
        "execution's full event history stays in Step Functions for 90 days after it closes, and logging every " +
        'event of year-long executions would only cost more.',
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Logging and tracing: the logs:*LogDelivery and xray:PutTraceSegments/GetSampling* actions Step Functions ' +
        'needs support no resource-level permissions (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).',
    });
    const stack = Stack.of(this);
    for (const fn of props.invokes) {
      const cfn = fn.node.defaultChild;
      if (!(cfn instanceof CfnFunction)) continue;
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(cfn)}.Arn>:*]`,
        reason:
          'The Lambda integration is granted on this one function and its qualified versions (<arn>:*).',
      });
    }
    for (const nested of props.nests ?? []) {
      const ref = stack.getLogicalId(nested.node.defaultChild as sfn.CfnStateMachine);
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${ref}"}]}]}*]`,
        reason:
          'startExecution.sync:2 describes and stops the executions it starts: executions of this one state machine, ' +
          'whose names are only known at run time.',
      });
    }
  }
}
