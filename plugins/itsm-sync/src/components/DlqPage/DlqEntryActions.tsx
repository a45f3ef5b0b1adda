import { Button, Flex } from '@backstage/ui';
import { usePendingAction } from '../shared/usePendingAction';
import { InlineError } from '../shared/InlineError';

/** Retry and discard of one dead-lettered change, with the backend's answer when it refuses. */
export function DlqEntryActions(props: {
  onAct: (action: 'retry' | 'discard') => Promise<void>;
}) {
  const { busy, error, run: act } = usePendingAction(props.onAct);
  return (
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
  );
}
