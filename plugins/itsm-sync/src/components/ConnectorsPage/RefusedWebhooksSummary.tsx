import { Text } from '@backstage/ui';
import type { WebhookRefusalsResponseItem } from '@itsm-sync-hub/plugin-itsm-sync-common';

/**
 * Webhooks refused by verification in the last hour (sync-status `webhooks_refused`), so a
 * wrong webhook secret shows as such rather than as a quiet, healthy integration.
 */
export function RefusedWebhooksSummary(props: {
  refusals: WebhookRefusalsResponseItem[];
}) {
  if (!props.refusals.length) return null;
  return (
    <div aria-label="Refused webhooks">
      {props.refusals.map(r => (
        <Text as="div" variant="body-x-small" color="danger" key={r.reason}>
          {`webhooks refused: ${r.reason} (${r.count_last_hour} in the last hour, last at ${new Date(r.last_at).toLocaleString()})`}
        </Text>
      ))}
    </div>
  );
}
