import type {
  SimRequest,
  SimResponse,
  SimRoute,
  SimulatorServer,
} from '../shared/SimulatorServer';
import { invalidInput, notFound, pdErrorBody } from './errors';
import type { PdNote, PdUser } from './model';
import { listParam, page } from './paging';
import type { PagerDutySerializer } from './serialize';
import {
  PdInputError,
  type IncidentChanges,
  type PagerDutyState,
} from './state';

const VENDOR_ACCEPT = /application\/vnd\.pagerduty\+json;\s*version=(\d+)/i;

export interface ApiOptions {
  /** The API tokens the account accepts. */
  tokens: () => string[];
  /** Largest `limit` honoured, PagerDuty's is 100. */
  maxLimit: () => number;
  /**
   * A note was added through the API: PagerDuty sends `incident.annotated` for it as for
   * one typed in the web UI, after answering the call.
   */
  noteAdded?: (incidentId: string, note: PdNote, userId: string) => void;
}

interface Call {
  req: SimRequest;
  /** The From user on writes. */
  from: PdUser | null;
}

/** Registers the REST API v2 routes the connector and people use. */
export function registerApiRoutes(
  server: SimulatorServer,
  state: PagerDutyState,
  json: PagerDutySerializer,
  options: ApiOptions,
) {
  // Every route checks the token, the Accept version and (on writes) the From header.
  const api =
    (handler: (call: Call) => SimResponse, { write = false } = {}): SimRoute =>
    req => {
      const auth = /^Token token=(.+)$/.exec(
        String(req.headers.authorization ?? '').trim(),
      );
      if (!auth || !options.tokens().includes(auth[1]))
        return { status: 401, body: pdErrorBody(401) };
      const accept = VENDOR_ACCEPT.exec(String(req.headers.accept ?? ''));
      if (accept && accept[1] !== '2') {
        return {
          status: 406,
          body: pdErrorBody(406, `API version ${accept[1]} is not supported`),
        };
      }
      let from: PdUser | null = null;
      if (write) {
        const header = String(req.headers.from ?? '').trim();
        if (!header)
          return invalidInput(
            'A valid user email address is required in the From header',
          );
        from = state.userByEmail(header) ?? null;
        if (!from) return invalidInput('Requester User Not Found');
        try {
          req.json();
        } catch {
          return invalidInput('The request body is not valid JSON');
        }
      }
      try {
        return handler({ req, from });
      } catch (error) {
        if (error instanceof PdInputError) {
          return /Incident Not Found/.test(error.message)
            ? notFound('Incident')
            : invalidInput(error.message);
        }
        throw error;
      }
    };

  server.route(
    'GET',
    '/abilities',
    api(() => ({
      status: 200,
      body: {
        abilities: ['teams', 'urgencies', 'priorities', 'read_only_users'],
      },
    })),
  );

  server.route(
    'GET',
    '/users/me',
    api(() =>
      invalidInput('Requests to /users/me require a user-level API token'),
    ),
  );

  server.route(
    'GET',
    '/users',
    api(({ req }) => {
      const query = (req.url.searchParams.get('query') ?? '').toLowerCase();
      const users = state.directory.users.filter(
        u =>
          !query ||
          u.name.toLowerCase().includes(query) ||
          u.email.toLowerCase().includes(query),
      );
      const { items, paging } = page(req, users, options.maxLimit());
      return {
        status: 200,
        body: { users: items.map(u => json.user(u)), ...paging },
      };
    }),
  );

  server.route(
    'GET',
    '/users/:id',
    api(({ req }) => {
      const user = state.user(req.params.id);
      return user
        ? { status: 200, body: { user: json.user(user) } }
        : notFound('User');
    }),
  );

  server.route(
    'GET',
    '/services',
    api(({ req }) => {
      const query = (req.url.searchParams.get('query') ?? '').toLowerCase();
      const services = state.directory.services.filter(
        s => !query || s.name.toLowerCase().includes(query),
      );
      const { items, paging } = page(req, services, options.maxLimit());
      return {
        status: 200,
        body: {
          services: items.map(s => ({
            id: s.id,
            type: 'service',
            summary: s.name,
            name: s.name,
            status: 'active',
            escalation_policy: json.policyRef(s.escalationPolicyId),
            self: `${server.baseUrl}/services/${s.id}`,
            html_url: `${server.baseUrl}/services/${s.id}`,
          })),
          ...paging,
        },
      };
    }),
  );

  server.route(
    'GET',
    '/priorities',
    api(({ req }) => {
      const { items, paging } = page(
        req,
        state.directory.priorities,
        options.maxLimit(),
      );
      return {
        status: 200,
        body: { priorities: items.map(p => json.priority(p.id)), ...paging },
      };
    }),
  );

  server.route(
    'GET',
    '/oncalls',
    api(({ req }) => {
      const schedules = listParam(req, 'schedule_ids');
      const policies = listParam(req, 'escalation_policy_ids');
      const users = listParam(req, 'user_ids');
      const withUsers = listParam(req, 'include').includes('users');
      const dayStart = new Date(state.now());
      dayStart.setUTCHours(0, 0, 0, 0);
      const dayEnd = new Date(dayStart.getTime() + 24 * 3600 * 1000);
      const entries = state.directory.escalationPolicies.flatMap(policy =>
        policy.rules.flatMap(rule =>
          rule.targets.map(target => {
            const schedule =
              target.type === 'schedule_reference'
                ? state.schedule(target.id)
                : undefined;
            const userId = schedule ? schedule.oncallUserId : target.id;
            return { policy, level: rule.level, schedule, userId };
          }),
        ),
      );
      const matching = entries.filter(
        e =>
          (!schedules.length ||
            (e.schedule && schedules.includes(e.schedule.id))) &&
          (!policies.length || policies.includes(e.policy.id)) &&
          (!users.length || users.includes(e.userId)),
      );
      const { items, paging } = page(req, matching, options.maxLimit());
      return {
        status: 200,
        body: {
          oncalls: items.map(e => ({
            escalation_policy: json.policyRef(e.policy.id),
            escalation_level: e.level,
            schedule: e.schedule ? json.scheduleRef(e.schedule.id) : null,
            user: withUsers
              ? json.user(state.user(e.userId)!)
              : json.userRef(e.userId),
            // Schedule shifts last a day here; direct user targets are always on call.
            start: e.schedule ? dayStart.toISOString() : null,
            end: e.schedule ? dayEnd.toISOString() : null,
          })),
          ...paging,
        },
      };
    }),
  );

  server.route(
    'GET',
    '/incidents',
    api(({ req }) => {
      const q = req.url.searchParams;
      const key = q.get('incident_key');
      const statuses = listParam(req, 'statuses');
      const services = listParam(req, 'service_ids');
      const urgencies = listParam(req, 'urgencies');
      const since = q.get('since');
      const until = q.get('until');
      const sinceMs = since ? Date.parse(since) : -Infinity;
      const untilMs = until ? Date.parse(until) : Infinity;
      if (Number.isNaN(sinceMs) || Number.isNaN(untilMs)) {
        return {
          status: 400,
          body: {
            error: {
              message: "Invalid 'since' or 'until' Parameter Values",
              code: 2004,
              errors: [],
            },
          },
        };
      }
      // Like PagerDuty, since/until bound the creation time; the key filter ignores the range.
      const incidents = [...state.incidents.values()]
        .filter(i => (key ? i.incident_key === key : true))
        .filter(
          i =>
            key ||
            (Date.parse(i.created_at) >= sinceMs &&
              Date.parse(i.created_at) < untilMs),
        )
        .filter(i => !statuses.length || statuses.includes(i.status))
        .filter(i => !services.length || services.includes(i.service_id))
        .filter(i => !urgencies.length || urgencies.includes(i.urgency))
        .sort((a, b) => a.incident_number - b.incident_number);
      const { items, paging } = page(req, incidents, options.maxLimit());
      return {
        status: 200,
        body: { incidents: items.map(i => json.incident(i)), ...paging },
      };
    }),
  );

  server.route(
    'GET',
    '/incidents/:id',
    api(({ req }) => {
      const incident = state.incidents.get(req.params.id);
      return incident
        ? { status: 200, body: { incident: json.incident(incident) } }
        : notFound('Incident');
    }),
  );

  server.route(
    'POST',
    '/incidents',
    api(
      ({ req }) => {
        const body = req.json()?.incident;
        if (!body || typeof body !== 'object')
          return invalidInput('incident is required');
        if (body.type !== 'incident')
          return invalidInput("Incident type must be 'incident'");
        if (typeof body.title !== 'string')
          return invalidInput("Title can't be blank");
        if (
          body.service?.type !== 'service_reference' ||
          typeof body.service?.id !== 'string'
        ) {
          return invalidInput('Service must be a service_reference');
        }
        if (
          body.urgency !== undefined &&
          !['high', 'low'].includes(body.urgency)
        ) {
          return invalidInput('Urgency must be one of high, low');
        }
        const incident = state.create({
          title: body.title,
          serviceId: body.service.id,
          urgency: body.urgency,
          incidentKey:
            typeof body.incident_key === 'string'
              ? body.incident_key
              : undefined,
          details:
            typeof body.body?.details === 'string'
              ? body.body.details
              : undefined,
          escalationPolicyId: body.escalation_policy?.id,
          assigneeIds: assigneesOf(body.assignments),
          priorityId: body.priority?.id,
        });
        return { status: 201, body: { incident: json.incident(incident) } };
      },
      { write: true },
    ),
  );

  server.route(
    'PUT',
    '/incidents/:id',
    api(
      ({ req, from }) => {
        const body = req.json()?.incident;
        if (!body || typeof body !== 'object')
          return invalidInput('incident is required');
        const changes = changesOf(body);
        if (typeof changes === 'string') return invalidInput(changes);
        return {
          status: 200,
          body: {
            incident: json.incident(
              state.update(req.params.id, changes, from!.id),
            ),
          },
        };
      },
      { write: true },
    ),
  );

  server.route(
    'PUT',
    '/incidents',
    api(
      ({ req, from }) => {
        const list = req.json()?.incidents;
        if (!Array.isArray(list) || list.length === 0)
          return invalidInput('incidents must be a non-empty array');
        if (list.length > 250)
          return invalidInput('At most 250 incidents may be updated at once');
        const parsed = list.map(item => ({
          id: item?.id,
          changes: changesOf(item ?? {}),
        }));
        for (const p of parsed) {
          if (typeof p.id !== 'string' || !state.incidents.has(p.id))
            return notFound('Incident');
          if (typeof p.changes === 'string') return invalidInput(p.changes);
        }
        const updated = parsed.map(p =>
          state.update(p.id, p.changes as IncidentChanges, from!.id),
        );
        return {
          status: 200,
          body: { incidents: updated.map(i => json.incident(i)) },
        };
      },
      { write: true },
    ),
  );

  server.route(
    'GET',
    '/incidents/:id/notes',
    api(({ req }) => {
      const incident = state.incidents.get(req.params.id);
      return incident
        ? {
            status: 200,
            body: { notes: incident.notes.map(n => json.note(n)) },
          }
        : notFound('Incident');
    }),
  );

  server.route(
    'POST',
    '/incidents/:id/notes',
    api(
      ({ req, from }) => {
        const content = req.json()?.note?.content;
        if (typeof content !== 'string')
          return invalidInput("Content can't be blank");
        const note = state.addNote(req.params.id, content, from!.id);
        options.noteAdded?.(req.params.id, note, from!.id);
        return { status: 201, body: { note: json.note(note) } };
      },
      { write: true },
    ),
  );
}

function assigneesOf(assignments: unknown): string[] | undefined {
  if (!Array.isArray(assignments)) return undefined;
  return assignments
    .map(a => a?.assignee?.id)
    .filter((id): id is string => typeof id === 'string');
}

/** The fields PUT /incidents accepts, or the reason the body is refused. */
function changesOf(body: any): IncidentChanges | string {
  if (!['incident', 'incident_reference'].includes(body.type)) {
    return "Incident type must be 'incident' or 'incident_reference'";
  }
  const changes: IncidentChanges = {};
  if (body.title !== undefined) changes.title = String(body.title);
  if (body.status !== undefined) changes.status = body.status;
  if (body.urgency !== undefined) changes.urgency = body.urgency;
  if (body.assignments !== undefined)
    changes.assigneeIds = assigneesOf(body.assignments) ?? [];
  if (body.escalation_policy !== undefined) {
    if (typeof body.escalation_policy?.id !== 'string')
      return 'Escalation Policy must be a reference';
    changes.escalationPolicyId = body.escalation_policy.id;
  }
  if (body.escalation_level !== undefined)
    changes.escalationLevel = Number(body.escalation_level);
  if (body.priority !== undefined)
    changes.priorityId = body.priority === null ? null : body.priority?.id;
  return changes;
}
