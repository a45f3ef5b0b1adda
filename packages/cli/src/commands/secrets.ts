import { Command } from 'commander';
import type { ResealSecretsResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { action, withConnectionOptions, type Runtime } from '../context';
import { show } from '../output';

function resealText(report: ResealSecretsResponse): string {
  const lines = [
    `Sealed with key ${report.key_id}: ${report.resealed} integration(s) resealed, ${report.already_current} already current, of ${report.integrations}.`,
  ];
  for (const f of report.failed)
    lines.push(`Not resealed: ${f.name} (${f.integration_id}): ${f.error}`);
  lines.push(
    report.failed.length
      ? 'Keep previousKeys until these are resealed (or their credentials are entered again).'
      : 'No stored secret needs a previous key any more: itsmSync.encryption.previousKeys can be emptied.',
  );
  return lines.join('\n');
}

/** `im secrets`: the hub's stored secrets (README, "Security": key rotation). */
export function addSecretsCommands(program: Command, runtime: Runtime) {
  const group = program
    .command('secrets')
    .description('stored integration secrets');

  withConnectionOptions(
    group
      .command('reseal')
      .description(
        'seal every stored secret with the current encryption key, so previousKeys can be emptied after a rotation',
      ),
  ).action(
    action(runtime, async ({ api, format, output }) => {
      const report = await api.call('reseal stored secrets', a =>
        a.resealSecrets(),
      );
      show(output, format, report, resealText);
      // Some secrets still need an old key: say so in the exit code too, for scripts.
      return report.failed.length ? 1 : undefined;
    }),
  );
}
