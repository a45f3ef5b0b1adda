import {
  Cell,
  CellText,
  Link,
  Table,
  Text,
  type ColumnConfig,
} from '@backstage/ui';
import type { DlqEntryResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { formatTime } from '../shared/formatting';
import { useIncidentLink } from '../shared/useRouteLink';
import { DlqEntryActions } from './DlqEntryActions';

/** Dead-lettered changes, one row each, with the vendor's error and retry and discard. */
export function DlqTable(props: {
  entries: DlqEntryResponse[];
  onAct: (entryId: string, action: 'retry' | 'discard') => Promise<void>;
}) {
  const incidentLink = useIncidentLink();
  const columns: ColumnConfig<DlqEntryResponse>[] = [
    {
      id: 'operation',
      label: 'Operation',
      cell: e => <CellText title={e.operation} />,
    },
    {
      id: 'incident',
      label: 'Incident',
      isRowHeader: true,
      cell: e => (
        <Cell>
          {incidentLink ? (
            <Link href={incidentLink(e.incident_id)} variant="body-small">
              {e.incident_id}
            </Link>
          ) : (
            <Text variant="body-small">{e.incident_id}</Text>
          )}
        </Cell>
      ),
    },
    {
      id: 'attempts',
      label: 'Attempts',
      cell: e => <CellText title={String(e.attempts)} />,
    },
    {
      id: 'error',
      label: 'Last error',
      minWidth: 240,
      cell: e => (
        <Cell>
          <Text variant="body-small" color="danger">
            {e.last_status ? `${e.last_status}: ${e.last_error}` : e.last_error}
          </Text>
        </Cell>
      ),
    },
    {
      id: 'since',
      label: 'Since',
      cell: e => <CellText title={formatTime(e.created_at)} />,
    },
    {
      id: 'action',
      label: 'Action',
      cell: e => (
        <Cell>
          <DlqEntryActions onAct={action => props.onAct(e.id, action)} />
        </Cell>
      ),
    },
  ];
  return (
    <div style={{ overflowX: 'auto', maxWidth: '100%' }}>
      <Table
        columnConfig={columns}
        data={props.entries}
        pagination={{ type: 'none' }}
      />
    </div>
  );
}
