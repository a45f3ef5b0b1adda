import { Text } from '@backstage/ui';

/** A failed action's message beside the control, announced to screen readers; nothing when there is none. */
export function InlineError(props: { message?: string | false | null }) {
  if (!props.message) return null;
  return (
    <Text variant="body-small" color="danger" role="alert">
      {props.message}
    </Text>
  );
}
