// Shapes shared by the language layer. Nothing here reads a clock or a random source: the engine passes them in.

/** What a JSONPath expression can see besides the data it is applied to. */
export interface PathScope {
  /** The context object, `$$` (Execution, State, StateMachine, Task, Map…). */
  context: unknown;
  /** Variables visible to the state, `$name` (already merged from outer scopes; see variables.ts). */
  variables?: Readonly<Record<string, unknown>> | undefined;
}

/** Randomness, passed in so the engine can make States.UUID, States.MathRandom, $uuid and $random repeatable. */
export interface EvalEnv {
  /** A number in [0, 1). */
  random(): number;
  /** A version 4 UUID. */
  uuid(): string;
}

export type QueryLanguage = 'JSONPath' | 'JSONata';

/** A state definition as it appears in the ASL JSON; fields are read defensively. */
export type AslState = { readonly Type: string } & Readonly<Record<string, unknown>>;

/** The top level of a definition (only what the language layer needs). */
export interface AslMachine {
  readonly QueryLanguage?: unknown;
  readonly [key: string]: unknown;
}

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
  readonly Comment?: string;
}

export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
  readonly Assign?: unknown;
  readonly Output?: unknown;
  readonly Comment?: string;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality of JSON values (object key order does not matter). */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEquals(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && jsonEquals(a[key], b[key]))
    );
  }
  return false;
}
