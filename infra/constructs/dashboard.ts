// The administrators' dashboard on the approval pages' HTTP API: one function for every `/admin…` route, each
// route behind the admin authorizer (infra/constructs/admin-auth.ts) except the browser sign-in's own three:
// sign-in, its callback and sign-out. The function reads the table, the executions and their histories, and may stop executions, send
// task e-mails with fresh links, resume the Programme when a stopped pilot was its last, and launch an uploaded plan.

import {
  type HttpApi,
  HttpMethod,
  type HttpRoute,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { CfnStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Duration, Stack, Validations } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { CALLBACK_PATH, SIGN_IN_PATH, SIGN_OUT_PATH } from '#lib/oidc.ts';
import { ADMIN_COOKIE } from '#presentation/dashboard/session.ts';
import { mark } from '../marks.ts';
import { PilotFlowFunction } from './function.ts';
import type { PilotFlowMail } from './mail.ts';

/** The dashboard's home page, where the local cloud points its administrator (marked `dashboard`). */
export const DASHBOARD_HOME = '/admin';

/**
 * The admin routes behind the authorizer (functions/handlers/dashboard.ts answers each by its route key). The
 * local cloud's clock is not one of them: it is the local cloud's own `/_local/clock`, which AWS has not.
 */
export const DASHBOARD_ROUTES: Array<[HttpMethod, string]> = [
  [HttpMethod.GET, DASHBOARD_HOME],
  [HttpMethod.GET, '/admin/programmes/{programmeId}'],
  [HttpMethod.GET, '/admin/programmes/{programmeId}/pilots/{pilotId}'],
  [HttpMethod.GET, '/admin/tasks'],
  [HttpMethod.GET, '/admin/tasks/{taskId}'],
  [HttpMethod.POST, '/admin/tasks/{taskId}/resend'],
  [HttpMethod.POST, '/admin/tasks/{taskId}/reassign'],
  [HttpMethod.GET, '/admin/executions/{executionArn}'],
  [HttpMethod.POST, '/admin/executions/{executionArn}/stop'],
  // Launching a plan: the upload form, the upload, its preview, its launch (functions/handlers/dashboard/plans.ts).
  [HttpMethod.GET, '/admin/plans/new'],
  [HttpMethod.POST, '/admin/plans'],
  [HttpMethod.GET, '/admin/plans/{planId}'],
  [HttpMethod.POST, '/admin/plans/{planId}/launch'],
  // Amending a running programme (functions/handlers/dashboard/amend.ts).
  [HttpMethod.GET, '/admin/programmes/{programmeId}/plan'],
  [HttpMethod.POST, '/admin/programmes/{programmeId}/plan'],
  [HttpMethod.POST, '/admin/tasks/{taskId}/due'],
];

/**
 * Routes without the authorizer (functions/handlers/dashboard/sign-in.ts): sign-in sends the browser to the
 * managed login, the callback sets the session cookie, sign-out (POST) clears it and ends the managed login's
 * session, whose logout returns to the signed-out page (GET).
 */
export const DASHBOARD_PUBLIC_ROUTES: Array<[HttpMethod, string]> = [
  [HttpMethod.GET, SIGN_IN_PATH],
  [HttpMethod.GET, CALLBACK_PATH],
  [HttpMethod.POST, SIGN_OUT_PATH],
  [HttpMethod.GET, SIGN_OUT_PATH],
];

export interface DashboardProps {
  api: HttpApi;
  authorizer: IHttpRouteAuthorizer;
  table: ITable;
  mail: PilotFlowMail;
  linkSigningSecret: ISecret;
  /** The identity provider the sign-in handlers use (AdminAuth.environment). */
  authEnvironment: { AUTH_ISSUER: string; AUTH_CLIENT_ID: string };
  /** The approval links' base URL (in the local cloud also where the pages read its clock). */
  apiBaseUrl: string;
  machines: {
    programme: StateMachine;
    pilot: StateMachine;
    launch: StateMachine;
    implementation: StateMachine;
    evaluation: StateMachine;
  };
}

export class Dashboard extends Construct {
  readonly fn: PilotFlowFunction;
  /** Every /admin route, to be throttled apart from the approval links (ApprovalApi.throttleRoutes). */
  readonly routes: HttpRoute[] = [];

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const { machines } = props;
    this.fn = new PilotFlowFunction(this, 'Dashboard', {
      handler: 'dashboard',
      description: 'The administrators’ dashboard: programme, pilots, executions, tasks and their actions',
      timeout: Duration.seconds(29),
      memorySize: 1024,
      environment: {
        API_BASE_URL: props.apiBaseUrl,
        PROGRAMME_STATE_MACHINE_ARN: machines.programme.stateMachineArn,
        PILOT_STATE_MACHINE_ARN: machines.pilot.stateMachineArn,
        LAUNCH_STATE_MACHINE_ARN: machines.launch.stateMachineArn,
        IMPLEMENTATION_STATE_MACHINE_ARN: machines.implementation.stateMachineArn,
        EVALUATION_STATE_MACHINE_ARN: machines.evaluation.stateMachineArn,
        ...props.authEnvironment,
      },
    }).bindTable(props.table, 'write');
    props.mail.bind(this.fn);
    this.fn.readSecret(props.linkSigningSecret);
    this.fn.fn.addEnvironment('LINK_SIGNING_SECRET_ARN', props.linkSigningSecret.secretArn);
    // The local cloud's authorizer reads the token from this cookie too (docs/dashboard.md, "Sign-in").
    mark(this.fn.fn, { adminCookie: ADMIN_COOKIE });
    // Exactly the calls of functions/adapters/sfn-api.ts, on these machines and their executions; not grantRead,
    // which adds ListActivities, DescribeActivity and DescribeStateMachine on every resource (`*`).
    for (const machine of Object.values(machines)) {
      machine.grant(this.fn.fn, 'states:DescribeStateMachine');
      machine.grantExecution(
        this.fn.fn,
        'states:DescribeExecution',
        'states:DescribeStateMachineForExecution',
        'states:GetExecutionHistory',
        'states:StopExecution',
      );
    }
    // A stopped pilot may be the last one the Programme execution waits for (functions/domain/progress.ts).
    this.fn.grantTaskSuccess();
    // Launching an uploaded plan starts the Programme execution (functions/domain/launch.ts): that machine only.
    machines.programme.grantStartExecution(this.fn.fn);
    const stack = Stack.of(this);
    for (const machine of Object.values(machines)) {
      const ref = stack.getLogicalId(machine.node.defaultChild as CfnStateMachine);
      Validations.of(this.fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${ref}"}]}]}:*]`,
        reason:
          'Reading (DescribeExecution, GetExecutionHistory) and stopping executions of this one state machine, ' +
          'whose names are only known at run time.',
      });
    }

    const integration = new HttpLambdaIntegration('Dashboard', this.fn.fn);
    for (const [method, path] of DASHBOARD_ROUTES) {
      const added = props.api.addRoutes({
        path,
        methods: [method],
        integration,
        authorizer: props.authorizer,
      });
      if (method === HttpMethod.GET && path === DASHBOARD_HOME) {
        for (const home of added) mark(home, { role: 'dashboard' });
      }
      this.routes.push(...added);
    }
    for (const [method, path] of DASHBOARD_PUBLIC_ROUTES) {
      const added = props.api.addRoutes({ path, methods: [method], integration });
      if (method === HttpMethod.GET && path === SIGN_IN_PATH) {
        for (const route of added) mark(route, { role: 'sign-in' });
      }
      this.routes.push(...added);
    }
  }
}
