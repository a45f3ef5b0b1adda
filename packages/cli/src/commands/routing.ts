import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import {
  INCIDENT_STATUSES,
  SEVERITIES,
  type IntegrationRoutingRequest,
  type IntegrationRoutingResponse,
  type RoutingPreviewRequest,
  type RoutingPreviewResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { action, withConnectionOptions, type Runtime } from '../context';
import { UsageError } from '../errors';
import { listTable, show, tableOrEmpty } from '../output';

function previewText(preview: RoutingPreviewResponse): string {
  const lines = [
    `Entity: ${preview.facts.entity_ref ?? '(none)'} (catalog: ${preview.catalog})`,
    tableOrEmpty(
      preview.matches,
      m =>
        listTable(m, [
          ['integration', x => x.integration_name],
          ['type', x => x.integration_type],
          ['why', x => x.explanation],
        ]),
      'Routes to no integration.',
    ),
  ];
  for (const s of preview.skipped)
    lines.push(
      `Not ${s.integration_name}: rule ${s.position} '${s.rule}' skips it`,
    );
  return lines.join('\n');
}

function rulesText(routing: IntegrationRoutingResponse): string {
  const rules = tableOrEmpty(
    routing.rules,
    r =>
      listTable(
        r.map((rule, i) => ({ ...rule, position: i + 1 })),
        [
          ['#', x => x.position],
          ['rule', x => x.name],
          [
            'when',
            x =>
              Object.entries(x.when)
                .map(([k, v]) => `${k} in ${(v as string[]).join('|')}`)
                .join(' and ') || 'always',
          ],
          ['action', x => x.action],
        ],
      ),
    'No routing rules.',
  );
  return `${rules}\nWhen no rule matches: ${routing.default}`;
}

/** `im routing`: where incidents go (docs/DESIGN.md, "Routing"). */
export function addRoutingCommands(program: Command, runtime: Runtime) {
  const group = program
    .command('routing')
    .description('routing rules and where incidents go');

  withConnectionOptions(
    group
      .command('preview')
      .description('show which integrations an incident goes to and why')
      .option('--incident <id>', 'a stored incident')
      .addOption(
        new Option(
          '--severity <severity>',
          'severity of an incident to try',
        ).choices([...SEVERITIES]),
      )
      .addOption(
        new Option('--status <status>', 'status of an incident to try').choices(
          [...INCIDENT_STATUSES],
        ),
      )
      .option(
        '--entity-ref <ref>',
        'catalog entity of an incident to try, e.g. component:default/checkout',
      )
      .option('--incident-type <type>', 'incident type of an incident to try'),
  ).action(
    action<{
      incident?: string;
      severity?: string;
      status?: string;
      entityRef?: string;
      incidentType?: string;
    }>(runtime, async ({ api, format, output }, _args, opts) => {
      let body: RoutingPreviewRequest;
      if (opts.incident) {
        if (
          opts.severity ||
          opts.status ||
          opts.entityRef ||
          opts.incidentType
        ) {
          throw new UsageError(
            'give either --incident, or the fields of an incident to try, not both',
          );
        }
        body = { incident_id: opts.incident };
      } else {
        if (!opts.severity)
          throw new UsageError(
            'give --incident <id>, or --severity with the other fields of an incident to try',
          );
        body = {
          incident: {
            severity: opts.severity as any,
            ...(opts.status ? { status: opts.status as any } : {}),
            entity_ref: opts.entityRef ?? null,
            incident_type: opts.incidentType ?? null,
          },
        };
      }
      const preview = await api.call('preview routing', a =>
        a.previewRouting(body),
      );
      show(output, format, preview, previewText);
    }),
  );

  withConnectionOptions(
    group
      .command('show')
      .description("list an integration's routing rules")
      .argument('<integration>', 'id or name'),
  ).action(
    action(runtime, async ({ api, format, output }, [ref]) => {
      const routing = await api.call(`get routing of '${ref}'`, a =>
        a.getRouting(ref),
      );
      show(output, format, routing, rulesText);
    }),
  );

  withConnectionOptions(
    group
      .command('set')
      .description(
        'replace an integration\'s routing rules with those of a JSON file ({"rules": [...], "default": "skip"})',
      )
      .argument('<integration>', 'id or name')
      .requiredOption('--file <path>', 'JSON file with the rules'),
  ).action(
    action<{ file: string }>(
      runtime,
      async ({ api, format, output }, [ref], opts) => {
        let body: unknown;
        try {
          body = JSON.parse(await readFile(opts.file, 'utf8'));
        } catch (error) {
          throw new UsageError(
            `--file ${opts.file}: ${(error as Error).message}`,
          );
        }
        const routing = await api.call(`save routing of '${ref}'`, a =>
          a.setRouting(ref, body as IntegrationRoutingRequest),
        );
        show(output, format, routing, rulesText);
      },
    ),
  );
}
