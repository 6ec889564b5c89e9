// The approval HTTP API as synthesised: its routes, stage, route throttles, grants, output and the callback-retry
// schedule.

import { Template } from 'aws-cdk-lib/assertions';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { describe, expect, it } from 'vitest';
import { stackTemplate, synthApp } from '#test/support/template.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = () =>
  Object.entries((stackTemplate() as { Resources: Record<string, Resource> }).Resources);
const ofType = (type: string) => resources().filter(([, r]) => r.Type === type);

function functionNamed(handler: string): [string, Resource] {
  const found = ofType('AWS::Lambda::Function').find(
    ([, r]) =>
      (r.Properties.Environment as { Variables?: Record<string, unknown> })?.Variables
        ?.POWERTOOLS_SERVICE_NAME === handler,
  );
  if (!found) throw new Error(`no function for handler ${handler}`);
  return found;
}

function policyStatementsOf(handler: string) {
  const [, fn] = functionNamed(handler);
  const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === role))
    .flatMap(
      ([, p]) => (p.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement,
    );
}

describe('the approval HTTP API', () => {
  it('routes GET, HEAD, POST and OPTIONS of /a/{linkId} to the approval function with payload 2.0', () => {
    // The dashboard's /admin routes share the API (test/infra/dashboard.test.ts), the supervision page's /s and
    // the batch page's /b.
    const routes = ofType('AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties.RouteKey as string)
      .filter((key) => !key.includes(' /admin') && !key.includes(' /s/') && !key.includes(' /b/'));
    expect(routes.sort()).toEqual([
      'GET /a/{linkId}',
      'HEAD /a/{linkId}',
      'OPTIONS /a/{linkId}',
      'POST /a/{linkId}',
    ]);
    const [approvalId] = functionNamed('approval');
    const integrations = ofType('AWS::ApiGatewayV2::Integration').filter(
      ([, i]) =>
        (i.Properties.IntegrationUri as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0] === approvalId,
    );
    expect(integrations).toHaveLength(1);
    expect(integrations[0]?.[1].Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [approvalId, 'Arn'] },
    });
  });

  it('logs access by route, never by path or query string', () => {
    const stages = ofType('AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    const stage = stages[0]?.[1].Properties as { StageName: string; AccessLogSettings: { Format: string } };
    expect(stage.StageName).toBe('$default');
    const format = String(stage.AccessLogSettings.Format);
    expect(format).toContain('$context.routeKey');
    expect(format).not.toMatch(/\$context\.(path|resourcePath)|querystring/i);
  });

  it('throttles every route on its own: each approval link route at 50/s (100 in a burst), each /admin route at 10/s (20)', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0] as [string, Resource];
    const settings = stage.Properties.RouteSettings as Record<string, unknown>;
    const routeKeys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey as string);

    expect(Object.keys(settings).sort()).toEqual(routeKeys.sort());
    for (const key of routeKeys) {
      expect(settings[key], key).toEqual(
        key.includes(' /admin')
          ? { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 }
          : { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      );
    }
    expect(routeKeys.filter((k) => k.includes(' /admin')).length).toBeGreaterThanOrEqual(10);
    // A route without a setting of its own (none, above) would fall to the stage's default.
    expect(stage.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 100,
    });
  });

  it('creates the stage after its routes, as CloudFormation needs to accept their route settings', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0] as [string, Resource & { DependsOn?: string[] }];
    const routeIds = ofType('AWS::ApiGatewayV2::Route').map(([id]) => id);

    expect(stage.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it('takes the links’ and the administrators’ limits from CDK context', () => {
    const template = Template.fromStack(
      synthApp({ apiRateLimit: '30', apiBurstLimit: '60', adminRateLimit: '5', adminBurstLimit: '8' }).stack,
    );
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    const settings = stage?.Properties.RouteSettings as Record<string, unknown>;

    expect(settings['POST /a/{linkId}']).toEqual({ ThrottlingRateLimit: 30, ThrottlingBurstLimit: 60 });
    expect(settings['GET /admin']).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 8 });
    expect(() => synthApp({ adminRateLimit: '0' })).toThrow(/-c adminRateLimit/);
  });

  it('refuses to synthesise a route added without a throttle of its own', () => {
    const { app, stack } = synthApp();
    stack.approval.api.addRoutes({
      path: '/extra',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('Extra', stack.approval.approval.fn),
    });

    expect(() => app.synth()).toThrow(/route GET \/extra has no throttle of its own/);
  });

  it('lets the approval function read the link-signing key and send task success, and tells it where they are', () => {
    const [, fn] = functionNamed('approval');
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables)).toEqual(expect.arrayContaining(['TABLE_NAME', 'LINK_SIGNING_SECRET_ARN']));
    const [secretId] = ofType('AWS::SecretsManager::Secret')[0] ?? [];
    expect(variables.LINK_SIGNING_SECRET_ARN).toEqual({ Ref: secretId });
    const statements = policyStatementsOf('approval');
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining(['states:SendTaskSuccess', 'secretsmanager:GetSecretValue']),
    );
    expect(actions).not.toContain('states:StartExecution');
  });

  it('routes GET, HEAD, POST and OPTIONS of /s/{ticket} to the supervision function, which may send mail and knows the API’s URL', () => {
    const [apiId] = ofType('AWS::ApiGatewayV2::Api')[0] ?? [];
    const routes = ofType('AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties.RouteKey as string)
      .filter((key) => key.includes(' /s/'));
    expect(routes.sort()).toEqual([
      'GET /s/{ticket}',
      'HEAD /s/{ticket}',
      'OPTIONS /s/{ticket}',
      'POST /s/{ticket}',
    ]);
    const [supervisionId, fn] = functionNamed('supervision');
    const integrations = ofType('AWS::ApiGatewayV2::Integration').filter(
      ([, i]) =>
        (i.Properties.IntegrationUri as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0] === supervisionId,
    );
    expect(integrations).toHaveLength(1);
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining(['TABLE_NAME', 'LINK_SIGNING_SECRET_ARN', 'MAIL_FROM']),
    );
    expect(variables.API_BASE_URL).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
    const actions = policyStatementsOf('supervision').flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['ses:SendEmail', 'secretsmanager:GetSecretValue']));
    expect(actions).not.toContain('states:SendTaskSuccess');
  });

  it('routes GET, HEAD, POST and OPTIONS of /b/{ticket} to the batch function, which reports decisions and sends no mail', () => {
    const [apiId] = ofType('AWS::ApiGatewayV2::Api')[0] ?? [];
    const routes = ofType('AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties.RouteKey as string)
      .filter((key) => key.includes(' /b/'));
    expect(routes.sort()).toEqual([
      'GET /b/{ticket}',
      'HEAD /b/{ticket}',
      'OPTIONS /b/{ticket}',
      'POST /b/{ticket}',
    ]);
    const [batchId, fn] = functionNamed('batch');
    const integrations = ofType('AWS::ApiGatewayV2::Integration').filter(
      ([, i]) => (i.Properties.IntegrationUri as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0] === batchId,
    );
    expect(integrations).toHaveLength(1);
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables)).toEqual(expect.arrayContaining(['TABLE_NAME', 'LINK_SIGNING_SECRET_ARN']));
    expect(variables.API_BASE_URL).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
    const actions = policyStatementsOf('batch').flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining(['states:SendTaskSuccess', 'secretsmanager:GetSecretValue']),
    );
    expect(actions).not.toContain('ses:SendEmail');
  });

  it('is the one place links point to: its URL is an output and open-task builds links on it', () => {
    const [apiId] = ofType('AWS::ApiGatewayV2::Api')[0] ?? [];
    const outputs = (stackTemplate() as { Outputs?: Record<string, { Value: unknown }> }).Outputs ?? {};
    const apiUrl = Object.entries(outputs).find(([name]) => name.includes('ApiUrl'));
    expect(apiUrl?.[1].Value).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
    const [, openTask] = functionNamed('open-task');
    expect(
      (openTask.Properties.Environment as { Variables: Record<string, unknown> }).Variables.API_BASE_URL,
    ).toEqual({
      'Fn::GetAtt': [apiId, 'ApiEndpoint'],
    });
    expect(ofType('AWS::SecretsManager::Secret')).toHaveLength(1);
  });

  it('re-sends undelivered decisions every hour through the callback-retry function', () => {
    const [retryId] = functionNamed('callback-retry');
    const schedules = ofType('AWS::Scheduler::Schedule').filter(([, s]) =>
      JSON.stringify(s.Properties.Target).includes(retryId),
    );
    expect(schedules).toHaveLength(1);
    expect(schedules[0]?.[1].Properties.ScheduleExpression).toBe('rate(1 hour)');
    const [, schedule] = schedules[0] as [string, Resource];
    const target = schedule.Properties.Target as { RoleArn: { 'Fn::GetAtt': [string, string] } };
    const roleId = target.RoleArn['Fn::GetAtt'][0];
    const [, role] = ofType('AWS::IAM::Role').find(([id]) => id === roleId) ?? [];
    if (!role) throw new Error('the schedule has no role of its own');
    const trust = (role.Properties.AssumeRolePolicyDocument as { Statement: unknown[] }).Statement;
    expect(trust).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: expect.objectContaining({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }),
        },
      }),
    ]);
  });
});
