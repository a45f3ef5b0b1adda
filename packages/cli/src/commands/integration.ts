import { Command, Option } from 'commander';
import {
  DLQ_STATES,
  type DlqState,
  type IncidentLinkResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { action, withConnectionOptions, type Runtime } from '../context';
import { EXIT_FAILURE } from '../errors';
import { json, listTable, show, tableOrEmpty } from '../output';
import { dlqView, integrationView, linksView, syncStatusView } from '../views';

/** `im integration list|get|test|sync-status|links|dlq|dlq-retry|dlq-discard`. */
export function addIntegrationCommands(integration: Command, runtime: Runtime) {
  withConnectionOptions(
    integration.command('list').description('list integrations'),
  ).action(
    action(runtime, async ({ api, format, output }) => {
      const items = await api.call('list integrations', a =>
        a.listIntegrations(),
      );
      show(output, format, items, v =>
        listTable(v, [
          ['id', i => i.id],
          ['name', i => i.name],
          ['type', i => i.integration_type],
          ['direction', i => i.sync_direction],
          ['enabled', i => i.enabled],
          ['base url', i => i.base_url],
        ]),
      );
    }),
  );

  withConnectionOptions(
    integration
      .command('get')
      .description('show an integration')
      .argument('<integration>', 'id or name'),
  ).action(
    action(runtime, async ({ api, format, output }, [ref]) => {
      const result = await api.call(`get integration '${ref}'`, a =>
        a.getIntegration(ref),
      );
      show(output, format, result, integrationView);
    }),
  );

  withConnectionOptions(
    integration
      .command('test')
      .description(
        'check connectivity to the external system (exit 1 when it fails)',
      )
      .argument('<integration>', 'id or name'),
  ).action(
    action(runtime, async ({ api, format, output }, [ref]) => {
      const result = await api.call(`test integration '${ref}'`, a =>
        a.testIntegration(ref),
      );
      if (format === 'json') output.out(json(result));
      else
        output.out(
          `${result.ok ? 'OK' : 'FAILED'}: ${result.message} (${result.duration_ms} ms)`,
        );
      return result.ok ? undefined : EXIT_FAILURE;
    }),
  );

  withConnectionOptions(
    integration
      .command('sync-status')
      .description('health and sync metrics of an integration')
      .argument('<integration>', 'id or name'),
  ).action(
    action(runtime, async ({ api, format, output }, [ref]) => {
      const result = await api.call(`get the sync status of '${ref}'`, a =>
        a.getSyncStatus(ref),
      );
      show(output, format, result, syncStatusView);
    }),
  );

  withConnectionOptions(
    integration
      .command('links')
      .description('platform incidents linked to external tickets')
      .argument('<integration>', 'id or name'),
  ).action(
    action(runtime, async ({ api, format, output }, [ref]) => {
      // The API pages; a person or a script wants every link.
      const items: IncidentLinkResponse[] = [];
      let after: string | undefined;
      do {
        const cursor = after;
        const page = await api.call(`list the links of '${ref}'`, a =>
          a.listLinks(ref, { after: cursor }),
        );
        items.push(...page.items);
        after = page.next ?? undefined;
      } while (after);
      show(output, format, items, v =>
        tableOrEmpty(v, linksView, 'No linked incidents.'),
      );
    }),
  );

  withConnectionOptions(
    integration
      .command('dlq')
      .description('dead-letter queue entries of an integration')
      .argument('<integration>', 'id or name')
      .addOption(
        new Option('--state <state>', 'only entries in this state').choices(
          DLQ_STATES,
        ),
      ),
  ).action(
    action<{ state?: string }>(
      runtime,
      async ({ api, format, output }, [ref], opts) => {
        const items = await api.call(`list the DLQ of '${ref}'`, a =>
          a.listDlq(ref, { state: opts.state as DlqState | undefined }),
        );
        show(output, format, items, v =>
          tableOrEmpty(v, dlqView, 'The dead-letter queue is empty.'),
        );
      },
    ),
  );

  for (const [verb, done] of [
    ['retry', 'Queued for retry'],
    ['discard', 'Discarded'],
  ] as const) {
    withConnectionOptions(
      integration
        .command(`dlq-${verb}`)
        .description(`${verb} a dead-letter queue entry`)
        .argument('<integration>', 'id or name')
        .argument('<entry>', 'DLQ entry id'),
    ).action(
      action(runtime, async ({ api, format, output }, [ref, entry]) => {
        const result = await api.call(
          `${verb} DLQ entry '${entry}' of '${ref}'`,
          a =>
            verb === 'retry'
              ? a.retryDlqEntry(ref, entry)
              : a.discardDlqEntry(ref, entry),
        );
        show(
          output,
          format,
          result,
          r =>
            `${done}: DLQ entry ${r.id} (incident ${r.incident_id}, now ${r.state})`,
        );
      }),
    );
  }

  withConnectionOptions(
    integration
      .command('oncall')
      .description('who is on call now for a schedule (PagerDuty)')
      .argument('<integration>', 'id or name')
      .requiredOption('--schedule-id <id>', 'the schedule to look up'),
  ).action(
    action<{ scheduleId: string }>(
      runtime,
      async ({ api, format, output }, [ref], opts) => {
        const result = await api.call(
          `look up on-call for schedule '${opts.scheduleId}' on '${ref}'`,
          a => a.getOnCall(ref, opts.scheduleId),
        );
        show(output, format, result, value => {
          const items = ((Array.isArray(value)
            ? value
            : (value as { items?: unknown[] })?.items) ?? []) as Array<
            Record<string, unknown>
          >;
          return tableOrEmpty(
            items,
            v =>
              listTable(v, [
                ['user', e => e.user],
                ['email', e => e.email],
                ['level', e => e.escalation_level ?? e.escalationLevel],
                [
                  'escalation policy',
                  e => e.escalation_policy ?? e.escalationPolicy,
                ],
                ['start', e => e.start],
                ['end', e => e.end],
              ]),
            `Nobody is on call for schedule ${opts.scheduleId}.`,
          );
        });
      },
    ),
  );
}
