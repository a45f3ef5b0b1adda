import {
  Cell,
  CellText,
  Link,
  Table,
  Text,
  type ColumnConfig,
} from '@backstage/ui';
import type { IncidentLinkResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { SyncWithItsmButton } from '../EntityIncidentsCard/SyncWithItsmButton';
import { formatTime } from '../shared/formatting';
import { SyncStateIndicator } from '../shared/SyncStateIndicator';

type TicketRow = IncidentLinkResponse & { id: string };

const COLUMNS: ColumnConfig<TicketRow>[] = [
  {
    id: 'integration',
    label: 'Integration',
    isRowHeader: true,
    cell: l => (
      <CellText title={l.integration_name} description={l.integration_type} />
    ),
  },
  {
    id: 'ticket',
    label: 'Ticket',
    cell: l => {
      const ticket = l.external_key ?? l.external_id;
      return (
        <Cell>
          {ticket && l.external_url ? (
            <Link
              href={l.external_url}
              target="_blank"
              rel="noopener noreferrer"
              variant="body-small"
            >
              {ticket}
            </Link>
          ) : (
            <Text variant="body-small" color={ticket ? 'primary' : 'secondary'}>
              {ticket ?? 'no ticket yet'}
            </Text>
          )}
        </Cell>
      );
    },
  },
  {
    id: 'state',
    label: 'Sync state',
    minWidth: 160,
    cell: l => (
      <Cell>
        <SyncStateIndicator state={l.sync_state} />
        {l.last_error && (
          <Text as="div" variant="body-x-small" color="danger">
            {l.last_error}
          </Text>
        )}
      </Cell>
    ),
  },
  {
    id: 'synced',
    label: 'Last sync',
    cell: l => <CellText title={formatTime(l.last_synced_at)} />,
  },
  {
    id: 'action',
    label: 'Action',
    minWidth: 200,
    cell: l => (
      <Cell>
        <SyncWithItsmButton
          integrationId={l.integration_id}
          incidentId={l.incident_id}
          cooldownUntil={l.manual_sync_cooldown_until}
        />
      </Cell>
    ),
  },
];

/** The incident's tickets with deep links into each ITSM, their sync state and "Sync with ITSM". */
export function IncidentTickets(props: { links: IncidentLinkResponse[] }) {
  return (
    <div style={{ overflowX: 'auto', maxWidth: '100%' }}>
      <Table
        columnConfig={COLUMNS}
        data={props.links.map(l => ({ ...l, id: l.integration_id }))}
        pagination={{ type: 'none' }}
        emptyState={
          <Text variant="body-small" color="secondary">
            Not linked to any ITSM ticket yet.
          </Text>
        }
      />
    </div>
  );
}
