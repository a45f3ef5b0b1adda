import useAsync from 'react-use/esm/useAsync';
import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Box, Flex, Text } from '@backstage/ui';
import { itsmSyncApiRef } from '../../api/ItsmSyncApi';
import { formatTime } from '../shared/formatting';

/** Notes and sync events of the incident, newest first. */
export function IncidentTimeline(props: { incidentId: string }) {
  const api = useApi(itsmSyncApiRef);
  const { value, error } = useAsync(
    () => api.getIncidentTimeline(props.incidentId),
    [api, props.incidentId],
  );
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  if (!value.length)
    return (
      <Text variant="body-small" color="secondary">
        No notes yet.
      </Text>
    );
  return (
    <ol
      aria-label="Timeline"
      style={{ listStyle: 'none', margin: 0, padding: 0 }}
    >
      {[...value].reverse().map((entry, n) => (
        <li key={n}>
          <Box
            py="2"
            style={{
              borderLeft: '2px solid var(--bui-border-2)',
              paddingLeft: 'var(--bui-space-3, 12px)',
              overflowWrap: 'anywhere',
            }}
          >
            <Flex gap="2" align="center">
              <Text variant="body-x-small" color="secondary">
                {formatTime(entry.created_at)}
              </Text>
              <Text variant="body-x-small" weight="bold">
                {entry.kind}
              </Text>
              <Text variant="body-x-small" color="secondary">
                {`${entry.source}${entry.author ? ` · ${entry.author}` : ''}`}
              </Text>
            </Flex>
            <Text as="p" variant="body-small">
              {entry.text}
            </Text>
          </Box>
        </li>
      ))}
    </ol>
  );
}
