// The dashboard's downloads as synthesised: their routes behind the same admin authorizer as the dashboard, and
// a function that may only read the table (it renders documents from what is stored, and changes nothing).
import { describe, expect, it } from 'vitest';
import { DOCUMENT_ROUTES } from '#infra/constructs/documents.ts';
import { stackTemplate } from '#test/support/template.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = () =>
  Object.entries((stackTemplate() as { Resources: Record<string, Resource> }).Resources);
const ofType = (type: string) => resources().filter(([, r]) => r.Type === type);

describe('the document downloads', () => {
  it('sit behind the admin authorizer, on the documents function', () => {
    const [[authorizerId]] = ofType('AWS::ApiGatewayV2::Authorizer') as [[string, Resource]];
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    for (const [method, path] of DOCUMENT_ROUTES) {
      expect(routes.find((r) => r.RouteKey === `${method} ${path}`)).toMatchObject({
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: authorizerId },
      });
    }
  });

  it('may read the table and nothing more', () => {
    const fn = ofType('AWS::Lambda::Function').find(([, f]) =>
      String(f.Properties.Description).startsWith('The dashboard’s downloads'),
    );
    expect(fn).toBeDefined();
    const role = (fn![1].Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const actions = ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === role))
      .flatMap(
        ([, p]) =>
          (p.Properties.PolicyDocument as { Statement: Array<{ Action: string | string[] }> }).Statement,
      )
      .flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']),
    );
    expect(actions.filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite|TransactWrite)/.test(a))).toEqual(
      [],
    );
    expect(actions.filter((a) => /^(ses|states|secretsmanager):/.test(a))).toEqual([]);
  });
});
