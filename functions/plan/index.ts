// The plan module's public API in one import: `import { parsePlan, stageWindow, type Plan } from '#plan/index.ts'`.
// Not for code bundled into a Lambda function that never parses a plan file: it drags the YAML parser (about
// 110 KB, which esbuild cannot shake out) into the bundle; import the module you need instead.
export * from './generate.ts';
export * from './kinds.ts';
export * from './load.ts';
export * from './lookup.ts';
export * from './schedule.ts';
export * from './schema.ts';
export * from './score.ts';
export {
  addDuration,
  compareDurations,
  type Duration,
  dateOf,
  endOfDate,
  isDuration,
  isValidTimeZone,
  localDateTimeToInstant,
  parseDuration,
  startOfDate,
  TimeFormatError,
} from './time.ts';
