// The synthesised assembly as the services read it: every stack's template with a resolver that gives each
// resource its local name (a table's, a function's ARN, an HTTP API's local URL), and what the local cloud runs
// from it. It has no list of its own: only the template's resources, by type and mark (ARCHITECTURE.md).
import { type CloudStack, marksOf, readAssembly } from '../assembly.ts';
import { type HttpApiDefinition, httpApisOf } from '../http-api.ts';
import { LOCAL_ACCOUNT, Resolver, type TemplateResource } from '../intrinsics.ts';
import { functionsOf, type LocalFunction } from '../lambda.ts';
import type { LocalClient } from '../oidc.ts';
import { type LocalSchedule, schedulesOf } from '../schedules.ts';
import { type LocalStateMachine, stateMachinesOf } from '../state-machines.ts';
import type { Ports } from './ports.ts';

export interface LocalTemplate {
  dir: string;
  stackNames: string[];
  resolvers: Resolver[];
  tables: Array<{ name: string; resource: TemplateResource }>;
  /** The S3 buckets' local names; `evidence` is the one marked as the evidence files' bucket. */
  buckets: { names: string[]; evidence?: string };
  functions: LocalFunction[];
  stateMachines: LocalStateMachine[];
  /** The HTTP APIs, each with the port of its local server. */
  apis: Array<{ api: HttpApiDefinition; port: number }>;
  schedules: LocalSchedule[];
  /** The Cognito app clients, for the local identity provider. */
  clients: LocalClient[];
  /** The resource types it does not run, with their counts (`AWS::SQS::Queue ×3`). */
  notRunLocally: string[];
}

/** Reads the assembly in `dir`; the first HTTP API gets the API port, any further one the next free port. */
export async function readTemplate(dir: string, host: string, ports: Ports): Promise<LocalTemplate> {
  const { stacks } = readAssembly(dir);
  const apiPorts = new Map<string, number>();
  const resolved: Array<{ stack: CloudStack; resolver: Resolver }> = [];
  for (const stack of stacks) {
    for (const [logicalId] of resourcesOf(stack, 'AWS::ApiGatewayV2::Api')) {
      apiPorts.set(`${stack.stackName}/${logicalId}`, apiPorts.size === 0 ? ports.api : await ports.next());
    }
    const resolver = new Resolver({
      stackName: stack.stackName,
      template: stack.template,
      account: LOCAL_ACCOUNT,
      identityProvider: `http://${host}:${ports.identity}`,
      apiEndpoint: (logicalId) => {
        const port = apiPorts.get(`${stack.stackName}/${logicalId}`);
        return port === undefined ? undefined : `http://${host}:${port}`;
      },
    });
    resolved.push({ stack, resolver });
  }
  return {
    dir,
    stackNames: stacks.map((s) => s.stackName),
    resolvers: resolved.map((r) => r.resolver),
    tables: resolved.flatMap(({ stack, resolver }) =>
      resourcesOf(stack, 'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable').map(
        ([logicalId, resource]) => ({
          name: resolver.identity(logicalId).ref,
          resource,
        }),
      ),
    ),
    buckets: bucketsOf(resolved.map((r) => r.resolver)),
    functions: resolved.flatMap(({ stack, resolver }) => functionsOf(stack, resolver)),
    stateMachines: resolved.flatMap(({ resolver }) => stateMachinesOf(resolver)),
    apis: resolved.flatMap(({ resolver }) =>
      httpApisOf(resolver).map((api) => ({
        api,
        port: apiPorts.get(`${resolver.stackName}/${api.logicalId}`) as number,
      })),
    ),
    schedules: resolved.flatMap(({ resolver }) => schedulesOf(resolver)),
    clients: resolved.flatMap(({ resolver }) => clientsOf(resolver)),
    notRunLocally: notRunLocally(stacks),
  };
}

function bucketsOf(resolvers: Resolver[]): LocalTemplate['buckets'] {
  const buckets = resolvers.flatMap((resolver) =>
    resolver.resourcesOfType('AWS::S3::Bucket').map(([id, resource]) => ({
      name: resolver.identity(id).ref,
      role: marksOf(resource.Metadata).role,
    })),
  );
  const evidence = buckets.find((b) => b.role === 'evidence')?.name;
  return { names: buckets.map((b) => b.name), ...(evidence ? { evidence } : {}) };
}

/** The user pools' app clients with their callback and sign-out URLs (AWS::Cognito::UserPoolClient). */
function clientsOf(resolver: Resolver): LocalClient[] {
  return resolver.resourcesOfType('AWS::Cognito::UserPoolClient').map(([id, client]) => {
    const urls = (key: string) =>
      (resolver.resolve(client.Properties?.[key], `${key} of ${id}`) as string[] | undefined) ?? [];
    return {
      clientId: resolver.identity(id).ref,
      redirectUris: urls('CallbackURLs'),
      logoutUris: urls('LogoutURLs'),
    };
  });
}

function resourcesOf(stack: CloudStack, ...types: string[]): Array<[string, TemplateResource]> {
  return Object.entries(stack.template.Resources ?? {}).filter(([, r]) => types.includes(r.Type));
}

/** What the local cloud runs, and what has no local meaning (permissions, log groups, identities…). */
const RUN =
  /^AWS::(DynamoDB::(Global)?Table|Lambda::Function|StepFunctions::StateMachine|SecretsManager::Secret|S3::Bucket|ApiGatewayV2::(Api|Route|Integration|Authorizer|Stage)|Scheduler::Schedule|Cognito::(UserPool|UserPoolClient|UserPoolDomain|UserPoolGroup|ManagedLoginBranding))$/;
const NO_LOCAL_MEANING =
  /^(AWS::IAM::|AWS::Logs::|AWS::KMS::|AWS::CloudWatch::|AWS::Lambda::(Permission|EventInvokeConfig)$|AWS::CDK::Metadata$|AWS::Scheduler::ScheduleGroup$|AWS::S3::BucketPolicy$|AWS::SES::(EmailIdentity|ConfigurationSet|ConfigurationSetEventDestination)$)/;

function notRunLocally(stacks: CloudStack[]): string[] {
  const counts = new Map<string, number>();
  for (const stack of stacks) {
    for (const resource of Object.values(stack.template.Resources ?? {})) {
      if (RUN.test(resource.Type) || NO_LOCAL_MEANING.test(resource.Type)) continue;
      counts.set(resource.Type, (counts.get(resource.Type) ?? 0) + 1);
    }
  }
  return [...counts].map(([type, n]) => (n > 1 ? `${type} ×${n}` : type));
}
