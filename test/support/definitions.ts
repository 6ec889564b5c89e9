// The state machine definitions of the synthesised stack as ASL objects, with references to other resources
// replaced by readable fake ARNs (`arn:aws:lambda:…:function:<logical id>`), for assertions on their shape.
import { stackTemplate } from './template.ts';

type Json = unknown;

function resolve(value: Json, resources: Record<string, { Type: string }>): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => resolve(v, resources)).join('');
  const obj = value as Record<string, Json>;
  if ('Fn::Join' in obj) {
    const [sep, parts] = obj['Fn::Join'] as [string, Json[]];
    return parts.map((p) => resolve(p, resources)).join(sep);
  }
  const arnOf = (id: string) => {
    const type = resources[id]?.Type;
    if (type === 'AWS::Lambda::Function') return `arn:aws:lambda:us-east-1:123456789012:function:${id}`;
    if (type === 'AWS::StepFunctions::StateMachine')
      return `arn:aws:states:us-east-1:123456789012:stateMachine:${id}`;
    return `arn:aws:unknown:::${id}`;
  };
  if ('Ref' in obj) {
    const ref = obj.Ref as string;
    if (ref === 'AWS::Partition') return 'aws';
    if (ref === 'AWS::Region') return 'us-east-1';
    if (ref === 'AWS::AccountId') return '123456789012';
    if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
    return arnOf(ref);
  }
  if ('Fn::GetAtt' in obj) return arnOf((obj['Fn::GetAtt'] as string[])[0]!);
  throw new Error(`cannot resolve ${JSON.stringify(value).slice(0, 200)}`);
}

export interface StateMachineDefinition {
  logicalId: string;
  name: string;
  definition: AslMachine;
}

export interface AslState {
  Type: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  TimeoutSeconds?: number | string;
  Arguments?: Record<string, Json>;
  Retry?: Array<{ ErrorEquals: string[] }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  ItemProcessor?: { StartAt: string; States: Record<string, AslState> };
  Choices?: Array<{ Next: string }>;
  Default?: string;
  [key: string]: Json;
}

export interface AslMachine {
  QueryLanguage?: string;
  StartAt: string;
  States: Record<string, AslState>;
}

/** Every state machine of the stack, by its short name (`Launch`, `Implementation`, …). */
export function stateMachines(): Record<string, StateMachineDefinition> {
  const template = stackTemplate() as {
    Resources: Record<string, { Type: string; Properties: Record<string, Json> }>;
  };
  const out: Record<string, StateMachineDefinition> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
    const name = resolve(resource.Properties.StateMachineName, template.Resources).split('-').pop()!;
    const definition = JSON.parse(
      resolve(resource.Properties.DefinitionString, template.Resources),
    ) as AslMachine;
    out[name] = { logicalId, name, definition };
  }
  return out;
}

/** Every state of a machine, Map iterations included, with its name. */
export function allStates(machine: AslMachine): Array<[string, AslState]> {
  const out: Array<[string, AslState]> = [];
  const walk = (states: Record<string, AslState>) => {
    for (const [name, state] of Object.entries(states)) {
      out.push([name, state]);
      if (state.ItemProcessor) walk(state.ItemProcessor.States);
    }
  };
  walk(machine.States);
  return out;
}
