import useAsync from 'react-use/esm/useAsync';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Text } from '@backstage/ui';
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
    <table
      aria-label="Sync history"
      style={{ width: '100%', borderSpacing: '8px 4px' }}
    >
      <thead>
        <tr>
          <th align="left">When</th>
          <th align="left">Integration</th>
          <th align="left">Direction</th>
          <th align="left">What</th>
          <th align="left">Fields</th>
          <th align="left">Vendor call</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(e => (
          <tr key={e.id} aria-label={`Trace entry ${e.id}`}>
            <td>
              <Text variant="body-small">{formatTime(e.at)}</Text>
            </td>
            <td>
              <Text variant="body-small">
                {e.integration_id
                  ? (props.integrationNames?.[e.integration_id] ??
                    e.integration_id)
                  : '-'}
              </Text>
            </td>
            <td>
              <Text variant="body-small">{e.direction}</Text>
            </td>
            <td>
              <Text as="div" variant="body-small">
                {e.kind}
              </Text>
              <Text as="div" variant="body-x-small" color="secondary">
                {e.source}
              </Text>
            </td>
            <td>
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
            </td>
            <td>
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
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
