import type { ReactNode } from 'react';
import { Flex, Text } from '@backstage/ui';

/** A titled region of a page: its heading, then its content, with room between them. */
export function Section(props: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section aria-label={props.title}>
      <Flex direction="column" gap="3">
        <Flex align="center" justify="between" gap="3">
          <Text as="h2" variant="title-small">
            {props.title}
          </Text>
          {props.actions}
        </Flex>
        {props.children}
      </Flex>
    </section>
  );
}
