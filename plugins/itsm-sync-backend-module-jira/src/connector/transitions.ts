import type { IncidentStatus } from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  ConnectorError,
  type VendorHttpClient,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { platformStatusFor, statusMeans } from './mapping';
import type { JiraSettings } from './settings';

interface Transition {
  id: string;
  name: string;
  to: { name: string; statusCategory?: { key?: string } };
}

const RANK: Record<IncidentStatus, number> = {
  open: 0,
  mitigated: 1,
  resolved: 2,
  closed: 3,
};
/** Workflows rarely need more steps than this between two statuses. */
const MAX_STEPS = 6;

/**
 * Picks the next transition towards a platform status: one that reaches it directly,
 * else one to an unvisited status whose meaning lies closest to it (Jira offers only the
 * transitions of the current status, so the workflow is walked one step at a time).
 */
export function chooseTransition(
  settings: JiraSettings,
  transitions: Transition[],
  target: IncidentStatus,
  visited: Set<string>,
): Transition | undefined {
  const preferred = settings.statusesByPlatform[target].map(n =>
    n.toLowerCase(),
  );
  const direct = transitions
    .filter(t => statusMeans(settings, t.to.name, target))
    .sort(
      (a, b) =>
        preferred.indexOf(a.to.name.toLowerCase()) -
        preferred.indexOf(b.to.name.toLowerCase()),
    );
  if (direct.length) return direct[0];
  let best: Transition | undefined;
  let bestDistance = Infinity;
  for (const t of transitions) {
    if (visited.has(t.to.name.toLowerCase())) continue;
    const meaning = platformStatusFor(settings, t.to);
    if (!meaning) continue;
    const distance = Math.abs(RANK[meaning] - RANK[target]);
    if (distance < bestDistance) {
      best = t;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Moves an issue to a Jira status that means `target`, only through workflow
 * transitions (Jira refuses a status in an edit). No call when it is there already.
 */
export async function transitionTo(
  client: VendorHttpClient,
  settings: JiraSettings,
  issueId: string,
  currentStatus: string,
  target: IncidentStatus,
): Promise<void> {
  const visited = new Set([currentStatus.toLowerCase()]);
  let current = currentStatus;
  for (let step = 0; step < MAX_STEPS; step++) {
    if (statusMeans(settings, current, target)) return;
    const path = `/rest/api/3/issue/${encodeURIComponent(issueId)}/transitions`;
    const { body } = await client.request<{ transitions: Transition[] }>({
      path,
    });
    const next = chooseTransition(
      settings,
      body.transitions ?? [],
      target,
      visited,
    );
    if (!next) break;
    try {
      await client.request({
        method: 'POST',
        path,
        body: { transition: { id: next.id } },
      });
    } catch (error) {
      // Jira refuses a transition that is no longer offered: someone moved the issue
      // between our read and our write. Worth another attempt from its new status (the
      // outbox retries on schedule), not the DLQ.
      if (error instanceof ConnectorError && error.status === 400) {
        throw new ConnectorError({
          message: `${error.message} (issue ${issueId} changed status while the hub was moving it)`,
          kind: 'retryable',
          status: 400,
          body: error.body,
          cause: error,
        });
      }
      throw error;
    }
    current = next.to.name;
    visited.add(current.toLowerCase());
  }
  if (statusMeans(settings, current, target)) return;
  throw new ConnectorError({
    message: `Jira issue ${issueId}: no workflow transition leads from '${current}' to a status mapped to '${target}' (${settings.statusesByPlatform[target].join(', ')})`,
    kind: 'permanent',
  });
}
