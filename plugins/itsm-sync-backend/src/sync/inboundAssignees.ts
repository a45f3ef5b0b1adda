import type {
  NormalizedChange,
  ParsedWebhook,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import type { SyncStore } from '../store/SyncStore';

/**
 * Vendor assignees as platform people (docs/sync-semantics.md#people): a value that a
 * `user_mappings` row of that integration names becomes that row's person; any other
 * stays as the vendor said it (an email, matched by email). One read for a whole batch of
 * webhooks, none when no change names an assignee.
 */
export async function mapInboundAssignees(
  store: Pick<SyncStore, 'userMappings'>,
  webhooks: Array<{ integrationId: string; parsed: ParsedWebhook }>,
): Promise<ParsedWebhook[]> {
  const named = (c: NormalizedChange) =>
    typeof c.fields.assigned_to === 'string' && c.fields.assigned_to !== '';
  const ids = webhooks
    .filter(w => w.parsed.changes.some(named))
    .map(w => w.integrationId);
  if (!ids.length) return webhooks.map(w => w.parsed);
  const mappings = await store.userMappings.forIntegrations(ids);
  if (!mappings.length) return webhooks.map(w => w.parsed);
  const personOf = (integrationId: string, value: string) =>
    mappings.find(
      m =>
        m.integration_id === integrationId &&
        m.external_user.toLowerCase() === value.trim().toLowerCase(),
    )?.platform_user;
  const mapChange = (integrationId: string, c: NormalizedChange) => {
    const person = named(c)
      ? personOf(integrationId, c.fields.assigned_to!)
      : undefined;
    if (!person) return c;
    const fields = { ...c.fields, assigned_to: person };
    return {
      ...c,
      fields,
      ...(c.ticket
        ? { ticket: { ...c.ticket, fields: { ...c.ticket.fields, ...fields } } }
        : {}),
    };
  };
  return webhooks.map(({ integrationId, parsed }) => ({
    ...parsed,
    changes: parsed.changes.map(c => mapChange(integrationId, c)),
  }));
}
