import type { ReactNode } from 'react';
import { Container, Flex } from '@backstage/ui';

/** A page's content with Backstage's page padding and width, sections stacked with room between them. */
export function PageContent(props: { children: ReactNode }) {
  return (
    <Container py="6">
      <Flex direction="column" gap="6">
        {props.children}
      </Flex>
    </Container>
  );
}
