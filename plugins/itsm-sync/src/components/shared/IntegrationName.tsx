import { Text } from '@backstage/ui';

/** An integration's name in bold and its connector type beside it, as tables of tickets show them. */
export function IntegrationName(props: { name: string; type: string }) {
  return (
    <>
      <Text variant="body-small" weight="bold">
        {props.name}
      </Text>{' '}
      <Text variant="body-x-small" color="secondary">
        ({props.type})
      </Text>
    </>
  );
}
