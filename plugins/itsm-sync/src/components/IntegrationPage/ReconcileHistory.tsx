import useAsync from 'react-use/esm/useAsync';
import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Cell, CellText, Table, Text, type ColumnConfig } from '@backstage/ui';
import type {
  ReconcileDiscrepancy,
  ReconcileRunResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { formatTime, formatValue } from '../shared/formatting';

/** Discrepancies listed per run; the CLI and the API give all of them. */
const SHOWN = 5;

function describe(d: ReconcileDiscrepancy): string {
  switch (d.kind) {
    case 'field_mismatch':
      return `${d.field} of ${d.external_id ?? d.incident_id}: platform ${formatValue(d.platform_value)}, ticket ${formatValue(d.external_value)} (${d.action})`;
    case 'missing_ticket':
      return `ticket ${d.external_id ?? ''} of incident ${d.incident_id} is missing (${d.action})`;
    default:
      return `ticket ${d.external_id} is not linked to an incident`;
  }
}

const COLUMNS: ColumnConfig<ReconcileRunResponse>[] = [
  {
    id: 'started',
    label: 'Started',
    isRowHeader: true,
    cell: r => (
      <CellText
        title={formatTime(r.started_at)}
        description={`${r.trigger}${r.dry_run ? ', dry run' : ''}${r.auto_heal ? ', auto-heal' : ''}`}
      />
    ),
  },
  {
    id: 'status',
    label: 'Status',
    cell: r => <CellText title={r.status} description={r.error ?? undefined} />,
  },
  {
    id: 'checked',
    label: 'Checked',
    cell: r => <CellText title={String(r.checked)} />,
  },
  {
    id: 'healed',
    label: 'Healed',
    cell: r => <CellText title={String(r.healed)} />,
  },
  {
    id: 'discrepancies',
    label: 'Discrepancies',
    minWidth: 320,
    cell: r => (
      <Cell>
        <Text as="div" variant="body-small" weight="bold">
          {String(r.discrepancies_found)}
        </Text>
        {r.discrepancies.slice(0, SHOWN).map((d, n) => (
          <Text as="div" variant="body-x-small" color="secondary" key={n}>
            {describe(d)}
          </Text>
        ))}
        {r.discrepancies.length > SHOWN && (
          <Text as="div" variant="body-x-small" color="secondary">
            {`and ${r.discrepancies.length - SHOWN} more`}
          </Text>
        )}
      </Cell>
    ),
  },
];

/** Drift reconcile runs of this integration, newest first, each with its discrepancies (docs/sync-semantics.md#reconciliation). */
export function ReconcileHistory(props: { integrationId: string }) {
  const api = useApi(itsmSyncApiRef);
  const { value, loading, error } = useAsync(
    () => api.listReconcileRuns(props.integrationId),
    [api, props.integrationId],
  );
  if (error) return <ResponseErrorPanel error={error} />;
  const runs =
    value &&
    [...value].sort((a, b) => b.started_at.localeCompare(a.started_at));
  return (
    <div style={{ overflowX: 'auto', maxWidth: '100%' }}>
      <Table
        columnConfig={COLUMNS}
        data={runs}
        isPending={loading}
        pagination={{ type: 'none' }}
        emptyState={
          <Text variant="body-small" color="secondary">
            No reconcile has run yet.
          </Text>
        }
      />
    </div>
  );
}
