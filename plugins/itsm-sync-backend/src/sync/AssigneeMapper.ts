import type { SyncStore } from '../store/SyncStore';
import type { Clock } from './Clock';

/**
 * Who a person is at a vendor and back (docs/sync-semantics.md#people): email first (an
 * assignee with no mapping goes as it is, and vendors match it by email), the explicit
 * `user_mappings` table for people whose identity there differs.
 */
export class AssigneeMapper {
  constructor(
    private readonly store: Pick<SyncStore, 'userMappings' | 'incidents'>,
    private readonly clock: Clock,
  ) {}

  /** The value to send to the integration's vendor for a platform assignee. */
  async toVendor(integrationId: string, assignee: string): Promise<string> {
    const wanted = assignee.trim().toLowerCase();
    const mapping = (
      await this.store.userMappings.forIntegrations([integrationId])
    ).find(m => m.platform_user === wanted);
    return mapping?.external_user ?? assignee;
  }

  /**
   * Notes on the incident's timeline why an assignee was not set at a vendor; the ticket's
   * assignee is left as it was. (The reason to route into the sync trace.)
   */
  async noteUnmatched(input: {
    incidentId: string;
    integrationId: string;
    vendor: string;
    assignee: string;
    reason: string;
  }): Promise<void> {
    await this.store.incidents.addTimelineEntry(
      input.incidentId,
      {
        kind: 'event',
        text: `Assignee "${input.assignee}" not matched at ${input.vendor}: ${input.reason}; the ${input.vendor} assignee was left unchanged`,
        source: `integration:${input.integrationId}`,
      },
      { now: this.clock.now() },
    );
  }
}
