import { screen } from '@testing-library/react';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import { itsmSyncApiRef } from './api/ItsmSyncApi';
import { FakeItsmSyncApi } from './testUtils/FakeItsmSyncApi';
import { aConflict } from './testUtils/fixtures';
import { itsmSyncPlugin } from './plugin';

function component(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'svc', annotations },
    spec: {},
  };
}

describe('itsm-sync frontend plugin', () => {
  it('offers the entity card only on entities with the itsm-sync.io/incidents annotation', () => {
    const tester = createExtensionTester(
      itsmSyncPlugin.getExtension('entity-card:itsm-sync/incidents'),
    );
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(filter(component({ 'itsm-sync.io/incidents': 'enabled' }))).toBe(
      true,
    );
    expect(filter(component({ 'pagerduty.com/service-id': 'P1' }))).toBe(false);
  });

  it('mounts an "ITSM Sync" page at /itsm-sync with conflicts, connectors and DLQ tabs', async () => {
    const tester = createExtensionTester(
      itsmSyncPlugin.getExtension('page:itsm-sync'),
    )
      .add(itsmSyncPlugin.getExtension('sub-page:itsm-sync/conflicts'))
      .add(itsmSyncPlugin.getExtension('sub-page:itsm-sync/connectors'))
      .add(itsmSyncPlugin.getExtension('sub-page:itsm-sync/dlq'));
    expect(tester.get(coreExtensionData.routePath)).toBe('/itsm-sync');
    expect(tester.get(coreExtensionData.title)).toBe('ITSM Sync');

    await renderInTestApp(tester.reactElement(), {
      apis: [
        [
          itsmSyncApiRef,
          Object.assign(new FakeItsmSyncApi(), { conflicts: [aConflict()] }),
        ],
      ],
    });
    expect(
      await screen.findByRole('tab', { name: 'Conflicts' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Connectors' })).toBeInTheDocument();
    expect(
      screen.getByRole('tab', { name: 'Dead-letter queue' }),
    ).toBeInTheDocument();
    // The first sub page opens by default and shows the planted conflict.
    expect(
      await screen.findByRole('group', { name: 'Conflict on severity' }),
    ).toBeInTheDocument();
  });
});
