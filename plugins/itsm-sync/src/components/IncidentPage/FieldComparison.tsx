import { Cell, Table, Text, type ColumnConfig } from '@backstage/ui';
import {
  SYNCED_FIELDS,
  type IncidentResponse,
  type SyncedField,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { formatValue } from '../shared/formatting';

interface FieldRow {
  id: SyncedField;
}

/**
 * The incident's synced fields beside each linked ticket's values as the hub last wrote or
 * read them (docs/sync-semantics.md#change-marks-and-versions); a ticket value that differs
 * from the platform's is marked.
 */
export function FieldComparison(props: { incident: IncidentResponse }) {
  const { incident } = props;
  const columns: ColumnConfig<FieldRow>[] = [
    {
      id: 'field',
      label: 'Field',
      isRowHeader: true,
      cell: row => (
        <Cell>
          <Text variant="body-small" weight="bold">
            {row.id}
          </Text>
        </Cell>
      ),
    },
    {
      id: 'platform',
      label: 'Platform',
      minWidth: 160,
      cell: row => (
        <Cell>
          <Text variant="body-small">{formatValue(incident[row.id])}</Text>
        </Cell>
      ),
    },
    ...incident.links.map((link): ColumnConfig<FieldRow> => ({
      id: `link:${link.integration_id}`,
      label:
        `${link.integration_name} ${link.external_key ?? link.external_id ?? ''}`.trim(),
      minWidth: 160,
      cell: row => {
        if (!(row.id in link.ticket_values))
          return (
            <Cell>
              <Text variant="body-small" color="secondary">
                not synced
              </Text>
            </Cell>
          );
        const value = link.ticket_values[row.id];
        const differs = formatValue(value) !== formatValue(incident[row.id]);
        return (
          <Cell>
            <Text
              variant="body-small"
              color={differs ? 'warning' : 'primary'}
              title={differs ? 'Differs from the platform' : undefined}
            >
              {`${formatValue(value)}${differs ? ' ≠' : ''}`}
            </Text>
          </Cell>
        );
      },
    })),
  ];
  return (
    <div style={{ overflowX: 'auto', maxWidth: '100%' }}>
      <Table
        columnConfig={columns}
        data={SYNCED_FIELDS.map(id => ({ id }))}
        pagination={{ type: 'none' }}
      />
    </div>
  );
}
