import type { ServiceNowSimulator } from '@itsm-sync-hub/simulators';
import type { HubProcess } from '../../bench/harness/hubProcess';
import { eventually } from './eventually';

/** What the load generator had accepted (2xx) from the hub, per platform incident. */
export interface AcceptedIncident {
  id: string;
  title: string;
  /** The last description the hub answered 2xx to; later attempts only follow an accepted one. */
  lastDescription?: string;
  acceptedUpdates: number;
  /** Notes the hub accepted, in the order they were accepted. */
  notes: string[];
}

export interface LoadResult {
  incidents: AcceptedIncident[];
  acceptedChanges: number;
  refused: number;
}

/**
 * Keeps `workers` clients busy creating incidents linked to `integration` and changing
 * their descriptions, against whichever hub `pickHub` names. A request that fails (hub
 * down, reset connection) is not counted as accepted; the next attempt always carries a
 * new title or value, so a request that landed without an answer can never make a
 * false duplicate or hide a lost change.
 */
export async function runLoad(options: {
  pickHub: (n: number) => HubProcess;
  integration: string;
  workers: number;
  incidentsPerWorker: number;
  updatesPerIncident: number;
  label: string;
  /** Pause between a worker's requests, ms. */
  pauseMs?: number;
  /** Also add a note after each accepted update (each must arrive exactly once, in order). */
  withNotes?: boolean;
}): Promise<LoadResult> {
  const incidents: AcceptedIncident[] = [];
  let acceptedChanges = 0;
  let refused = 0;
  let n = 0;
  const pause = () => new Promise(r => setTimeout(r, options.pauseMs ?? 0));

  async function attempt(method: string, path: string, body: unknown) {
    try {
      const res = await options.pickHub(n++).call(method, path, body);
      if (res.status >= 200 && res.status < 300) return res.body;
      refused += 1;
    } catch {
      refused += 1;
    }
    await new Promise(r => setTimeout(r, 100));
    return undefined;
  }

  async function worker(w: number) {
    for (let i = 0; i < options.incidentsPerWorker; i++) {
      let incident: AcceptedIncident | undefined;
      for (let tries = 0; !incident; tries++) {
        const title = `${options.label} w${w} i${i} t${tries}`;
        const created = await attempt('POST', '/v1/incidents', {
          title,
          description: 'v0',
          severity: 'SEV-3',
          integrations: [options.integration],
        });
        if (created)
          incident = {
            id: created.id,
            title,
            acceptedUpdates: 0,
            lastDescription: 'v0',
            notes: [],
          };
        if (tries > 600) throw new Error('hub refused creates for a minute');
      }
      incidents.push(incident);
      acceptedChanges += 1;
      for (let k = 1, seq = 1; k <= options.updatesPerIncident; seq++) {
        await pause();
        const description = `${options.label} w${w} i${i} seq ${seq}`;
        const ok = await attempt('PATCH', `/v1/incidents/${incident.id}`, {
          description,
        });
        if (ok) {
          incident.lastDescription = description;
          incident.acceptedUpdates += 1;
          acceptedChanges += 1;
          k++;
          if (options.withNotes) {
            const text = `note ${seq} of ${incident.title}`;
            while (
              !(await attempt('POST', `/v1/incidents/${incident.id}/notes`, {
                text,
              }))
            ) {
              if (++seq > 600)
                throw new Error('hub refused notes for a minute');
            }
            incident.notes.push(text);
            acceptedChanges += 1;
          }
        }
        if (seq > 600) throw new Error('hub refused updates for a minute');
      }
    }
  }

  await Promise.all(
    Array.from({ length: options.workers }, (_, w) => worker(w)),
  );
  return { incidents, acceptedChanges, refused };
}

/** The external id the hub linked an incident to, once it has one. */
export async function externalIdOf(
  hub: HubProcess,
  incidentId: string,
): Promise<string | undefined> {
  const res = await hub.call('GET', `/v1/incidents/${incidentId}`);
  return res.body?.links?.find((l: any) => l.external_id)?.external_id;
}

/**
 * Waits until every accepted incident's ticket holds the incident's last accepted
 * description; returns how many never got there (none, or `eventually` throws first).
 */
export async function untilLastDescriptionsArrive(
  hub: HubProcess,
  sim: ServiceNowSimulator,
  incidents: AcceptedIncident[],
  options: { what: string; timeoutMs: number },
): Promise<number> {
  const waiting = new Set(incidents.map(i => i.id));
  await eventually(
    async () => {
      for (const incident of incidents) {
        if (!waiting.has(incident.id)) continue;
        const externalId = await externalIdOf(hub, incident.id);
        const ticket = externalId ? sim.incident(externalId) : undefined;
        if (ticket && ticket.description === incident.lastDescription)
          waiting.delete(incident.id);
      }
      return waiting.size === 0;
    },
    () => `${waiting.size} incidents to reach ServiceNow ${options.what}`,
    options.timeoutMs,
    500,
  );
  return waiting.size;
}
