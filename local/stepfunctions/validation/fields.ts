// Which fields a definition may have: the fields AWS knows for each state type and query language
// (https://docs.aws.amazon.com/step-functions/latest/dg/workflow-states.html and each state's page;
// https://states-language.net/spec.html), and among them the ones this runtime does not run, each with the
// reason it gives when it refuses them. docs/stepfunctions.md lists the same refusals; a test keeps both true.

export type Language = 'JSONPath' | 'JSONata';

interface Fields {
  /** In both query languages. */
  both: readonly string[];
  JSONPath: readonly string[];
  JSONata: readonly string[];
}

export const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const FLOW = ['Next', 'End'];

export const STATE_FIELDS: Readonly<Record<string, Fields>> = {
  Pass: {
    both: [...FLOW, 'Assign'],
    JSONPath: ['InputPath', 'OutputPath', 'Parameters', 'Result', 'ResultPath'],
    JSONata: ['Output'],
  },
  Task: {
    both: [
      ...FLOW,
      'Assign',
      'Resource',
      'Retry',
      'Catch',
      'TimeoutSeconds',
      'HeartbeatSeconds',
      'Credentials',
    ],
    JSONPath: [
      'InputPath',
      'OutputPath',
      'Parameters',
      'ResultPath',
      'ResultSelector',
      'TimeoutSecondsPath',
      'HeartbeatSecondsPath',
    ],
    JSONata: ['Arguments', 'Output'],
  },
  Choice: {
    both: ['Choices', 'Default', 'Assign'],
    JSONPath: ['InputPath', 'OutputPath'],
    JSONata: ['Output'],
  },
  Wait: {
    both: [...FLOW, 'Assign', 'Seconds', 'Timestamp'],
    JSONPath: ['InputPath', 'OutputPath', 'SecondsPath', 'TimestampPath'],
    JSONata: ['Output'],
  },
  Succeed: { both: [], JSONPath: ['InputPath', 'OutputPath'], JSONata: ['Output'] },
  Fail: { both: ['Error', 'Cause'], JSONPath: ['ErrorPath', 'CausePath'], JSONata: [] },
  Parallel: {
    both: [...FLOW, 'Assign', 'Branches', 'Retry', 'Catch'],
    JSONPath: ['InputPath', 'OutputPath', 'Parameters', 'ResultPath', 'ResultSelector'],
    JSONata: ['Arguments', 'Output'],
  },
  Map: {
    both: [
      ...FLOW,
      'Assign',
      'ItemProcessor',
      'Iterator',
      'ItemSelector',
      'MaxConcurrency',
      'Retry',
      'Catch',
      'ItemReader',
      'ItemBatcher',
      'ResultWriter',
      'Label',
      'ToleratedFailurePercentage',
      'ToleratedFailureCount',
    ],
    JSONPath: [
      'InputPath',
      'OutputPath',
      'ItemsPath',
      'Parameters',
      'ResultPath',
      'ResultSelector',
      'MaxConcurrencyPath',
      'ToleratedFailurePercentagePath',
      'ToleratedFailureCountPath',
    ],
    JSONata: ['Items', 'Output'],
  },
};

export const MACHINE_FIELDS = ['StartAt', 'States', 'Comment', 'Version', 'TimeoutSeconds', 'QueryLanguage'];
export const BLOCK_FIELDS = ['StartAt', 'States', 'Comment', 'ProcessorConfig'];
export const RETRIER_FIELDS = [
  'ErrorEquals',
  'IntervalSeconds',
  'MaxAttempts',
  'BackoffRate',
  'MaxDelaySeconds',
  'JitterStrategy',
  'Comment',
];
export const CATCHER_FIELDS: Readonly<Record<Language, readonly string[]>> = {
  JSONPath: ['ErrorEquals', 'Next', 'ResultPath', 'Assign', 'Comment'],
  JSONata: ['ErrorEquals', 'Next', 'Output', 'Assign', 'Comment'],
};

/** Where a field is known to AWS: the state types (and languages) that take it. */
export function knownField(type: string, field: string, language: Language): 'yes' | 'other-language' | 'no' {
  const fields = STATE_FIELDS[type];
  if (!fields) return 'no';
  if (COMMON.includes(field) || fields.both.includes(field) || fields[language].includes(field)) return 'yes';
  const other = language === 'JSONPath' ? 'JSONata' : 'JSONPath';
  return fields[other].includes(field) ? 'other-language' : 'no';
}

/**
 * Fields AWS runs that this runtime does not, by `Type.Field`, with the reason given when a definition uses
 * one. A field listed here fails validation wherever it appears.
 */
export const REFUSED_FIELDS: Readonly<Record<string, string>> = {
  'Task.Credentials':
    'cross-account tasks (Credentials) are not supported: the local runtime has one account and no IAM',
  'Map.ItemBatcher': 'ItemBatcher (Distributed Map) is not supported by the local runtime',
  'Map.ResultWriter':
    'ResultWriter (Distributed Map writing results to S3) is not supported by the local runtime',
};

/** Top-level fields of a Map's ItemProcessor.ProcessorConfig that are refused, with their reason. */
export const REFUSED_PROCESSOR_MODES: Readonly<Record<string, string>> = {};

/** A Distributed Map's ItemReader resources and ReaderConfig fields that the runtime reads. */
export const ITEM_READERS = ['arn:aws:states:::s3:getObject', 'arn:aws:states:::s3:listObjectsV2'];
export const READER_CONFIG_FIELDS = ['InputType', 'CSVHeaderLocation', 'CSVHeaders', 'MaxItems'];
