import { Flex, Text } from '@backstage/ui';
import type { ConflictDetailsResponse as ConflictDetails } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { formatTime, formatValue } from '../shared/formatting';

function Side(props: { title: string; value: unknown; changedAt: string }) {
  return (
    <td style={{ verticalAlign: 'top', width: '50%' }}>
      <Text as="div" variant="body-x-small" color="secondary">
        {props.title}
      </Text>
      <Text as="div" variant="body-medium" weight="bold">
        {formatValue(props.value)}
      </Text>
      <Text as="div" variant="body-x-small" color="secondary">
        {`changed ${formatTime(props.changedAt)}`}
      </Text>
    </td>
  );
}

/** The two competing values of one field, platform on the left and the ITSM on the right. */
export function ConflictDiff(props: { conflict: ConflictDetails }) {
  const { conflict } = props;
  const integration = conflict.integration?.name ?? conflict.integration_id;
  return (
    <Flex direction="column" gap="1">
      <Text variant="body-small">
        <strong>{conflict.field}</strong>
        {` on incident ${conflict.incident?.title ?? conflict.incident_id} · integration ${integration}`}
      </Text>
      <table
        aria-label={`Conflict on ${conflict.field}`}
        style={{ width: '100%', borderSpacing: '12px 4px' }}
      >
        <tbody>
          <tr>
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
          </tr>
        </tbody>
      </table>
    </Flex>
  );
}
