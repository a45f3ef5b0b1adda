import { Box, Flex, Grid, Link, Text } from '@backstage/ui';
import type { ConflictDetailsResponse as ConflictDetails } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { formatTime, formatValue } from '../shared/formatting';
import { useIncidentLink } from '../shared/useRouteLink';

function Side(props: { title: string; value: unknown; changedAt: string }) {
  return (
    <Box
      role="group"
      aria-label={props.title}
      p="3"
      style={{
        border: '1px solid var(--bui-border-1)',
        borderRadius: 'var(--bui-radius-2, 4px)',
        minWidth: 0,
        overflowWrap: 'anywhere',
      }}
    >
      <Text as="div" variant="body-x-small" color="secondary">
        {props.title}
      </Text>
      <Text as="div" variant="body-medium" weight="bold">
        {formatValue(props.value)}
      </Text>
      <Text as="div" variant="body-x-small" color="secondary">
        {`changed ${formatTime(props.changedAt)}`}
      </Text>
    </Box>
  );
}

/** The two competing values of one field, platform on the left and the ITSM on the right. */
export function ConflictDiff(props: { conflict: ConflictDetails }) {
  const { conflict } = props;
  const integration = conflict.integration?.name ?? conflict.integration_id;
  const incidentLink = useIncidentLink();
  const incidentTitle = conflict.incident?.title ?? conflict.incident_id;
  return (
    <Flex direction="column" gap="2">
      <Text variant="body-small">
        <strong>{conflict.field}</strong>
        {' on incident '}
        {incidentLink ? (
          <Link href={incidentLink(conflict.incident_id)} variant="body-small">
            {incidentTitle}
          </Link>
        ) : (
          incidentTitle
        )}
        {` · integration ${integration}`}
      </Text>
      <div role="group" aria-label={`Conflict on ${conflict.field}`}>
        <Grid.Root columns="2" gap="3">
          <Side
            title="Platform"
            value={conflict.platform_value}
            changedAt={conflict.platform_changed_at}
          />
          <Side
            title={`External (${integration})`}
            value={conflict.external_value}
            changedAt={conflict.external_changed_at}
          />
        </Grid.Root>
      </div>
    </Flex>
  );
}
