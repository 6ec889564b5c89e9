// `pilotflow keys rotate`: a new link-signing key for a local cloud, running or stopped. On AWS the same is one
// `aws secretsmanager put-secret-value` (README, "Rotating the link-signing key").
import type { Command } from 'commander';
import { rotateLinkSigningKey } from '#local/cloud/keys.ts';

export function registerKeys(cli: Command): void {
  const keys = cli.command('keys').description("The local cloud's link-signing key.");
  keys
    .command('rotate')
    .description(
      'Replace the key that signs approval links with a new one. Links signed with the replaced key keep ' +
        'working until they expire; links signed with the key before it stop working.',
    )
    .option('--data-dir <dir>', "the local cloud's data directory (running or stopped)", '.pilotflow')
    .action(async (options: { dataDir: string }) => {
      const r = await rotateLinkSigningKey(options.dataDir);
      console.log(
        `Rotated ${r.secretName} in ${options.dataDir} (${r.running ? 'running: taken at once' : 'stopped: used from the next start'}).\n` +
          `  new key id       ${r.keyId}  (links e-mailed from now on)\n` +
          `  previous key id  ${r.previousKeyId}  (links already e-mailed: they keep working until they expire)`,
      );
    });
}
