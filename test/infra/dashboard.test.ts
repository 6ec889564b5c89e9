// The dashboard as synthesised: its /admin routes share the approval API behind the Lambda authorizer that
// verifies the Cognito token, while the approval links (/a/{linkId}) and the browser sign-in's routes stay
// open; the user pool admits no self sign-up, requires MFA, and signs in through its managed login.
import { describe, expect, it } from 'vitest';
import { DASHBOARD_HOME, DASHBOARD_PUBLIC_ROUTES, DASHBOARD_ROUTES } from '#infra/constructs/dashboard.ts';
import { DOCUMENT_ROUTES } from '#infra/constructs/documents.ts';
import { ADMIN_COOKIE } from '#presentation/dashboard/session.ts';
import { stackTemplate } from '#test/support/template.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> };
const resources = () =>
  Object.entries((stackTemplate() as { Resources: Record<string, Resource> }).Resources);
const ofType = (type: string) => resources().filter(([, r]) => r.Type === type);
const routes = () => ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
const routeKeyed = (key: string) => {
  const route = routes().find((r) => r.RouteKey === key);
  if (!route) throw new Error(`no route ${key}`);
  return route;
};

describe('the dashboard routes', () => {
  it('puts every admin route behind the Lambda authorizer', () => {
    const [[authorizerId]] = ofType('AWS::ApiGatewayV2::Authorizer') as [[string, Resource]];
    for (const [method, path] of DASHBOARD_ROUTES) {
      expect(routeKeyed(`${method} ${path}`), `${method} ${path}`).toMatchObject({
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: authorizerId },
      });
    }
    expect(DASHBOARD_ROUTES.length).toBeGreaterThanOrEqual(9);
  });

  it('deploys no route that only the local cloud can answer (its clock is the local cloud’s /_local/clock)', () => {
    const keys = routes().map((r) => r.RouteKey as string);
    expect(keys.filter((key) => /clock|_local/.test(key))).toEqual([]);
  });

  it('leaves the approval links and exactly sign-in, its callback and sign-out without an authorizer', () => {
    expect(DASHBOARD_PUBLIC_ROUTES.map(([m, p]) => `${m} ${p}`).sort()).toEqual([
      'GET /admin/auth/callback',
      'GET /admin/auth/sign-in',
      'GET /admin/auth/sign-out',
      'POST /admin/auth/sign-out',
    ]);
    const open = [
      ...['GET', 'HEAD', 'POST', 'OPTIONS'].map((m) => `${m} /a/{linkId}`),
      ...DASHBOARD_PUBLIC_ROUTES.map(([method, path]) => `${method} ${path}`),
    ];
    for (const key of open) {
      const route = routeKeyed(key);
      expect(route.AuthorizerId, key).toBeUndefined();
      expect(route.AuthorizationType ?? 'NONE', key).toBe('NONE');
    }
  });

  it('marks the home page, and no other route, as the dashboard’s for the local cloud', () => {
    const marked = ofType('AWS::ApiGatewayV2::Route').filter(
      ([, r]) => r.Metadata?.['pilotflow:role'] === 'dashboard',
    );
    expect(marked.map(([, r]) => r.Properties.RouteKey)).toEqual([`GET ${DASHBOARD_HOME}`]);
  });

  it('marks the dashboard function with the cookie its sign-in page sets, and no other function', () => {
    const marked = ofType('AWS::Lambda::Function').filter(([, r]) => r.Metadata?.['pilotflow:admin-cookie']);
    expect(marked.map(([id, r]) => [id, r.Metadata?.['pilotflow:admin-cookie']])).toEqual([
      [expect.stringContaining('Dashboard'), ADMIN_COOKIE],
    ]);
  });

  it('has no other route under /admin than the listed ones', () => {
    const listed = [...DASHBOARD_ROUTES, ...DASHBOARD_PUBLIC_ROUTES, ...DOCUMENT_ROUTES]
      .map(([m, p]) => `${m} ${p}`)
      .sort();
    const adminKeys = routes()
      .map((r) => r.RouteKey as string)
      .filter((key) => key.includes(' /admin'))
      .sort();
    expect(adminKeys).toEqual(listed);
  });
});

describe('launching a plan from the dashboard', () => {
  type Statement = { Action: string | string[]; Resource: unknown };
  const list = <T>(v: T | T[]) => ([] as T[]).concat(v);
  /** The states:StartExecution resources granted to the role of the function of `handler`. */
  const startsOf = (handler: string) => {
    const fn = ofType('AWS::Lambda::Function').find(
      ([, r]) =>
        (r.Properties.Environment as { Variables?: Record<string, unknown> })?.Variables
          ?.POWERTOOLS_SERVICE_NAME === handler,
    );
    if (!fn) throw new Error(`no function ${handler}`);
    const role = (fn[1].Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    return ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === role))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((st) => list(st.Action).includes('states:StartExecution'))
      .flatMap((st) => list(st.Resource));
  };

  it('lets the dashboard start exactly the executions the launch function starts: the Programme machine’s', () => {
    const launch = startsOf('launch-programme');
    expect(launch).toHaveLength(1);
    expect(startsOf('dashboard')).toEqual(launch);
  });
});

describe('the administrators’ sign-in', () => {
  it('verifies the token in a Lambda REQUEST authorizer from the pool’s issuer for the dashboard’s client', () => {
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const props = authorizers[0]![1].Properties as Record<string, unknown>;
    expect(props).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 0,
    });
    // A browser has no Authorization header and an API client no cookie: neither may be a required source.
    expect(props.IdentitySource ?? []).toEqual([]);
    const [[poolId]] = ofType('AWS::Cognito::UserPool') as [[string, Resource]];
    const [[clientId]] = ofType('AWS::Cognito::UserPoolClient') as [[string, Resource]];
    const fn = ofType('AWS::Lambda::Function').find(([id]) =>
      JSON.stringify(props.AuthorizerUri).includes(id),
    );
    expect(fn, 'the authorizer’s function').toBeDefined();
    expect((fn![1].Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject(
      {
        AUTH_ISSUER: { 'Fn::GetAtt': [poolId, 'ProviderURL'] },
        AUTH_CLIENT_ID: { Ref: clientId },
      },
    );
  });

  it('signs in through a Cognito domain’s managed login', () => {
    const domains = ofType('AWS::Cognito::UserPoolDomain');
    expect(domains).toHaveLength(1);
    expect(domains[0]![1].Properties).toMatchObject({ ManagedLoginVersion: 2 });
    expect(ofType('AWS::Cognito::ManagedLoginBranding')).toHaveLength(1);
  });

  it('has a public app client for the authorization code flow, returning to /admin/auth/ on the API', () => {
    const [[, client]] = ofType('AWS::Cognito::UserPoolClient') as [[string, Resource]];
    expect(client.Properties).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: expect.arrayContaining(['openid', 'email', 'profile']),
      SupportedIdentityProviders: ['COGNITO'],
    });
    expect(client.Properties.GenerateSecret ?? false).toBe(false);
    const urls = JSON.stringify([client.Properties.CallbackURLs, client.Properties.LogoutURLs]);
    expect(client.Properties.CallbackURLs).toHaveLength(1);
    expect(urls).toContain('/admin/auth/callback');
    expect(urls).toContain('/admin/auth/sign-out');
    expect(urls).toContain('ApiEndpoint');
  });

  it('has the admin and viewer groups that give the dashboard’s roles', () => {
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(['admin', 'viewer']);
  });

  it('admits no self sign-up and requires MFA', () => {
    const pools = ofType('AWS::Cognito::UserPool');
    expect(pools).toHaveLength(1);
    expect(pools[0]![1].Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
    });
  });
});
