// Timestamps as the States Language accepts them: "an RFC3339 profile of ISO 8601, with the further
// restrictions that an uppercase T must separate the date and time portions, and an uppercase Z must denote
// that a numeric time zone offset is not present" (https://states-language.net/spec.html#timestamps).

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

export interface ParsedTimestamp {
  /** Nanoseconds since the epoch; fractions finer than a nanosecond are dropped. */
  readonly nanos: bigint;
  /** Milliseconds since the epoch (rounded down). */
  readonly epochMs: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses a timestamp, or returns undefined when the text is not one. */
export function parseTimestamp(text: unknown): ParsedTimestamp | undefined {
  if (typeof text !== 'string') return undefined;
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  const zone = m[8] as string;
  if (zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const seconds = Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offsetMinutes * 60;
  const fraction = BigInt(`${m[7] ?? ''}000000000`.slice(0, 9));
  const nanos = BigInt(seconds) * 1_000_000_000n + fraction;
  return { nanos, epochMs: Number(nanos / 1_000_000n) };
}

export function isTimestamp(value: unknown): boolean {
  return parseTimestamp(value) !== undefined;
}
