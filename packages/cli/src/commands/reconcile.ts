import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import {
  action,
  withConnectionOptions,
  type CommandContext,
  type Runtime,
} from '../context';
import { EXIT_FAILURE, UsageError } from '../errors';
import { show, tableOrEmpty } from '../output';
import { reconcileHistoryView, reconcileRunView } from '../views';

/**
 * A progress bar on stderr, so stdout stays clean for JSON: shown at a terminal, or
 * anywhere when --progress asks for it (a CI log).
 */
function progressReporter(runtime: Runtime, forced: boolean) {
  if (!runtime.interactive && !forced)
    return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    format: 'reconciling [{bar}] {value}/{total} incidents',
    stream: process.stderr,
    hideCursor: runtime.interactive,
    clearOnComplete: runtime.interactive,
    noTTYOutput: !runtime.interactive,
  });
  let started = false;
  return {
    update(checked: number, total: number) {
      if (!started) {
        bar.start(total, checked);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(checked);
      }
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

async function runReconcile(
  ctx: CommandContext,
  ref: string,
  body: { dry_run: boolean; auto_heal: boolean },
  forceProgress: boolean,
) {
  const progress = progressReporter(ctx.runtime, forceProgress);
  try {
    return await ctx.api.call(`reconcile '${ref}'`, api =>
      api.reconcile(ref, body, { onProgress: progress.update }),
    );
  } finally {
    progress.stop();
  }
}

/** `im integration reconcile <integration>` and `im integration reconcile history <integration>`. */
export function addReconcileCommands(integration: Command, runtime: Runtime) {
  const reconcile = withConnectionOptions(
    integration
      .command('reconcile')
      .description(
        'compare linked incidents with their tickets (dry run unless --auto-heal)',
      )
      .argument('<integration>', 'id or name')
      .option(
        '--dry-run',
        'report drift without changing anything (the default)',
      )
      .option(
        '--auto-heal',
        'repair drift in the direction field ownership says',
      )
      .option(
        '--progress',
        'show the progress bar even when stderr is not a terminal',
      ),
  );
  reconcile.action(
    action<{ dryRun?: boolean; autoHeal?: boolean; progress?: boolean }>(
      runtime,
      async (ctx, [ref], opts) => {
        if (opts.dryRun && opts.autoHeal)
          throw new UsageError(
            '--dry-run and --auto-heal cannot be used together',
          );
        const run = await runReconcile(
          ctx,
          ref,
          { dry_run: !opts.autoHeal, auto_heal: Boolean(opts.autoHeal) },
          Boolean(opts.progress),
        );
        show(ctx.output, ctx.format, run, reconcileRunView);
        return run.status === 'failed' ? EXIT_FAILURE : undefined;
      },
    ),
  );

  withConnectionOptions(
    reconcile
      .command('history')
      .description('past reconcile runs')
      .argument('<integration>', 'id or name'),
  ).action(
    action(runtime, async ({ api, format, output }, [ref]) => {
      const runs = await api.call(`get the reconcile history of '${ref}'`, a =>
        a.listReconcileRuns(ref),
      );
      show(output, format, runs, v =>
        tableOrEmpty(v, reconcileHistoryView, 'No reconcile runs yet.'),
      );
    }),
  );
}
