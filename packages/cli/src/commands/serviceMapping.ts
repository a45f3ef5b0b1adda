import { Command } from 'commander';
import {
  type IntegrationResponse,
  type ServiceMappingRequest,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { action, withConnectionOptions, type Runtime } from '../context';
import { UsageError } from '../errors';
import { listTable, show, tableOrEmpty } from '../output';

/** Reads the stored mappings, tolerating a missing or malformed list. */
function mappingsOf(integration: IntegrationResponse): ServiceMappingRequest[] {
  const list = integration.settings?.service_mappings;
  return Array.isArray(list) ? (list as ServiceMappingRequest[]) : [];
}

function mappingsTable(mappings: ServiceMappingRequest[]): string {
  return listTable(mappings, [
    ['pd service', m => m.pd_service],
    ['incident type', m => m.incident_type],
  ]);
}

/** `im integration service-mapping add` (docs/connectors/pagerduty.md#service-selection): PagerDuty service -> incident type. */
export function addServiceMappingCommands(
  integration: Command,
  runtime: Runtime,
) {
  const group = integration
    .command('service-mapping')
    .description('map PagerDuty services to incident types');

  withConnectionOptions(
    group
      .command('add')
      .description(
        "map a PagerDuty service to an incident type (replaces that service's mapping)",
      )
      .argument('<integration>', 'id or name')
      .requiredOption('--pd-service <id>', 'PagerDuty service id, e.g. P123ABC')
      .requiredOption(
        '--incident-type <type>',
        'incident type, e.g. infrastructure',
      ),
  ).action(
    action<{ pdService: string; incidentType: string }>(
      runtime,
      async ({ api, format, output }, [ref], opts) => {
        const mapping = {
          pd_service: opts.pdService.trim(),
          incident_type: opts.incidentType.trim(),
        };
        if (!mapping.pd_service || !mapping.incident_type) {
          throw new UsageError(
            '--pd-service and --incident-type must not be empty',
          );
        }
        const current = await api.call(`get integration '${ref}'`, a =>
          a.getIntegration(ref),
        );
        // One mapping per service: a new one replaces the old, the rest are kept.
        const service_mappings = [
          ...mappingsOf(current).filter(
            m => m.pd_service !== mapping.pd_service,
          ),
          mapping,
        ];
        const updated = await api.call(
          `save the service mapping on '${ref}'`,
          a =>
            a.updateIntegration(current.id, { settings: { service_mappings } }),
        );
        show(
          output,
          format,
          mappingsOf(updated),
          v =>
            `Mapped PagerDuty service ${mapping.pd_service} to incident type '${mapping.incident_type}'\n${mappingsTable(v)}`,
        );
      },
    ),
  );

  withConnectionOptions(
    group
      .command('list')
      .description('list the service mappings')
      .argument('<integration>', 'id or name'),
  ).action(
    action(runtime, async ({ api, format, output }, [ref]) => {
      const current = await api.call(`get integration '${ref}'`, a =>
        a.getIntegration(ref),
      );
      const mappings = mappingsOf(current);
      show(output, format, mappings, v =>
        tableOrEmpty(v, mappingsTable, 'No service mappings.'),
      );
    }),
  );
}
