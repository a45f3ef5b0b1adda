import type { Command } from 'commander';
import { action, withConnectionOptions, type Runtime } from '../context';
import { show, tableOrEmpty } from '../output';
import { traceView } from '../views';

/** `im incident trace`. */
export function addIncidentCommands(program: Command, runtime: Runtime) {
  const incident = program
    .command('incident')
    .description('inspect platform incidents');

  withConnectionOptions(
    incident
      .command('trace')
      .description(
        'show the sync trace: each event and delivery, and why each field synced or not',
      )
      .argument('<incident>', 'incident id')
      .option(
        '--link <integration>',
        'only the link to this integration (id or name)',
      ),
  ).action(
    action<{ link?: string }>(
      runtime,
      async ({ api, format, output }, [id], opts) => {
        const items = await api.call(`get the trace of incident '${id}'`, a =>
          a.getIncidentTrace(id, { link: opts.link }),
        );
        show(output, format, items, v =>
          tableOrEmpty(v, traceView, 'No sync trace for this incident.'),
        );
      },
    ),
  );
}
