// The checks of a definition that asl-validator does not make: the fields each state may have (with a message
// that names the field, where asl-validator reports "must match exactly one schema in oneOf"), the rules of
// Retry and Catch that AWS enforces, and what this runtime does not run (fields, Map modes, task resources),
// refused with the state's path and the reason.
import { resolveResource } from '../resources.ts';
import {
  BLOCK_FIELDS,
  CATCHER_FIELDS,
  ITEM_READERS,
  knownField,
  type Language,
  MACHINE_FIELDS,
  READER_CONFIG_FIELDS,
  REFUSED_FIELDS,
  REFUSED_PROCESSOR_MODES,
  RETRIER_FIELDS,
  STATE_FIELDS,
} from './fields.ts';

export interface DefinitionProblem {
  code: string;
  message: string;
  /** Where, as a JSON pointer into the definition (`/States/Notify/Retry/0`). */
  location?: string;
}

/** What this runtime can run, beyond the state types and fields: its task integrations and mocks. */
export interface RuntimeSupport {
  /** An integration is registered for `service:action` (`dynamodb:putItem`, `aws-sdk:sesv2:sendEmail`). */
  hasIntegration(key: string): boolean;
  /** States of this machine that a mock configuration answers for (their resources need not be runnable). */
  mockedStates?: ReadonlySet<string>;
  /** EXPRESS machines cannot wait for a callback or a nested execution. */
  type?: 'STANDARD' | 'EXPRESS';
}

export const UNSUPPORTED = 'UNSUPPORTED_BY_LOCAL_RUNTIME';
const SCHEMA = 'SCHEMA_VALIDATION_FAILED';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const ptr = (...parts: Array<string | number>) =>
  parts.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

export function checkDefinition(def: Obj, support: RuntimeSupport): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (code: string, message: string, location?: string) =>
    problems.push({ code, message, ...(location !== undefined ? { location } : {}) });
  for (const field of Object.keys(def)) {
    if (!MACHINE_FIELDS.includes(field)) {
      add(SCHEMA, `The field '${field}' is not supported by Step Functions`, ptr(field));
    }
  }
  const top = def.QueryLanguage ?? 'JSONPath';
  if (top !== 'JSONPath' && top !== 'JSONata') {
    add(SCHEMA, `QueryLanguage must be 'JSONPath' or 'JSONata'`, ptr('QueryLanguage'));
    return problems;
  }
  if (def.Version !== undefined && def.Version !== '1.0') {
    add(SCHEMA, `Version must be '1.0'`, ptr('Version'));
  }
  checkBlock(def, '', top, support, add, false);
  return problems;
}

type Add = (code: string, message: string, location?: string) => void;

function checkBlock(
  block: Obj,
  at: string,
  top: Language,
  support: RuntimeSupport,
  add: Add,
  nested: boolean,
): void {
  if (nested) {
    for (const field of Object.keys(block)) {
      if (!BLOCK_FIELDS.includes(field)) {
        add(SCHEMA, `The field '${field}' is not supported by Step Functions`, `${at}${ptr(field)}`);
      }
    }
  }
  if (!isObj(block.States)) return; // asl-validator reports the missing or malformed States
  for (const [name, state] of Object.entries(block.States)) {
    if (isObj(state)) checkState(name, state, `${at}${ptr('States', name)}`, top, support, add);
  }
}

function checkState(
  name: string,
  state: Obj,
  at: string,
  top: Language,
  support: RuntimeSupport,
  add: Add,
): void {
  const type = String(state.Type);
  if (!STATE_FIELDS[type]) return; // asl-validator reports an unknown Type
  const language = (state.QueryLanguage ?? top) as Language;
  if (language !== 'JSONPath' && language !== 'JSONata') {
    add(SCHEMA, `QueryLanguage must be 'JSONPath' or 'JSONata'`, `${at}/QueryLanguage`);
    return;
  }
  if (top === 'JSONata' && language === 'JSONPath') {
    add(
      SCHEMA,
      `A state cannot use JSONPath when the state machine's QueryLanguage is JSONata`,
      `${at}/QueryLanguage`,
    );
  }
  for (const field of Object.keys(state)) {
    const known = knownField(type, field, language);
    if (known === 'no') {
      add(
        SCHEMA,
        `The field '${field}' is not supported by Step Functions in a ${type} state`,
        `${at}${ptr(field)}`,
      );
    } else if (known === 'other-language') {
      add(SCHEMA, `The field '${field}' is not supported in a ${language} state`, `${at}${ptr(field)}`);
    } else if (REFUSED_FIELDS[`${type}.${field}`]) {
      add(UNSUPPORTED, REFUSED_FIELDS[`${type}.${field}`]!, `${at}${ptr(field)}`);
    }
  }
  if (Array.isArray(state.Retry)) checkRetry(state.Retry, `${at}/Retry`, add);
  if (Array.isArray(state.Catch)) checkCatch(state.Catch, `${at}/Catch`, language, add);
  if (type === 'Task' && typeof state.Resource === 'string' && !support.mockedStates?.has(name)) {
    const problem = resourceProblem(state.Resource, support);
    if (problem) add(UNSUPPORTED, problem, `${at}/Resource`);
  }
  if (type === 'Parallel' && Array.isArray(state.Branches)) {
    state.Branches.forEach((branch, i) => {
      if (isObj(branch)) checkBlock(branch, `${at}/Branches/${i}`, top, support, add, true);
    });
  }
  if (type === 'Map') {
    const key = state.ItemProcessor !== undefined ? 'ItemProcessor' : 'Iterator';
    const processor = state[key];
    if (isObj(processor)) {
      const config = processor.ProcessorConfig;
      const mode = isObj(config) ? config.Mode : undefined;
      if (typeof mode === 'string' && REFUSED_PROCESSOR_MODES[mode]) {
        add(UNSUPPORTED, REFUSED_PROCESSOR_MODES[mode]!, `${at}/${key}/ProcessorConfig/Mode`);
      }
      checkDistributed(state, mode === 'DISTRIBUTED', support, `${at}`, `${at}/${key}`, add);
      checkBlock(processor, `${at}/${key}`, top, support, add, true);
    }
  }
}

/**
 * Distributed Map: not in an EXPRESS machine; its ItemReader (only there) reads a JSON or CSV file or a
 * listing from S3, with the ReaderConfig fields this runtime reads.
 */
function checkDistributed(
  state: Record<string, unknown>,
  distributed: boolean,
  support: RuntimeSupport,
  at: string,
  processorAt: string,
  add: Add,
): void {
  if (distributed && support.type === 'EXPRESS') {
    add(
      UNSUPPORTED,
      'An EXPRESS state machine cannot run a Distributed Map',
      `${processorAt}/ProcessorConfig/Mode`,
    );
  }
  const reader = state.ItemReader;
  if (reader === undefined) return;
  if (!distributed) {
    add(
      SCHEMA,
      'ItemReader is only supported in a Distributed Map (ProcessorConfig Mode DISTRIBUTED)',
      `${at}/ItemReader`,
    );
    return;
  }
  if (!isObj(reader)) {
    add(SCHEMA, 'ItemReader must be an object', `${at}/ItemReader`);
    return;
  }
  for (const field of ['ItemsPath', 'Items']) {
    if (state[field] !== undefined) {
      add(
        UNSUPPORTED,
        `${field} with an ItemReader is not supported by the local runtime`,
        `${at}${ptr(field)}`,
      );
    }
  }
  if (typeof reader.Resource !== 'string' || !ITEM_READERS.includes(reader.Resource)) {
    add(
      UNSUPPORTED,
      `The ItemReader resource ${String(reader.Resource)} is not supported by the local runtime (it reads ${ITEM_READERS.join(', ')})`,
      `${at}/ItemReader/Resource`,
    );
  }
  const config = reader.ReaderConfig;
  if (!isObj(config)) return;
  for (const field of Object.keys(config)) {
    if (!READER_CONFIG_FIELDS.includes(field)) {
      add(
        UNSUPPORTED,
        `ReaderConfig ${field} is not supported by the local runtime`,
        `${at}/ItemReader/ReaderConfig${ptr(field)}`,
      );
    }
  }
  if (config.InputType !== undefined && config.InputType !== 'JSON' && config.InputType !== 'CSV') {
    add(
      UNSUPPORTED,
      `ReaderConfig InputType ${String(config.InputType)} is not supported by the local runtime (JSON, CSV)`,
      `${at}/ItemReader/ReaderConfig/InputType`,
    );
  }
  if (config.CSVHeaderLocation === 'GIVEN' && !Array.isArray(config.CSVHeaders)) {
    add(SCHEMA, 'CSVHeaderLocation GIVEN needs CSVHeaders', `${at}/ItemReader/ReaderConfig/CSVHeaders`);
  }
}

const ALL = 'States.ALL';

/** Retrier values as AWS accepts them (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-retrying-after-an-error). */
function checkRetry(retry: unknown[], at: string, add: Add): void {
  retry.forEach((retrier, i) => {
    const where = `${at}/${i}`;
    if (!isObj(retrier)) return;
    for (const field of Object.keys(retrier)) {
      if (!RETRIER_FIELDS.includes(field)) {
        add(
          SCHEMA,
          `The field '${field}' is not supported by Step Functions in a Retrier`,
          `${where}${ptr(field)}`,
        );
      }
    }
    checkErrorEquals(retrier.ErrorEquals, i === retry.length - 1, 'Retrier', 'Retry', where, add);
    const int = (field: string, min: number, max: number) => {
      const v = retrier[field];
      if (v !== undefined && !(Number.isInteger(v) && (v as number) >= min && (v as number) <= max)) {
        add(SCHEMA, `${field} must be an integer from ${min} to ${max}`, `${where}/${field}`);
      }
    };
    int('IntervalSeconds', 1, 99_999_999);
    int('MaxAttempts', 0, 99_999_999);
    // "must be greater than 0 and less than 31622401"
    int('MaxDelaySeconds', 1, 31_622_400);
    const backoff = retrier.BackoffRate;
    if (backoff !== undefined && !(typeof backoff === 'number' && backoff >= 1)) {
      add(SCHEMA, 'BackoffRate must be a number greater than or equal to 1.0', `${where}/BackoffRate`);
    }
    const jitter = retrier.JitterStrategy;
    if (jitter !== undefined && jitter !== 'FULL' && jitter !== 'NONE') {
      add(SCHEMA, `JitterStrategy must be 'FULL' or 'NONE'`, `${where}/JitterStrategy`);
    }
  });
}

function checkCatch(catchers: unknown[], at: string, language: Language, add: Add): void {
  catchers.forEach((catcher, i) => {
    const where = `${at}/${i}`;
    if (!isObj(catcher)) return;
    for (const field of Object.keys(catcher)) {
      if (!CATCHER_FIELDS[language].includes(field)) {
        add(
          SCHEMA,
          `The field '${field}' is not supported in a ${language} Catcher`,
          `${where}${ptr(field)}`,
        );
      }
    }
    checkErrorEquals(catcher.ErrorEquals, i === catchers.length - 1, 'Catcher', 'Catch', where, add);
  });
}

/**
 * "The reserved name States.ALL … MUST appear alone in the ErrorEquals array and MUST appear in the last
 * Retrier in the Retry array" (and the same of Catchers): https://states-language.net/spec.html#retrying-after-error
 */
function checkErrorEquals(
  errors: unknown,
  last: boolean,
  what: string,
  field: string,
  at: string,
  add: Add,
): void {
  if (!Array.isArray(errors) || !errors.includes(ALL)) return;
  if (errors.length > 1) {
    add(SCHEMA, `States.ALL must appear alone in the ErrorEquals of a ${what}`, `${at}/ErrorEquals`);
  } else if (!last) {
    add(SCHEMA, `States.ALL must appear in the last ${what} of ${field}`, `${at}/ErrorEquals`);
  }
}

const ACTIVITY = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:activity:/;

/** Why this runtime cannot run a Task's Resource, or undefined when it can. */
export function resourceProblem(resource: string, support: RuntimeSupport): string | undefined {
  if (ACTIVITY.test(resource)) {
    return support.type === 'EXPRESS'
      ? `An EXPRESS state machine cannot use the activity ${resource}: Express workflows do not support activities`
      : undefined;
  }
  const r = resolveResource(resource);
  if (!r) return `The resource ${resource} is not supported by the local runtime`;
  if (
    support.type === 'EXPRESS' &&
    (r.pattern === 'token' || r.pattern === 'sync' || r.pattern === 'sync2')
  ) {
    return `An EXPRESS state machine cannot use ${resource}: Express workflows do not support .sync or .waitForTaskToken`;
  }
  if (r.lambdaArn) return undefined;
  if (r.service === 'states' && r.action === 'startExecution') return undefined;
  const key = `${r.service}:${r.action}`;
  if (!support.hasIntegration(key)) {
    return `The resource ${resource} is not supported by the local runtime (it runs Lambda, states:startExecution, ${KNOWN} and integrations its embedder adds)`;
  }
  if (r.pattern === 'sync' || r.pattern === 'sync2') {
    return `The resource ${resource} is not supported by the local runtime: only states:startExecution runs as .sync`;
  }
  if (r.pattern === 'token' && !(key === 'lambda:invoke' || r.service.startsWith('aws-sdk:'))) {
    return `The resource ${resource} is not supported: ${key} does not take .waitForTaskToken`;
  }
  return undefined;
}

const KNOWN =
  'dynamodb:getItem|putItem|updateItem|deleteItem, aws-sdk:sesv2:sendEmail, aws-sdk:ses:sendEmail';
