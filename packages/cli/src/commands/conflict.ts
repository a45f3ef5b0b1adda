import { Command, Option } from 'commander';
import {
  CONFLICT_STATUSES,
  type ConflictStatus,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { action, withConnectionOptions, type Runtime } from '../context';
import { UsageError } from '../errors';
import { show, tableOrEmpty } from '../output';
import { conflictsView, conflictView } from '../views';

/** `im conflict list|show|resolve`. */
export function addConflictCommands(program: Command, runtime: Runtime) {
  const conflict = program
    .command('conflict')
    .description('review and resolve sync conflicts');

  withConnectionOptions(
    conflict
      .command('list')
      .description('list conflicts')
      .addOption(
        new Option(
          '--status <status>',
          'only conflicts in this status',
        ).choices(CONFLICT_STATUSES),
      )
      .option(
        '--integration <integration>',
        'only conflicts of this integration (id or name)',
      ),
  ).action(
    action<{ status?: string; integration?: string }>(
      runtime,
      async ({ api, format, output }, _args, opts) => {
        const items = await api.call('list conflicts', a =>
          a.listConflicts({
            status: opts.status as ConflictStatus | undefined,
            integration: opts.integration,
          }),
        );
        show(output, format, items, v =>
          tableOrEmpty(v, conflictsView, 'No conflicts.'),
        );
      },
    ),
  );

  withConnectionOptions(
    conflict
      .command('show')
      .description('show both sides of a conflict')
      .argument('<conflict>', 'conflict id'),
  ).action(
    action(runtime, async ({ api, format, output }, [id]) => {
      const result = await api.call(`get conflict '${id}'`, a =>
        a.getConflict(id),
      );
      show(output, format, result, conflictView);
    }),
  );

  withConnectionOptions(
    conflict
      .command('resolve')
      .description(
        'resolve a conflict: exactly one of --use-platform, --use-external, --ignore',
      )
      .argument('<conflict>', 'conflict id')
      .option('--use-platform', 'keep the platform value and send it out')
      .option('--use-external', 'take the external value')
      .option('--ignore', 'keep the current state'),
  ).action(
    action<{ usePlatform?: boolean; useExternal?: boolean; ignore?: boolean }>(
      runtime,
      async (ctx, [id], opts) => {
        const { format, output } = ctx;
        const chosen = (
          [
            ['use-platform', opts.usePlatform],
            ['use-external', opts.useExternal],
            ['ignore', opts.ignore],
          ] as const
        ).filter(([, on]) => on);
        if (chosen.length !== 1) {
          throw new UsageError(
            'Give exactly one of --use-platform, --use-external or --ignore',
          );
        }
        const result = await ctx.api.call(`resolve conflict '${id}'`, api =>
          api.resolveConflict(id, chosen[0][0]),
        );
        show(
          output,
          format,
          result,
          r =>
            `Resolved conflict ${r.id} on field '${r.field}' with ${r.resolution}`,
        );
      },
    ),
  );
}
