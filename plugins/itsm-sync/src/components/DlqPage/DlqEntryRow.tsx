import { Button, Flex, Text } from '@backstage/ui';
import type { DlqEntryResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { formatTime } from '../shared/formatting';
import { usePendingAction } from '../shared/usePendingAction';
import { InlineError } from '../shared/InlineError';

/** One dead-lettered change with retry and discard. */
export function DlqEntryRow(props: {
  entry: DlqEntryResponse;
  onAct: (action: 'retry' | 'discard') => Promise<void>;
}) {
  const { entry } = props;
  const { busy, error, run: act } = usePendingAction(props.onAct);

  return (
    <tr aria-label={`DLQ entry ${entry.id}`}>
      <td>
        <Text variant="body-small">{entry.operation}</Text>
      </td>
      <td>
        <Text variant="body-small">{entry.incident_id}</Text>
      </td>
      <td>
        <Text variant="body-small">{String(entry.attempts)}</Text>
      </td>
      <td>
        <Text variant="body-small" color="danger">
          {entry.last_status
            ? `${entry.last_status}: ${entry.last_error}`
            : entry.last_error}
        </Text>
      </td>
      <td>
        <Text variant="body-small">{formatTime(entry.created_at)}</Text>
      </td>
      <td>
        <Flex gap="2" align="center">
          <Button
            size="small"
            variant="secondary"
            isDisabled={busy}
            onPress={() => void act('retry')}
          >
            Retry
          </Button>
          <Button
            size="small"
            variant="tertiary"
            destructive
            isDisabled={busy}
            onPress={() => void act('discard')}
          >
            Discard
          </Button>
          <InlineError message={error} />
        </Flex>
      </td>
    </tr>
  );
}
