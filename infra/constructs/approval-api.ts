// The officials' front door: an HTTP API with the approval link routes (`/a/{linkId}`: GET and HEAD show the
// task page, POST decides, OPTIONS answers) on the approval function, each route throttled on its own (so a
// flood of link requests does not throttle the dashboard's /admin routes on the same API, nor the reverse)
// and access-logged without paths or query strings (the link id and its signature never reach a log). Also
// the callback retry: a schedule that re-sends decisions whose SendTaskSuccess failed for a transient reason.

import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnRoute,
  type CfnStage,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { CfnOutput, Duration, Lazy, RemovalPolicy, Validations } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { PilotFlowFunction } from './function.ts';
import type { PilotFlowMail } from './mail.ts';
import { scheduleRole } from './schedule.ts';

export interface ApprovalApiProps {
  table: ITable;
  /** The secret with the key that signs approval links and form tokens. */
  signingKey: ISecret;
  /** Shown on the refusal page for links the system does not know (HELP_CONTACT), e.g. `县民政局 0000-0000000`. */
  helpContact?: string;
  /** The approval link routes' throttle (each route its own), also the stage's default. */
  throttle: Throttle;
  /** How often undelivered decisions are sent again (default CALLBACK_RETRY_RATE). */
  callbackRetryRate?: Duration;
}

/** Requests per second a route accepts on average, and in a burst (API Gateway's token bucket). */
export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}

/** The link route (functions/domain/links.ts builds `${url}/a/${linkId}?sig=…`). */
export const APPROVAL_ROUTE_PATH = '/a/{linkId}';
export const APPROVAL_ROUTE_METHODS = [HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.OPTIONS];

/** The supervision link route (functions/domain/links.ts builds `${url}/s/${ticket}?sig=…`): same methods. */
export const SUPERVISION_ROUTE_PATH = '/s/{ticket}';

/** The batch link route (functions/domain/links.ts builds `${url}/b/${ticket}?sig=…`): same methods. */
export const BATCH_ROUTE_PATH = '/b/{ticket}';

/**
 * How often undelivered decisions are sent again by default (the escalation sweep's cadence); CDK context
 * `callbackRetryRate` overrides it, e.g. `1 day` for a rehearsal that runs a year on the local cloud.
 */
export const CALLBACK_RETRY_RATE = Duration.hours(1);

/** What a signed-link page's function needs (addSupervision, addBatch). */
export interface LinkPageProps {
  table: ITable;
  signingKey: ISecret;
  apiBaseUrl: string;
  helpContact?: string;
}

export class ApprovalApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly approval: PilotFlowFunction;
  readonly callbackRetry: PilotFlowFunction;
  readonly deadLetterQueue: Queue;
  /** The supervision page's function (addSupervision), once added. */
  supervision: PilotFlowFunction | undefined;
  /** The batch page's function (addBatch), once added. */
  batch: PilotFlowFunction | undefined;
  private readonly linkThrottle: Throttle;
  /** The API's base URL (no trailing slash): links are `${url}/a/{linkId}?sig=…`. */
  readonly url: string;
  /** Each route's own throttle, by route key (`GET /a/{linkId}`): the stage's RouteSettings. */
  private readonly routeThrottles = new Map<string, Throttle>();

  constructor(scope: Construct, id: string, props: ApprovalApiProps) {
    super(scope, id);
    this.linkThrottle = props.throttle;

    this.approval = new PilotFlowFunction(this, 'Approval', {
      handler: 'approval',
      description: 'Approval links: shows the task page (GET) and records a decision once (POST)',
      timeout: Duration.seconds(15),
      environment: props.helpContact ? { HELP_CONTACT: props.helpContact } : {},
    }).bindTable(props.table, 'write');
    this.approval.readSecret(props.signingKey);
    this.approval.fn.addEnvironment('LINK_SIGNING_SECRET_ARN', props.signingKey.secretArn);

    this.callbackRetry = new PilotFlowFunction(this, 'CallbackRetry', {
      handler: 'callback-retry',
      description: 'Sends decisions whose SendTaskSuccess failed for a transient reason again',
      timeout: Duration.minutes(2),
      // One run at a time: two would send the same undelivered decisions to Step Functions twice.
      reservedConcurrentExecutions: 1,
    }).bindTable(props.table, 'write');
    // Runs that could not be delivered, or kept failing, are kept for an operator (and alarmed on).
    this.deadLetterQueue = deadLetterQueue(
      this,
      'CallbackRetryDeadLetters',
      'the callback-retry schedule and function',
    );
    this.callbackRetry.fn.configureAsyncInvoke({
      retryAttempts: 1,
      maxEventAge: Duration.minutes(30),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    // Both report decisions to Step Functions (the approval at once, the retry when that failed).
    this.approval.grantTaskSuccess();
    this.callbackRetry.grantTaskSuccess();

    this.api = new HttpApi(this, 'Api', {
      description: 'PilotFlow approval links',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // The default for a route without its own throttle; throttleRoutes gives every route one (checked below).
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // routeKey (`GET /a/{linkId}`), not path: the link id and signature are credentials.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            method: '$context.httpMethod',
            route: '$context.routeKey',
            status: '$context.status',
            bytes: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            error: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    const integration = new HttpLambdaIntegration('Approval', this.approval.fn);
    this.throttleRoutes(
      this.api.addRoutes({ path: APPROVAL_ROUTE_PATH, methods: APPROVAL_ROUTE_METHODS, integration }),
      props.throttle,
    );
    // Route-level throttling: RouteSettings keyed by route key, each overriding the stage's default
    // (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html). The L2 stage
    // offers only the default, so the L1 property is set, from the routes given to throttleRoutes.
    (this.stage.node.defaultChild as CfnStage).routeSettings = Lazy.any({
      produce: () =>
        Object.fromEntries(
          [...this.routeThrottles].map(([key, t]) => [
            key,
            { ThrottlingRateLimit: t.rateLimit, ThrottlingBurstLimit: t.burstLimit },
          ]),
        ),
    });
    // A route added to the API without its own throttle would share the stage default: refuse to synthesise.
    this.node.addValidation({
      validate: () =>
        this.api.node
          .findAll()
          .filter((c): c is CfnRoute => c instanceof CfnRoute)
          .filter((route) => !this.routeThrottles.has(route.routeKey))
          .map((route) => `route ${route.routeKey} has no throttle of its own (ApprovalApi.throttleRoutes)`),
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Officials have no accounts: each link carries its own authorisation (an unguessable 144-bit id and an HMAC ' +
        'signature bound to the assignee and the expiry, checked by the function), and a POST also needs a form ' +
        'token derived from the link.',
    });
    this.url = this.api.apiEndpoint;

    const schedulerRole = scheduleRole(
      this,
      'CallbackRetrySchedulerRole',
      this.callbackRetry,
      'Lets EventBridge Scheduler invoke the callback-retry function',
    );
    new Schedule(this, 'CallbackRetrySchedule', {
      description: 'PilotFlow: re-send decisions that Step Functions has not confirmed',
      schedule: ScheduleExpression.rate(props.callbackRetryRate ?? CALLBACK_RETRY_RATE),
      target: new LambdaInvoke(this.callbackRetry.fn, {
        role: schedulerRole,
        input: ScheduleTargetInput.fromObject({ source: 'pilotflow.callback-retry' }),
        // Delivery to Lambda is retried for half an hour (the next run retries the decisions anyway); what
        // cannot be delivered lands in the dead-letter queue.
        retryAttempts: 2,
        maxEventAge: Duration.minutes(30),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });

    new CfnOutput(this, 'ApiUrl', {
      value: this.url,
      description: 'Base URL of the approval links (e-mails link to {ApiUrl}/a/{linkId}?sig=…)',
    });
  }

  /**
   * The supervision page (`/s/{ticket}`: GET shows a supervising unit's or the leading group's overdue tasks,
   * POST 催办 e-mails an assignee) on its own function: it sends mail and needs the API's URL for the links it
   * e-mails, which the approval function needs neither of. Throttled like the approval links.
   */
  addSupervision(props: LinkPageProps & { mail: PilotFlowMail }): PilotFlowFunction {
    const fn = this.linkPage('Supervision', 'supervision', SUPERVISION_ROUTE_PATH, props, {
      description:
        'Supervision links: shows the overdue tasks a unit supervises (GET) and reminds an assignee (POST)',
      timeout: Duration.seconds(15),
    });
    props.mail.bind(fn);
    this.supervision = fn;
    return fn;
  }

  /**
   * The batch page (`/b/{ticket}`: GET lists one person's parallel tasks of one kind, POST decides them through
   * the person's own links of them, with SendTaskSuccess as the approval function does). Its own function: it
   * needs the API's URL for the task pages it links, which the approval function does not. Throttled alike.
   */
  addBatch(props: LinkPageProps): PilotFlowFunction {
    const fn = this.linkPage('Batch', 'batch', BATCH_ROUTE_PATH, props, {
      description: "Batch links: lists a person's parallel tasks (GET) and decides them together (POST)",
      // Deciding six tasks is six transactions and six SendTaskSuccess calls, one after another.
      timeout: Duration.seconds(30),
    });
    fn.grantTaskSuccess();
    this.batch = fn;
    return fn;
  }

  /** A signed-link page on its own function: the table, the signing key, the API's URL, the link route's throttle. */
  private linkPage(
    id: string,
    handler: string,
    path: string,
    props: LinkPageProps,
    options: { description: string; timeout: Duration },
  ): PilotFlowFunction {
    const fn = new PilotFlowFunction(this, id, {
      handler,
      ...options,
      environment: {
        API_BASE_URL: props.apiBaseUrl,
        ...(props.helpContact ? { HELP_CONTACT: props.helpContact } : {}),
      },
    }).bindTable(props.table, 'write');
    fn.readSecret(props.signingKey);
    fn.fn.addEnvironment('LINK_SIGNING_SECRET_ARN', props.signingKey.secretArn);
    const integration = new HttpLambdaIntegration(id, fn.fn);
    this.throttleRoutes(
      this.api.addRoutes({ path, methods: APPROVAL_ROUTE_METHODS, integration }),
      this.linkThrottle,
    );
    return fn;
  }

  /**
   * Gives these routes of the API their own throttle: each route key its own token bucket, so that traffic on
   * one route (a flood of unknown links) does not use up another's (the administrators' pages).
   */
  throttleRoutes(routes: HttpRoute[], throttle: Throttle): void {
    for (const route of routes) {
      this.routeThrottles.set((route.node.defaultChild as CfnRoute).routeKey, throttle);
      // CloudFormation refuses a stage whose RouteSettings name a route that does not exist yet ("Unable to
      // find Route by key … within the provided RouteSettings"): the stage is created after its routes.
      this.stage.node.addDependency(route);
    }
  }
}
