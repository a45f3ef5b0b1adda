import { Badge, Button, Flex, Text } from '@backstage/ui';
import { formatCountdown } from '../shared/formatting';
import { useManualSync } from './useManualSync';
import { InlineError } from '../shared/InlineError';

/**
 * "Sync with ITSM" for one incident on one integration, with its states (docs/sync-semantics.md#manual-sync):
 * enabled, disabled while in flight, the ticket id after success, and the cooldown.
 */
export function SyncWithItsmButton(props: {
  integrationId: string;
  incidentId: string;
  cooldownUntil?: string | null;
}) {
  const { state, result, secondsLeft, coolingDown, sync } = useManualSync(
    props.integrationId,
    props.incidentId,
    props.cooldownUntil,
  );
  // A slow vendor answers before the ticket exists: pending, never "Ticket null".
  const ticket = result && (result.external_key ?? result.external_id);
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
      {result && ticket && result.state !== 'pending' && (
        <Badge size="small" title="Ticket synced">
          {`Ticket ${ticket}`}
        </Badge>
      )}
      {result && (!ticket || result.state === 'pending') && (
        <Badge
          size="small"
          title="The vendor has not answered yet; the sync is still on its way"
        >
          {ticket ? `Ticket ${ticket} pending` : 'Ticket pending'}
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
