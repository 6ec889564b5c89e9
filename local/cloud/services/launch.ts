// The plan's launch: the workflows' job, done by the function the template marks as the launcher
// (infra/marks.ts), invoked once per data directory with `{ planYaml, source }`.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readJsonFile, writeJsonFile } from '../files.ts';
import type { InvokeResult, LocalFunction } from '../lambda.ts';

/** The function marked as the launcher, whatever its name. */
export function launcherOf(functions: LocalFunction[]): LocalFunction | undefined {
  return functions.find((f) => f.role === 'launcher');
}

export async function launchOnce(context: {
  launch: boolean;
  dataDir: string;
  planFile: string;
  functions: LocalFunction[];
  invoke: (nameOrArn: string, payload: unknown) => Promise<InvokeResult>;
  progress: (line: string) => void;
  log: (line: string) => void;
}): Promise<void> {
  const { dataDir, planFile, invoke, progress } = context;
  const source = relative(process.cwd(), planFile) || planFile;
  if (!context.launch) return progress('launch: skipped (--no-launch)');
  const stateFile = join(dataDir, 'launched.json');
  const launched = readJsonFile<{ source: string; at: string } | undefined>(stateFile, undefined);
  if (launched) return progress(`launch: ${launched.source} was launched at ${launched.at}`);
  const launcher = launcherOf(context.functions);
  if (!launcher) return progress('launch: skipped (the assembly has no function marked as the launcher)');
  if (!existsSync(planFile)) return progress(`launch: skipped (${source} does not exist)`);
  const result = await invoke(launcher.arn, { planYaml: readFileSync(planFile, 'utf8'), source });
  if (result.functionError) {
    const error = result.payload as { errorType?: string; errorMessage?: string };
    context.log(`launch: ${launcher.name} failed: ${error.errorType}: ${error.errorMessage}`);
    return;
  }
  writeJsonFile(stateFile, { source, at: new Date().toISOString(), result: result.payload });
  progress(`launch: ${source} launched`);
}
