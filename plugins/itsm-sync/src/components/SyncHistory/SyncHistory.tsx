import useAsync from 'react-use/esm/useAsync';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Cell, CellText, Table, Text, type ColumnConfig } from '@backstage/ui';
import type {
  SyncTraceEntry,
  SyncTraceField,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { formatTime } from '../shared/formatting';

/** The same words as `im incident trace`: `status applied`, `title skipped (owner): why`. */
function fieldDecisionText(f: SyncTraceField): string {
  return f.outcome === 'applied'
    ? `${f.field} applied`
    : `${f.field} skipped (${f.reason}): ${f.why}`;
}

function callText(e: SyncTraceEntry): string {
  if (!e.call) return '';
  const where = e.call.method ? ` ${e.call.method} ${e.call.path}` : '';
  const status = e.call.status === null ? '' : ` ${e.call.status}`;
  return `${e.call.operation}${where}${status} ${e.call.latency_ms} ms`;
}

function columns(
  integrationNames: Record<string, string>,
): ColumnConfig<SyncTraceEntry>[] {
  return [
    {
      id: 'when',
      label: 'When',
      isRowHeader: true,
      cell: e => <CellText title={formatTime(e.at)} />,
    },
    {
      id: 'integration',
      label: 'Integration',
      cell: e => (
        <CellText
          title={
            e.integration_id
              ? (integrationNames[e.integration_id] ?? e.integration_id)
              : '-'
          }
        />
      ),
    },
    {
      id: 'direction',
      label: 'Direction',
      cell: e => <CellText title={e.direction} />,
    },
    {
      id: 'what',
      label: 'What',
      cell: e => <CellText title={e.kind} description={e.source} />,
    },
    {
      id: 'fields',
      label: 'Fields',
      minWidth: 260,
      cell: e => (
        <Cell>
          {e.fields.map(f => (
            <Text
              as="div"
              key={f.field}
              variant="body-x-small"
              color={f.outcome === 'applied' ? 'primary' : 'secondary'}
            >
              {fieldDecisionText(f)}
            </Text>
          ))}
        </Cell>
      ),
    },
    {
      id: 'call',
      label: 'Vendor call',
      minWidth: 220,
      cell: e => (
        <Cell>
          <Text as="div" variant="body-x-small">
            {callText(e)}
          </Text>
          {e.next_attempt_at && (
            <Text as="div" variant="body-x-small" color="secondary">
              {`next attempt ${formatTime(e.next_attempt_at)}`}
            </Text>
          )}
          {e.error && (
            <Text as="div" variant="body-x-small" color="danger">
              {e.error}
            </Text>
          )}
        </Cell>
      ),
    },
  ];
}

/**
 * An incident's sync trace (docs/sync-semantics.md#sync-trace), oldest first: each inbound
 * event and outbound delivery with what happened to every field and why, the vendor call,
 * retries with their next time and the DLQ reason.
 */
export function SyncHistory(props: {
  incidentId: string;
  /** Names of the incident's integrations by id, to say which link an entry is about. */
  integrationNames?: Record<string, string>;
}) {
  const api = useApi(itsmSyncApiRef);
  const {
    value: entries,
    loading,
    error,
  } = useAsync(
    () => api.getIncidentTrace(props.incidentId),
    [api, props.incidentId],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!entries?.length)
    return (
      <EmptyState
        missing="data"
        title="No sync history"
        description="Nothing was sent or received for this incident yet, or it is older than the trace keeps."
      />
    );
  return (
    <section aria-label="Sync history">
      <div style={{ overflowX: 'auto', maxWidth: '100%' }}>
        <Table
          columnConfig={columns(props.integrationNames ?? {})}
          data={entries}
          pagination={{ type: 'none' }}
        />
      </div>
    </section>
  );
}
