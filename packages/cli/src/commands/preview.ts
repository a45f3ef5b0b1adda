import { Command, Option } from 'commander';
import {
  FIELD_OWNERS,
  SYNC_DIRECTIONS,
  type FieldOwner,
  type IntegrationPreviewResponse,
  type PreviewDirectionResponse,
  type SyncDirection,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { action, withConnectionOptions, type Runtime } from '../context';
import { UsageError } from '../errors';
import { listTable, show, tableOrEmpty } from '../output';

const collect = (value: string, previous: string[] = []) => [
  ...previous,
  value,
];

/** `title=external` or `title=external:20`, as a draft rule. */
function draftRule(spec: string) {
  const match = /^([a-z][a-z0-9_]*)=([a-z]+)(?::(\d+))?$/.exec(spec);
  if (!match || !FIELD_OWNERS.includes(match[2] as FieldOwner))
    throw new UsageError(
      `--owner '${spec}': expected <field>=platform|external[:priority]`,
    );
  return {
    field: match[1],
    owner: match[2] as FieldOwner,
    priority: match[3] === undefined ? 0 : Number(match[3]),
  };
}

/** `a → b`, or the value kept and why. */
function directionText(d: PreviewDirectionResponse): string {
  const value = (v: unknown) =>
    v === null || v === undefined ? '-' : String(v);
  return d.skipped
    ? `${value(d.now)} (kept: ${d.skipped}, ${d.why})`
    : `${value(d.now)} → ${value(d.draft)}`;
}

function previewView(preview: IntegrationPreviewResponse): string {
  type Row = {
    item: IntegrationPreviewResponse['items'][number];
    field?: IntegrationPreviewResponse['items'][number]['fields'][number];
  };
  const rows = preview.items.flatMap((item): Row[] =>
    item.error
      ? [{ item, field: undefined }]
      : item.fields.map(field => ({ item, field })),
  );
  return tableOrEmpty(
    rows,
    r =>
      listTable(r, [
        ['incident', x => x.item.incident_id],
        ['ticket', x => x.item.external_id],
        ['field', x => x.field?.field ?? x.item.error],
        [
          'owner now → draft',
          x =>
            x.field &&
            `${x.field.owner.now ?? '-'} → ${x.field.owner.draft ?? '-'}`,
        ],
        ['ticket (outbound)', x => x.field && directionText(x.field.outbound)],
        ['platform (inbound)', x => x.field && directionText(x.field.inbound)],
      ]),
    'Nothing to compare.',
  );
}

/** `im integration preview`: the test run of a draft (docs/sync-semantics.md#preview). */
export function addPreviewCommand(integration: Command, runtime: Runtime) {
  withConnectionOptions(
    integration
      .command('preview')
      .description(
        'show what a draft ownership or direction would do to linked incidents, field by field; writes nothing',
      )
      .argument('<integration>', 'integration id or name')
      .option('--incident <id>', 'a linked incident (repeat)', collect, [])
      .option(
        '--ticket <id>',
        "a linked ticket's external id (repeat)",
        collect,
        [],
      )
      .option(
        '--owner <field=owner[:priority]>',
        'a draft ownership rule, e.g. title=external:20 (repeat)',
        collect,
        [],
      )
      .addOption(
        new Option('--direction <direction>', 'a draft sync direction').choices(
          SYNC_DIRECTIONS,
        ),
      ),
  ).action(
    action<{
      incident: string[];
      ticket: string[];
      owner: string[];
      direction?: string;
    }>(runtime, async ({ api, format, output }, [ref], opts) => {
      if (!opts.incident.length && !opts.ticket.length)
        throw new UsageError('Give at least one --incident or --ticket');
      const request = {
        field_ownership: opts.owner.map(draftRule),
        incidents: opts.incident,
        tickets: opts.ticket,
        ...(opts.direction
          ? { sync_direction: opts.direction as SyncDirection }
          : {}),
      };
      const preview = await api.call(`preview a draft of '${ref}'`, a =>
        a.previewIntegration(ref, request),
      );
      show(output, format, preview, previewView);
    }),
  );
}
