import { Badge, Button, Flex, Text } from '@backstage/ui';
import { formatCountdown } from '../shared/formatting';
import { useManualSync } from './useManualSync';
import { InlineError } from '../shared/InlineError';

/**
 * "Sync with ITSM" for one incident on one integration, with the spec 004 states:
 * enabled, disabled while in flight, the ticket id after success, and the cooldown.
 */
export function SyncWithItsmButton(props: { integrationId: string; incidentId: string }) {
  const { state, result, secondsLeft, coolingDown, sync } = useManualSync(
    props.integrationId,
    props.incidentId,
  );
  const inFlight = state.kind === 'in_flight';

  let label = 'Sync with ITSM';
  if (inFlight) label = 'Syncing…';
  else if (coolingDown) label = `Cooldown ${formatCountdown(secondsLeft)}`;

  return (
    <Flex align="center" gap="2">
      <Button
        size="small"
        variant="secondary"
        isDisabled={inFlight || coolingDown}
        onPress={() => void sync()}
        aria-label={`${label} (${props.integrationId})`}
      >
        {label}
      </Button>
      {result && (
        <Badge size="small" title="Ticket synced">
          {`Ticket ${result.external_key ?? result.external_id}`}
        </Badge>
      )}
      {coolingDown && (
        <Text variant="body-small" color="secondary">
          {`Next sync in ${formatCountdown(secondsLeft)}`}
        </Text>
      )}
      <InlineError message={state.kind === 'failed' && state.message} />
    </Flex>
  );
}
