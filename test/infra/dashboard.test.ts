// The dashboard as synthesised: its /admin routes share the approval API behind the Cognito JWT authorizer,
// while the approval links (/a/{linkId}) and the sign-in page stay open; the user pool admits no self sign-up.
import { describe, expect, it } from 'vitest';
import { DASHBOARD_HOME, DASHBOARD_PUBLIC_ROUTES, DASHBOARD_ROUTES } from '#infra/constructs/dashboard.ts';
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
  it('puts every admin route behind the JWT authorizer', () => {
    const [[authorizerId]] = ofType('AWS::ApiGatewayV2::Authorizer') as [[string, Resource]];
    for (const [method, path] of DASHBOARD_ROUTES) {
      expect(routeKeyed(`${method} ${path}`), `${method} ${path}`).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
      });
    }
    expect(DASHBOARD_ROUTES.length).toBeGreaterThanOrEqual(9);
  });

  it('deploys no route that only the local cloud can answer (its clock is the local cloud’s /_local/clock)', () => {
    const keys = routes().map((r) => r.RouteKey as string);
    expect(keys.filter((key) => /clock|_local/.test(key))).toEqual([]);
  });

  it('leaves the approval links and the sign-in page without an authorizer', () => {
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
    const listed = [...DASHBOARD_ROUTES, ...DASHBOARD_PUBLIC_ROUTES].map(([m, p]) => `${m} ${p}`).sort();
    const adminKeys = routes()
      .map((r) => r.RouteKey as string)
      .filter((key) => key.includes(' /admin'))
      .sort();
    expect(adminKeys).toEqual(listed);
  });
});

describe('the administrators’ sign-in', () => {
  it('trusts only tokens of the stack’s user pool issued to the dashboard’s app client', () => {
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [[poolId]] = ofType('AWS::Cognito::UserPool') as [[string, Resource]];
    const [[clientId]] = ofType('AWS::Cognito::UserPoolClient') as [[string, Resource]];
    const props = authorizers[0]![1].Properties as {
      AuthorizerType: string;
      IdentitySource: string[];
      JwtConfiguration: { Audience: unknown[]; Issuer: unknown };
    };
    expect(props.AuthorizerType).toBe('JWT');
    expect(props.IdentitySource).toEqual(['$request.header.Authorization']);
    expect(props.JwtConfiguration.Audience).toEqual([{ Ref: clientId }]);
    expect(JSON.stringify(props.JwtConfiguration.Issuer)).toBe(
      JSON.stringify({ 'Fn::GetAtt': [poolId, 'ProviderURL'] }),
    );
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
