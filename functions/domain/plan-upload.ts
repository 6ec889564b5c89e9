// A plan file uploaded on the dashboard, read as `pilotflow validate` reads a file: UTF-8 text, parsed and
// checked by the one plan loader, every problem with its path and line in the plan's language.
import { type ParseResult, parsePlan } from '#plan/load.ts';

/** The largest plan file the dashboard takes (the sample is 9 KB; a 1,000-pilot plan about 200 KB). */
export const MAX_PLAN_UPLOAD_BYTES = 256 * 1024;

export type UploadedPlan =
  | { ok: true; planYaml: string; parsed: Extract<ParseResult, { ok: true }> }
  | { ok: false; refused: 'missing' | 'too-large' | 'not-text' }
  | { ok: false; planYaml: string; parsed: Extract<ParseResult, { ok: false }> };

/** `file` is the upload's bytes (undefined: no file chosen); `source` its name, echoed in the problems. */
export function readUploadedPlan(file: Uint8Array | undefined, source: string): UploadedPlan {
  if (!file || file.length === 0) return { ok: false, refused: 'missing' };
  if (file.length > MAX_PLAN_UPLOAD_BYTES) return { ok: false, refused: 'too-large' };
  let planYaml: string;
  try {
    planYaml = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(file);
  } catch {
    return { ok: false, refused: 'not-text' };
  }
  const parsed = parsePlan(planYaml, source);
  return parsed.ok ? { ok: true, planYaml, parsed } : { ok: false, planYaml, parsed };
}
