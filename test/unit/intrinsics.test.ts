// CloudFormation intrinsic functions resolved to the local cloud's physical ids.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
import { describe, expect, test } from 'vitest';
import { type CfnTemplate, Resolver, UnsupportedIntrinsicError } from '#local/cloud/intrinsics.ts';

const template: CfnTemplate = {
  Parameters: { Stage: { Type: 'String', Default: 'test' }, NoDefault: { Type: 'String' } },
  Resources: {
    Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    Named: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'pilotflow-data' } },
    Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
    Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: {} },
    Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: {} },
    Vpc: { Type: 'AWS::EC2::VPC', Properties: {} },
  },
};

const resolver = new Resolver({
  stackName: 'PilotFlow',
  template,
  apiEndpoint: (id) => (id === 'Api' ? 'http://127.0.0.1:3000' : undefined),
});
const resolve = (value: unknown) => resolver.resolve(value, 'the test');

describe('Ref and Fn::GetAtt', () => {
  test('give each resource its local name and ARN', () => {
    expect(resolve({ Ref: 'Table' })).toBe('PilotFlow-Table');
    expect(resolve({ Ref: 'Named' })).toBe('pilotflow-data');
    expect(resolve({ 'Fn::GetAtt': ['Named', 'Arn'] })).toBe(
      'arn:aws:dynamodb:us-east-1:123456789012:table/pilotflow-data',
    );
    expect(resolve({ 'Fn::GetAtt': ['Fn', 'Arn'] })).toBe(
      'arn:aws:lambda:us-east-1:123456789012:function:PilotFlow-Fn',
    );
    expect(resolve({ Ref: 'Machine' })).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:Machine');
    expect(resolve({ 'Fn::GetAtt': 'Machine.Name' })).toBe('Machine');
    expect(resolve({ Ref: 'Secret' })).toMatch(
      /^arn:aws:secretsmanager:us-east-1:123456789012:secret:Secret-\w{6}$/,
    );
    expect(resolve({ 'Fn::GetAtt': ['Api', 'ApiEndpoint'] })).toBe('http://127.0.0.1:3000');
  });

  test('give pseudo parameters and parameter defaults', () => {
    expect(
      resolve(
        ['AWS::Region', 'AWS::AccountId', 'AWS::Partition', 'AWS::URLSuffix', 'AWS::StackName'].map(
          (Ref) => ({ Ref }),
        ),
      ),
    ).toEqual(['us-east-1', '123456789012', 'aws', 'amazonaws.com', 'PilotFlow']);
    expect(resolve({ Ref: 'Stage' })).toBe('test');
  });
});

describe('functions over values', () => {
  test('Fn::Join, Fn::Sub, Fn::Select and Fn::Split compose', () => {
    expect(resolve({ 'Fn::Join': ['/', ['a', { Ref: 'Stage' }]] })).toBe('a/test');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's placeholders, not JavaScript's
    const text = 'arn:${AWS::Partition}:x:::${Table}/${Fn.Arn}/${!Literal}';
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's placeholders, not JavaScript's
    const literal = '${Literal}';
    expect(resolve({ 'Fn::Sub': text })).toBe(
      `arn:aws:x:::PilotFlow-Table/arn:aws:lambda:us-east-1:123456789012:function:PilotFlow-Fn/${literal}`,
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's placeholders, not JavaScript's
    const withVariables = '${Greeting}, ${AWS::Region}';
    expect(resolve({ 'Fn::Sub': [withVariables, { Greeting: { Ref: 'Stage' } }] })).toBe('test, us-east-1');
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] })).toBe('b');
  });

  test('AWS::NoValue removes the property', () => {
    expect(resolve({ keep: 1, drop: { Ref: 'AWS::NoValue' } })).toEqual({ keep: 1 });
  });

  test('the HTTP API’s default URL, as the CDK joins it, is the local API', () => {
    const url = {
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: 'Api' },
          '.execute-api.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/',
        ],
      ],
    };
    expect(resolve(url)).toBe('http://127.0.0.1:3000/');
  });
});

describe('what the local cloud cannot resolve', () => {
  test('an unsupported intrinsic fails naming it and the place', () => {
    expect(() => resolve({ 'Fn::ImportValue': 'Shared' })).toThrow(UnsupportedIntrinsicError);
    expect(() => resolve({ 'Fn::ImportValue': 'Shared' })).toThrow('the test uses Fn::ImportValue');
  });

  test('a reference to a resource type it does not run fails naming the resource', () => {
    expect(() => resolve({ Ref: 'Vpc' })).toThrow('refers to Vpc (AWS::EC2::VPC)');
    expect(() => resolve({ Ref: 'Missing' })).toThrow("refers to 'Missing', which is not in the template");
    expect(() => resolve({ 'Fn::GetAtt': ['Fn', 'SnapStartResponse'] })).toThrow(
      "attribute 'SnapStartResponse'",
    );
    expect(() => resolve({ Ref: 'NoDefault' })).toThrow("parameter 'NoDefault', which has no default");
  });
});
