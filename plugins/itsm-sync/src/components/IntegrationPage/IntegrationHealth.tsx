import { Card, CardBody, Grid, Text } from '@backstage/ui';
import type { SyncStatusResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { formatTime } from '../shared/formatting';
import { HealthIndicator } from '../shared/HealthIndicator';

function Figure(props: { label: string; children: React.ReactNode }) {
  return (
    <Card aria-label={props.label}>
      <CardBody>
        <Text as="div" variant="body-x-small" color="secondary">
          {props.label}
        </Text>
        <Text as="div" variant="title-x-small">
          {props.children}
        </Text>
      </CardBody>
    </Card>
  );
}

/** An integration's health at a glance (docs/sync-semantics.md#health): state, queues, last traffic. */
export function IntegrationHealth(props: { status: SyncStatusResponse }) {
  const { status } = props;
  return (
    <Grid.Root columns={{ initial: '2', md: '3', lg: '6' }} gap="3">
      <Figure label="Health">
        <HealthIndicator health={status.health} />
      </Figure>
      <Figure label="Outbox backlog">{String(status.outbox_pending)}</Figure>
      <Figure label="Dead letters">{String(status.dlq_size)}</Figure>
      <Figure label="Pending conflicts">
        {String(status.pending_conflicts)}
      </Figure>
      <Figure label="Last sent">{formatTime(status.last_outbound_at)}</Figure>
      <Figure label="Last received">
        {formatTime(status.last_inbound_at)}
      </Figure>
    </Grid.Root>
  );
}
