// CloudFormation intrinsic functions, resolved for the local world: every resource of the template gets the
// physical id and attributes it would have on AWS, with local names (a table name, a function ARN, a state
// machine ARN in the embedded runtime, the local HTTP API's URL…). Only what the local cloud reads is
// resolved (environment variables, definitions, targets, routes), and anything it cannot resolve fails
// with a message that names the intrinsic, the resource and where it was used.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
import { createHash } from 'node:crypto';

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
}

export interface CfnTemplate {
  Resources?: Record<string, TemplateResource>;
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Outputs?: Record<string, unknown>;
}

/** The account the local cloud pretends to be. */
export interface LocalAccount {
  region: string;
  accountId: string;
  partition: string;
  urlSuffix: string;
}

export const LOCAL_ACCOUNT: LocalAccount = {
  region: 'us-east-1',
  accountId: '123456789012',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
};

export class UnsupportedIntrinsicError extends Error {
  override name = 'UnsupportedIntrinsicError';
}

/** What `Ref` and `Fn::GetAtt` give for a resource. */
export interface Identity {
  ref: string;
  attributes: Record<string, string>;
}

export interface ResolverOptions {
  stackName: string;
  template: CfnTemplate;
  account?: LocalAccount;
  /** The local URL of an `AWS::ApiGatewayV2::Api` (its `ApiEndpoint`), by logical id. */
  apiEndpoint?: (logicalId: string) => string | undefined;
  /** The local identity provider's issuer URL, a user pool's `ProviderURL` (local/cloud/oidc.ts). */
  identityProvider?: string;
}

/** AWS::NoValue: the property it stands for is removed. */
const NO_VALUE = Symbol('AWS::NoValue');

function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** A name CloudFormation would generate (`<stack>-<logicalId>`), kept within the service's length limit. */
function generatedName(stackName: string, logicalId: string, max: number): string {
  const name = `${stackName}-${logicalId}`;
  if (name.length <= max) return name;
  return `${name.slice(0, max - 9)}-${shortHash(name, 8)}`;
}

export class Resolver {
  readonly stackName: string;
  readonly account: LocalAccount;
  private readonly resources: Record<string, TemplateResource>;
  private readonly parameters: Record<string, { Type: string; Default?: unknown }>;
  private readonly apiEndpoint: (logicalId: string) => string | undefined;
  private readonly identityProvider: string | undefined;
  private readonly identities = new Map<string, Identity>();
  private apiHosts: Array<[string, string]> | undefined;

  constructor(options: ResolverOptions) {
    this.stackName = options.stackName;
    this.account = options.account ?? LOCAL_ACCOUNT;
    this.resources = options.template.Resources ?? {};
    this.parameters = options.template.Parameters ?? {};
    this.apiEndpoint = options.apiEndpoint ?? (() => undefined);
    this.identityProvider = options.identityProvider;
  }

  /** Resources of one type, by logical id, in template order. */
  resourcesOfType(type: string): Array<[string, TemplateResource]> {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }

  resource(logicalId: string): TemplateResource | undefined {
    return this.resources[logicalId];
  }

  /** The local physical id and attributes of a resource. */
  identity(logicalId: string, where = 'the template'): Identity {
    const cached = this.identities.get(logicalId);
    if (cached) return cached;
    const resource = this.resources[logicalId];
    if (!resource) {
      throw new UnsupportedIntrinsicError(`${where} refers to '${logicalId}', which is not in the template`);
    }
    const identity = this.computeIdentity(logicalId, resource, where);
    this.identities.set(logicalId, identity);
    return identity;
  }

  /** Resolves every intrinsic function in `value`. `where` names the place for error messages. */
  resolve(value: unknown, where: string): unknown {
    const resolved = this.walk(value, where);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  /** Resolves `value` and requires a string. */
  resolveString(value: unknown, where: string): string {
    const resolved = this.resolve(value, where);
    if (typeof resolved !== 'string') {
      throw new UnsupportedIntrinsicError(
        `${where} does not resolve to a string: ${JSON.stringify(resolved)}`,
      );
    }
    return resolved;
  }

  private walk(value: unknown, where: string): unknown {
    if (Array.isArray(value)) {
      return value.map((item) => this.walk(item, where)).filter((item) => item !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, argument] = entries[0] as [string, unknown];
      if (key === 'Ref') return this.ref(argument, where);
      if (key.startsWith('Fn::')) return this.fn(key, argument, where);
      if (key === 'Condition') {
        throw new UnsupportedIntrinsicError(
          `${where} uses a Condition, which the local cloud does not support`,
        );
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const resolved = this.walk(item, where);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  private ref(argument: unknown, where: string): unknown {
    if (typeof argument !== 'string') {
      throw new UnsupportedIntrinsicError(`${where} has a Ref to a non-string: ${JSON.stringify(argument)}`);
    }
    const pseudo = this.pseudo(argument);
    if (pseudo !== undefined) return pseudo;
    const parameter = this.parameters[argument];
    if (parameter) {
      if (parameter.Default === undefined) {
        throw new UnsupportedIntrinsicError(
          `${where} refers to the template parameter '${argument}', which has no default value`,
        );
      }
      return parameter.Default;
    }
    return this.identity(argument, where).ref;
  }

  private pseudo(name: string): unknown {
    switch (name) {
      case 'AWS::Region':
        return this.account.region;
      case 'AWS::AccountId':
        return this.account.accountId;
      case 'AWS::Partition':
        return this.account.partition;
      case 'AWS::URLSuffix':
        return this.account.urlSuffix;
      case 'AWS::StackName':
        return this.stackName;
      case 'AWS::StackId':
        return `arn:${this.account.partition}:cloudformation:${this.account.region}:${this.account.accountId}:stack/${this.stackName}/local`;
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
      default:
        return undefined;
    }
  }

  private getAtt(logicalId: string, attribute: string, where: string): string {
    const identity = this.identity(logicalId, where);
    const value = identity.attributes[attribute];
    if (value === undefined) {
      const type = this.resources[logicalId]?.Type;
      throw new UnsupportedIntrinsicError(
        `${where} uses Fn::GetAtt ${logicalId}.${attribute}: the local cloud does not know the attribute '${attribute}' of ${type}`,
      );
    }
    return value;
  }

  private fn(name: string, argument: unknown, where: string): unknown {
    switch (name) {
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(argument)
          ? (argument.map((a) => this.walk(a, where)) as [string, string])
          : (String(argument).split(/\.(.*)/s) as [string, string]);
        return this.getAtt(logicalId, attribute, where);
      }
      case 'Fn::Join': {
        const [separator, items] = argument as [string, unknown];
        const list = this.walk(items, where);
        if (!Array.isArray(list))
          throw new UnsupportedIntrinsicError(`${where} has an Fn::Join whose list is not a list`);
        return this.localiseUrls(list.map((item) => String(item)).join(separator));
      }
      case 'Fn::Sub':
        return this.localiseUrls(this.sub(argument, where));
      case 'Fn::Select': {
        const [index, items] = argument as [unknown, unknown];
        const list = this.walk(items, where);
        const i = Number(this.walk(index, where));
        if (!Array.isArray(list) || !(i >= 0 && i < list.length)) {
          throw new UnsupportedIntrinsicError(`${where} has an Fn::Select with index ${i} out of range`);
        }
        return list[i];
      }
      case 'Fn::Split': {
        const [separator, source] = argument as [string, unknown];
        return String(this.walk(source, where)).split(separator);
      }
      case 'Fn::Base64':
        return Buffer.from(String(this.walk(argument, where))).toString('base64');
      case 'Fn::ToJsonString':
        return JSON.stringify(this.walk(argument, where));
      default:
        throw new UnsupportedIntrinsicError(`${where} uses ${name}, which the local cloud does not support`);
    }
  }

  private sub(argument: unknown, where: string): string {
    const [text, variables] = Array.isArray(argument)
      ? (argument as [string, Record<string, unknown>])
      : [argument as string, {} as Record<string, unknown>];
    if (typeof text !== 'string')
      throw new UnsupportedIntrinsicError(`${where} has an Fn::Sub without a string`);
    const values = this.walk(variables, where) as Record<string, unknown>;
    return text.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      if (name in values) return String(values[name]);
      const dot = name.indexOf('.');
      if (dot > 0 && !name.startsWith('AWS::'))
        return this.getAtt(name.slice(0, dot), name.slice(dot + 1), where);
      return String(this.ref(name, where));
    });
  }

  /**
   * The CDK writes an HTTP API's default URL as a join of its id, `execute-api`, the region and the URL
   * suffix; locally that host is the local HTTP API, so the URL is rewritten to it.
   */
  private localiseUrls(text: string): string {
    if (!text.includes('.execute-api.')) return text;
    this.apiHosts ??= this.resourcesOfType('AWS::ApiGatewayV2::Api').flatMap(([logicalId]) => {
      const endpoint = this.apiEndpoint(logicalId);
      if (!endpoint) return [];
      const id = this.identity(logicalId).ref;
      return [[`https://${id}.execute-api.${this.account.region}.${this.account.urlSuffix}`, endpoint]];
    });
    let out = text;
    for (const [aws, local] of this.apiHosts) out = out.split(aws).join(local);
    return out;
  }

  private computeIdentity(logicalId: string, resource: TemplateResource, where: string): Identity {
    const { region, accountId, partition } = this.account;
    const p = resource.Properties ?? {};
    const named = (property: string, max: number): string => {
      const given = p[property];
      return given === undefined
        ? generatedName(this.stackName, logicalId, max)
        : this.resolveString(given, `${property} of ${logicalId}`);
    };
    const arn = (service: string, rest: string, withRegion = true) =>
      `arn:${partition}:${service}:${withRegion ? region : ''}:${accountId}:${rest}`;
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table': {
        const name = named('TableName', 255);
        const tableArn = arn('dynamodb', `table/${name}`);
        return {
          ref: name,
          attributes: { Arn: tableArn, StreamArn: `${tableArn}/stream/1970-01-01T00:00:00.000` },
        };
      }
      case 'AWS::DynamoDB::GlobalTable': {
        const name = named('TableName', 255);
        return { ref: name, attributes: { Arn: arn('dynamodb', `table/${name}`), TableId: name } };
      }
      case 'AWS::Lambda::Function': {
        const name = named('FunctionName', 64);
        return { ref: name, attributes: { Arn: arn('lambda', `function:${name}`) } };
      }
      case 'AWS::StepFunctions::StateMachine': {
        const name = p.StateMachineName === undefined ? logicalId : named('StateMachineName', 80);
        const machineArn = arn('states', `stateMachine:${name}`);
        return {
          ref: machineArn,
          attributes: { Arn: machineArn, Name: name, StateMachineRevisionId: 'local' },
        };
      }
      case 'AWS::SecretsManager::Secret': {
        const name = p.Name === undefined ? logicalId : named('Name', 256);
        // Secrets Manager appends six random characters to a secret's ARN; here they are stable.
        const secretArn = arn('secretsmanager', `secret:${name}-${shortHash(name, 6)}`);
        return { ref: secretArn, attributes: { Id: secretArn } };
      }
      case 'AWS::IAM::Role': {
        const name = named('RoleName', 64);
        return {
          ref: name,
          attributes: {
            Arn: arn('iam', `role/${name}`, false),
            RoleId: `AROA${shortHash(name, 16).toUpperCase()}`,
          },
        };
      }
      case 'AWS::IAM::ManagedPolicy': {
        const name = named('ManagedPolicyName', 128);
        const policyArn = arn('iam', `policy/${name}`, false);
        return { ref: policyArn, attributes: { PolicyArn: policyArn } };
      }
      case 'AWS::IAM::Policy':
        return { ref: generatedName(this.stackName, logicalId, 128), attributes: {} };
      case 'AWS::Logs::LogGroup': {
        const name = named('LogGroupName', 512);
        return { ref: name, attributes: { Arn: arn('logs', `log-group:${name}:*`) } };
      }
      case 'AWS::KMS::Key': {
        const id = `${shortHash(logicalId, 8)}-0000-4000-8000-${shortHash(this.stackName + logicalId, 12)}`;
        return { ref: id, attributes: { Arn: arn('kms', `key/${id}`), KeyId: id } };
      }
      case 'AWS::S3::Bucket': {
        const name = named('BucketName', 63).toLowerCase();
        return {
          ref: name,
          attributes: {
            Arn: `arn:${partition}:s3:::${name}`,
            DomainName: `${name}.s3.${this.account.urlSuffix}`,
            RegionalDomainName: `${name}.s3.${region}.${this.account.urlSuffix}`,
          },
        };
      }
      case 'AWS::SQS::Queue': {
        const name = named('QueueName', 80);
        return {
          ref: `https://sqs.${region}.${this.account.urlSuffix}/${accountId}/${name}`,
          attributes: { Arn: arn('sqs', name), QueueName: name },
        };
      }
      case 'AWS::SNS::Topic': {
        const name = named('TopicName', 256);
        const topicArn = arn('sns', name);
        return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: name } };
      }
      case 'AWS::ApiGatewayV2::Api': {
        const id = `l${shortHash(`${this.stackName}/${logicalId}`, 9)}`;
        const endpoint =
          this.apiEndpoint(logicalId) ?? `https://${id}.execute-api.${region}.${this.account.urlSuffix}`;
        return { ref: id, attributes: { ApiId: id, ApiEndpoint: endpoint } };
      }
      case 'AWS::ApiGatewayV2::Stage': {
        const name =
          p.StageName === undefined
            ? '$default'
            : this.resolveString(p.StageName, `StageName of ${logicalId}`);
        return { ref: name, attributes: {} };
      }
      // Integrations, routes and authorizers are known by their logical id, so a route's
      // `integrations/<id>` target leads back to the template's integration.
      case 'AWS::ApiGatewayV2::Integration':
        return { ref: logicalId, attributes: { IntegrationId: logicalId } };
      case 'AWS::ApiGatewayV2::Route':
        return { ref: logicalId, attributes: { RouteId: logicalId } };
      case 'AWS::ApiGatewayV2::Authorizer':
        return { ref: logicalId, attributes: { AuthorizerId: logicalId } };
      case 'AWS::Scheduler::Schedule': {
        const name = named('Name', 64);
        const group =
          p.GroupName === undefined
            ? 'default'
            : this.resolveString(p.GroupName, `GroupName of ${logicalId}`);
        return { ref: name, attributes: { Arn: arn('scheduler', `schedule/${group}/${name}`) } };
      }
      case 'AWS::Scheduler::ScheduleGroup': {
        const name = named('Name', 64);
        return { ref: name, attributes: { Arn: arn('scheduler', `schedule-group/${name}`) } };
      }
      case 'AWS::SES::ConfigurationSet': {
        const name = named('Name', 64);
        return { ref: name, attributes: {} };
      }
      case 'AWS::SES::EmailIdentity': {
        const identity = this.resolveString(p.EmailIdentity, `EmailIdentity of ${logicalId}`);
        return { ref: identity, attributes: {} };
      }
      case 'AWS::SSM::Parameter': {
        const name = named('Name', 2048);
        return { ref: name, attributes: { Type: String(p.Type ?? 'String'), Value: String(p.Value ?? '') } };
      }
      case 'AWS::Cognito::UserPool': {
        const id = `${region}_local${shortHash(logicalId, 4)}`;
        return {
          ref: id,
          attributes: {
            Arn: arn('cognito-idp', `userpool/${id}`),
            ProviderName: `cognito-idp.${region}.${this.account.urlSuffix}/${id}`,
            ProviderURL:
              this.identityProvider ?? `https://cognito-idp.${region}.${this.account.urlSuffix}/${id}`,
            UserPoolId: id,
          },
        };
      }
      case 'AWS::Cognito::UserPoolClient': {
        const id = shortHash(`${this.stackName}/${logicalId}`, 26);
        return { ref: id, attributes: { ClientId: id } };
      }
      default:
        throw new UnsupportedIntrinsicError(
          `${where} refers to ${logicalId} (${resource.Type}), a resource type the local cloud does not run`,
        );
    }
  }
}
