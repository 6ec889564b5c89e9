// The template's AWS::StepFunctions::StateMachine resources, deployed into the embedded Step Functions
// runtime as CloudFormation would: the definition with its intrinsic functions resolved and its
// DefinitionSubstitutions applied, created or updated under its name, and machines no longer in the template
// deleted.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-stepfunctions-statemachine.html
import type { Resolver } from './intrinsics.ts';

export interface LocalStateMachine {
  logicalId: string;
  name: string;
  arn: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
}

/** The part of the runtime's API that deploying needs (the AWS API's request and response shapes). */
export interface StateMachineApi {
  createStateMachine(input: {
    name: string;
    definition: string;
    roleArn: string;
    type?: 'STANDARD' | 'EXPRESS';
  }): Promise<{ stateMachineArn: string }>;
  updateStateMachine(input: {
    stateMachineArn: string;
    definition?: string;
    roleArn?: string;
  }): Promise<unknown>;
  describeStateMachine(input: { stateMachineArn: string }): Promise<{ definition: string; roleArn: string }>;
  listStateMachines(input: { maxResults?: number; nextToken?: string }): Promise<{
    stateMachines: Array<{ stateMachineArn: string; name: string }>;
    nextToken?: string;
  }>;
  deleteStateMachine(input: { stateMachineArn: string }): Promise<unknown>;
}

export function stateMachinesOf(resolver: Resolver): LocalStateMachine[] {
  return resolver.resourcesOfType('AWS::StepFunctions::StateMachine').map(([logicalId, resource]) => {
    const p = resource.Properties ?? {};
    const where = `the definition of ${logicalId}`;
    if (p.DefinitionS3Location !== undefined) {
      throw new Error(
        `${logicalId} keeps its definition in S3 (DefinitionS3Location), which the local cloud cannot read`,
      );
    }
    let definition =
      p.Definition !== undefined
        ? JSON.stringify(resolver.resolve(p.Definition, where))
        : resolver.resolveString(p.DefinitionString, where);
    const substitutions = (resolver.resolve(
      p.DefinitionSubstitutions,
      `DefinitionSubstitutions of ${logicalId}`,
    ) ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(substitutions)) {
      definition = definition.split(`\${${key}}`).join(String(value));
    }
    const identity = resolver.identity(logicalId);
    return {
      logicalId,
      name: identity.attributes.Name as string,
      arn: identity.ref,
      definition,
      roleArn: resolver.resolveString(p.RoleArn, `RoleArn of ${logicalId}`),
      type: p.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
    };
  });
}

/** Creates or updates every machine, and deletes the runtime's machines that the template no longer has. */
export async function deployStateMachines(
  api: StateMachineApi,
  machines: LocalStateMachine[],
): Promise<void> {
  const wanted = new Set(machines.map((m) => m.arn));
  let nextToken: string | undefined;
  const existing = new Set<string>();
  do {
    const page = await api.listStateMachines({ maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
    for (const m of page.stateMachines) existing.add(m.stateMachineArn);
    nextToken = page.nextToken;
  } while (nextToken);
  for (const arn of existing) if (!wanted.has(arn)) await api.deleteStateMachine({ stateMachineArn: arn });
  for (const machine of machines) {
    await deployOne(api, machine, existing.has(machine.arn)).catch((error: unknown) => {
      // The runtime refuses a definition it cannot run; say which of the template's machines it was.
      throw new Error(`${machine.logicalId} (${machine.name}): ${(error as Error).message}`, {
        cause: error,
      });
    });
  }
}

async function deployOne(api: StateMachineApi, machine: LocalStateMachine, exists: boolean): Promise<void> {
  if (exists) {
    const current = await api.describeStateMachine({ stateMachineArn: machine.arn });
    if (current.definition !== machine.definition || current.roleArn !== machine.roleArn) {
      await api.updateStateMachine({
        stateMachineArn: machine.arn,
        definition: machine.definition,
        roleArn: machine.roleArn,
      });
    }
    return;
  }
  const { stateMachineArn } = await api.createStateMachine({
    name: machine.name,
    definition: machine.definition,
    roleArn: machine.roleArn,
    type: machine.type,
  });
  if (stateMachineArn !== machine.arn) {
    throw new Error(`the runtime named ${machine.logicalId} ${stateMachineArn}, expected ${machine.arn}`);
  }
}
