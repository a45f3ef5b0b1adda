import { Cell, CellText, Table, Text, type ColumnConfig } from '@backstage/ui';
import type {
  IntegrationPreviewResponse,
  PreviewDirectionResponse,
  PreviewFieldResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { formatValue } from '../shared/formatting';

function after(d: PreviewDirectionResponse): string {
  return d.skipped
    ? `${formatValue(d.draft)} (kept: ${d.skipped})`
    : formatValue(d.draft);
}

type FieldRow = PreviewFieldResponse & { id: string };

const COLUMNS: ColumnConfig<FieldRow>[] = [
  {
    id: 'field',
    label: 'Field',
    isRowHeader: true,
    cell: f => <CellText title={f.field} />,
  },
  {
    id: 'owner',
    label: 'Owner now → draft',
    cell: f => (
      <CellText title={`${f.owner.now ?? '-'} → ${f.owner.draft ?? '-'}`} />
    ),
  },
  {
    id: 'platform-now',
    label: 'Platform now',
    cell: f => <CellText title={formatValue(f.inbound.now)} />,
  },
  {
    id: 'ticket-now',
    label: 'Ticket now',
    cell: f => <CellText title={formatValue(f.outbound.now)} />,
  },
  {
    id: 'platform-draft',
    label: 'Platform with the draft',
    cell: f => <CellText title={after(f.inbound)} />,
  },
  {
    id: 'ticket-draft',
    label: 'Ticket with the draft',
    cell: f => <CellText title={after(f.outbound)} />,
  },
  {
    id: 'why',
    label: 'Why',
    minWidth: 240,
    cell: f => (
      <Cell>
        <Text variant="body-x-small" color="secondary">
          {[f.outbound.why, f.inbound.why]
            .filter((w, i, all) => all.indexOf(w) === i)
            .join('; ')}
        </Text>
      </Cell>
    ),
  },
];

/**
 * A draft's test run side by side (docs/sync-semantics.md#preview): per incident and
 * field, the owner and both sides' values now, and what they would be under the draft,
 * with why a side keeps its value.
 */
export function DraftPreviewTable(props: {
  preview: IntegrationPreviewResponse;
}) {
  return (
    <div aria-label="Draft preview">
      {props.preview.items.map(item => (
        <section
          key={item.incident_id}
          aria-label={`Preview of incident ${item.incident_id}`}
        >
          <Text as="h4" variant="body-small" weight="bold">
            {`Incident ${item.incident_id} · ticket ${item.external_id}`}
          </Text>
          {item.error && (
            <Text as="div" variant="body-small" color="danger">
              {item.error}
            </Text>
          )}
          <div style={{ overflowX: 'auto', maxWidth: '100%' }}>
            <Table
              columnConfig={COLUMNS}
              data={item.fields.map(f => ({ ...f, id: f.field }))}
              pagination={{ type: 'none' }}
            />
          </div>
        </section>
      ))}
    </div>
  );
}
