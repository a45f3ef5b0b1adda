import { Button, Card, CardBody, CardFooter, Flex, Text } from '@backstage/ui';
import type { ConflictResolution } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { ConflictDetails } from '../../api/ItsmSyncApi';
import { usePendingAction } from '../shared/usePendingAction';
import { ConflictDiff } from './ConflictDiff';

const ACTIONS: { resolution: ConflictResolution; label: string }[] = [
  { resolution: 'use-platform', label: 'Use platform' },
  { resolution: 'use-external', label: 'Use external' },
  { resolution: 'ignore', label: 'Ignore' },
];

/** One pending conflict; the resolve buttons only for people allowed to resolve. */
export function ConflictCard(props: {
  conflict: ConflictDetails;
  canResolve: boolean;
  onResolve: (resolution: ConflictResolution) => Promise<void>;
}) {
  const { busy, error, run: resolve } = usePendingAction(props.onResolve);

  return (
    <Card>
      <CardBody>
        <ConflictDiff conflict={props.conflict} />
      </CardBody>
      {props.canResolve && (
        <CardFooter>
          <Flex gap="2" align="center">
            {ACTIONS.map(action => (
              <Button
                key={action.resolution}
                size="small"
                variant={action.resolution === 'ignore' ? 'tertiary' : 'secondary'}
                isDisabled={busy}
                onPress={() => void resolve(action.resolution)}
              >
                {action.label}
              </Button>
            ))}
            {error && (
              <Text variant="body-small" color="danger" role="alert">
                {error}
              </Text>
            )}
          </Flex>
        </CardFooter>
      )}
    </Card>
  );
}
