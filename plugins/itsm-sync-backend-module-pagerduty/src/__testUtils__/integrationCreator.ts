import type { jsonApi } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';

/** Creates bidirectional, enabled integrations in acme-corp through the API; throws on anything but 201. */
export function integrationCreator(api: ReturnType<typeof jsonApi>) {
  return async (body: Record<string, unknown>) => {
    const created = await api('POST', '/v1/integrations', {
      organization_id: 'acme-corp',
      sync_direction: 'bidirectional',
      enabled: true,
      ...body,
    });
    if (created.status !== 201)
      throw new Error(
        `integration not created: ${JSON.stringify(created.body)}`,
      );
    return created.body as { id: string; name: string };
  };
}
