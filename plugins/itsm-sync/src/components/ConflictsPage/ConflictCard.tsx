import { usePermission } from '@backstage/plugin-permission-react';
import { Button, Card, CardBody, CardFooter, Flex, Text } from '@backstage/ui';
import {
  itsmSyncConflictResolvePermission,
  type ConflictResolution,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { ConflictDetailsResponse as ConflictDetails } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { usePendingAction } from '../shared/usePendingAction';
import { ConflictDiff } from './ConflictDiff';
import { InlineError } from '../shared/InlineError';

const ACTIONS: { resolution: ConflictResolution; label: string }[] = [
  { resolution: 'use-platform', label: 'Use platform' },
  { resolution: 'use-external', label: 'Use external' },
  { resolution: 'ignore', label: 'Ignore' },
];

/**
 * One pending conflict; the resolve buttons only for people allowed to resolve this one
 * (a policy may scope it, e.g. to incidents assigned to the viewer).
 */
export function ConflictCard(props: {
  conflict: ConflictDetails;
  onResolve: (resolution: ConflictResolution) => Promise<void>;
}) {
  const { busy, error, run: resolve } = usePendingAction(props.onResolve);
  const { allowed: canResolve, loading } = usePermission({
    permission: itsmSyncConflictResolvePermission,
    resourceRef: props.conflict.id,
  });

  return (
    <Card
      role="group"
      aria-label={`${props.conflict.field} conflict on ${props.conflict.incident?.title ?? props.conflict.incident_id}`}
    >
      <CardBody>
        <ConflictDiff conflict={props.conflict} />
      </CardBody>
      {!canResolve && !loading && (
        <CardFooter>
          <Text variant="body-small" color="secondary">
            You can review this conflict; resolving it needs the
            itsm-sync.conflict.resolve permission.
          </Text>
        </CardFooter>
      )}
      {canResolve && (
        <CardFooter>
          <Flex gap="2" align="center">
            {ACTIONS.map(action => (
              <Button
                key={action.resolution}
                size="small"
                variant={
                  action.resolution === 'ignore' ? 'tertiary' : 'secondary'
                }
                isDisabled={busy}
                onPress={() => void resolve(action.resolution)}
              >
                {action.label}
              </Button>
            ))}
            <InlineError message={error} />
          </Flex>
        </CardFooter>
      )}
    </Card>
  );
}
