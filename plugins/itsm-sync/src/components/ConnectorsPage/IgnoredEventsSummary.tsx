import { Text } from '@backstage/ui';
import type { IgnoredEventsResponseItem } from '@itsm-sync-hub/plugin-itsm-sync-common';

/** The few most recent kinds shown; sync-status and the CLI list them all. */
const SHOWN = 3;

/**
 * What a vendor sent that the hub acknowledged without acting on, per event type and
 * reason (sync-status `ignored_events`), so a subscription that sends the wrong events is
 * seen rather than silently ignored.
 */
export function IgnoredEventsSummary(props: {
  events: IgnoredEventsResponseItem[];
}) {
  if (!props.events.length) return null;
  const total = props.events.reduce((sum, e) => sum + e.count, 0);
  return (
    <div aria-label="Ignored webhook events">
      <Text as="div" variant="body-x-small" color="secondary">
        {`${total} webhook event${total === 1 ? '' : 's'} acknowledged without action`}
      </Text>
      {props.events.slice(0, SHOWN).map(e => (
        <Text
          as="div"
          variant="body-x-small"
          color="secondary"
          key={`${e.event_type}\u0000${e.reason}`}
        >
          {`${e.event_type} ×${e.count}: ${e.reason}`}
        </Text>
      ))}
    </div>
  );
}
