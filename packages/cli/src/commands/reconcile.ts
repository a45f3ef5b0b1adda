import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import type { ReconcileRunResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { integrationPath } from '../client';
import { action, withConnectionOptions, type CommandContext, type Runtime } from '../context';
import { CliError, EXIT_FAILURE, UsageError } from '../errors';
import { show, tableOrEmpty } from '../output';
import { readReconcileStream } from '../reconcileStream';
import { reconcileHistoryView, reconcileRunView } from '../views';

/**
 * A progress bar on stderr, so stdout stays clean for JSON: shown at a terminal, or
 * anywhere when --progress asks for it (a CI log).
 */
function progressReporter(runtime: Runtime, forced: boolean) {
  if (!runtime.interactive && !forced) return { update: () => {}, stop: () => {} };
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
  const response = await ctx.api.send(
    integrationPath(ref, '/reconcile'),
    { method: 'POST', body, what: `reconcile '${ref}'` },
    'application/x-ndjson, application/json;q=0.9',
  );
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('ndjson')) {
    // A server that does not stream answers with the run itself.
    const answer = (await response.json()) as ReconcileRunResponse | { run: ReconcileRunResponse };
    return 'run' in answer ? answer.run : answer;
  }
  if (!response.body) throw new CliError('The backend sent an empty reconcile stream');
  const progress = progressReporter(ctx.runtime, forceProgress);
  try {
    return await readReconcileStream(response.body as unknown as AsyncIterable<Uint8Array>, progress.update);
  } finally {
    progress.stop();
  }
}

/** `im integration reconcile <integration>` and `im integration reconcile history <integration>`. */
export function addReconcileCommands(integration: Command, runtime: Runtime) {
  const reconcile = withConnectionOptions(
    integration
      .command('reconcile')
      .description('compare linked incidents with their tickets (dry run unless --auto-heal)')
      .argument('<integration>', 'id or name')
      .option('--dry-run', 'report drift without changing anything (the default)')
      .option('--auto-heal', 'repair drift in the direction field ownership says')
      .option('--progress', 'show the progress bar even when stderr is not a terminal'),
  );
  reconcile.action(
    action<{ dryRun?: boolean; autoHeal?: boolean; progress?: boolean }>(runtime, async (ctx, [ref], opts) => {
      if (opts.dryRun && opts.autoHeal) throw new UsageError('--dry-run and --auto-heal cannot be used together');
      const run = await runReconcile(ctx, ref, { dry_run: !opts.autoHeal, auto_heal: Boolean(opts.autoHeal) }, Boolean(opts.progress));
      show(ctx.output, ctx.format, run, reconcileRunView);
      return run.status === 'failed' ? EXIT_FAILURE : undefined;
    }),
  );

  withConnectionOptions(
    reconcile.command('history').description('past reconcile runs').argument('<integration>', 'id or name'),
  ).action(
    action(runtime, async ({ api, format, output }, [ref]) => {
      const answer = await api.json<{ items: ReconcileRunResponse[] } | ReconcileRunResponse[]>(
        integrationPath(ref, '/reconcile/history'),
        { what: `get the reconcile history of '${ref}'` },
      );
      const runs = Array.isArray(answer) ? answer : answer.items;
      show(output, format, runs, v => tableOrEmpty(v, reconcileHistoryView, 'No reconcile runs yet.'));
    }),
  );
}
