import type {
  SimRequest,
  SimResponse,
  SimulatorServer,
} from '../shared/SimulatorServer';
import type { ServiceNowAuth } from './auth';
import { parseEncodedQuery, sortRows } from './encodedQuery';
import { errorResponse, notFound, unauthenticated } from './errors';
import { DataPolicyError, IncidentStore, WriteOutcome } from './IncidentStore';
import { presentIncident, presentOptionsFrom, presentPlain } from './present';
import { INCIDENT_DEFAULTS, SYSTEM_COLUMNS } from './records';

const TABLES = ['incident', 'sys_user', 'sys_journal_field'];
const MAX_LIMIT = 10_000;

export interface TableApiOptions {
  server: SimulatorServer;
  store: IncidentStore;
  auth: ServiceNowAuth;
  /** `glide.invalid_query.returns_no_rows`. */
  invalidQueryReturnsNoRows: () => boolean;
  /** Called after every write through the API (the business rule, when enabled). */
  onApiWrite: (
    outcome: WriteOutcome,
    operation: 'insert' | 'update',
    actor: string,
  ) => void;
}

function rowsOf(
  store: IncidentStore,
  table: string,
): Array<Record<string, string>> {
  if (table === 'incident') return [...store.incidents.values()];
  if (table === 'sys_user')
    return [...store.users.values()].map(u => ({ ...u }));
  return store.journal.map(j => ({ ...j }));
}

const COLUMNS: Record<string, Set<string>> = {
  incident: new Set([
    ...Object.keys(INCIDENT_DEFAULTS),
    ...SYSTEM_COLUMNS,
    'sys_id',
  ]),
  sys_user: new Set(['sys_id', 'user_name', 'name', 'email']),
  sys_journal_field: new Set([
    'sys_id',
    'name',
    'element',
    'element_id',
    'value',
    'sys_created_on',
    'sys_created_by',
  ]),
};

function knownFields(table: string): (field: string) => boolean {
  return field => COLUMNS[table].has(field);
}

function nonNegativeInt(
  value: string | null,
  fallback: number,
): number | undefined {
  if (value === null || value === '') return fallback;
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

/** ServiceNow's Link header: `<url>;rel="first",<url>;rel="prev",...`. */
function linkHeader(
  url: URL,
  baseUrl: string,
  offset: number,
  limit: number,
  total: number,
): string {
  const at = (o: number) => {
    const u = new URL(url.pathname + url.search, baseUrl);
    u.searchParams.set('sysparm_limit', String(limit));
    u.searchParams.set('sysparm_offset', String(o));
    return u.toString();
  };
  const last = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  const links = [`<${at(0)}>;rel="first"`];
  if (offset > 0) links.push(`<${at(Math.max(0, offset - limit))}>;rel="prev"`);
  if (offset + limit < total) links.push(`<${at(offset + limit)}>;rel="next"`);
  links.push(`<${at(last)}>;rel="last"`);
  return links.join(',');
}

/**
 * The Table API (`/api/now/table/{table}[/{sys_id}]`) over the simulator's incident,
 * sys_user and sys_journal_field tables. Only `incident` takes writes.
 */
export function registerTableApi(options: TableApiOptions) {
  const { server, store, auth } = options;
  const base = '/api/now/table';

  const guarded =
    (handler: (req: SimRequest, actor: string) => SimResponse) =>
    (req: SimRequest) => {
      const actor = auth.authenticate(req);
      if (!actor) return unauthenticated();
      if (!TABLES.includes(req.params.table))
        return errorResponse(400, `Invalid table ${req.params.table}`);
      return handler(req, actor);
    };

  const present = (req: SimRequest, record: Record<string, string>) => {
    const opts = presentOptionsFrom(req.url, server.baseUrl);
    return req.params.table === 'incident'
      ? presentIncident(store, record, opts)
      : presentPlain(record, opts.fields);
  };

  /** The JSON object body, or undefined when it is not one. */
  const body = (req: SimRequest): Record<string, unknown> | undefined => {
    try {
      const parsed = req.json();
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        return parsed as Record<string, unknown>;
    } catch {
      // answered below as ServiceNow does
    }
    return undefined;
  };
  const badJson = () =>
    errorResponse(
      400,
      'Exception while reading request',
      'The payload is not valid JSON.',
    );

  const readOnly = () =>
    errorResponse(
      403,
      'Operation Failed',
      'ACL Exception Insert Failed due to security constraints',
    );

  server.route(
    'GET',
    `${base}/:table`,
    guarded(req => {
      const limit = nonNegativeInt(
        req.url.searchParams.get('sysparm_limit'),
        MAX_LIMIT,
      );
      const offset = nonNegativeInt(
        req.url.searchParams.get('sysparm_offset'),
        0,
      );
      if (limit === undefined || limit === 0 || offset === undefined) {
        return errorResponse(
          400,
          'Invalid request',
          'sysparm_limit and sysparm_offset must be non-negative integers',
        );
      }
      const query = parseEncodedQuery(
        req.url.searchParams.get('sysparm_query') ?? '',
        knownFields(req.params.table),
        options.invalidQueryReturnsNoRows(),
      );
      const rows = sortRows(
        rowsOf(store, req.params.table).filter(query.matches),
        query.orderBy,
      );
      const page = rows.slice(offset, offset + Math.min(limit, MAX_LIMIT));
      return {
        status: 200,
        body: { result: page.map(r => present(req, r)) },
        headers: {
          'x-total-count': String(rows.length),
          link: linkHeader(
            req.url,
            server.baseUrl,
            offset,
            Math.min(limit, MAX_LIMIT),
            rows.length,
          ),
        },
      };
    }),
  );

  server.route(
    'GET',
    `${base}/:table/:sys_id`,
    guarded(req => {
      const row = rowsOf(store, req.params.table).find(
        r => r.sys_id === req.params.sys_id,
      );
      return row
        ? { status: 200, body: { result: present(req, row) } }
        : notFound();
    }),
  );

  server.route(
    'POST',
    `${base}/:table`,
    guarded((req, actor) => {
      if (req.params.table !== 'incident') return readOnly();
      const values = body(req);
      if (!values) return badJson();
      try {
        const outcome = store.create(values, actor);
        options.onApiWrite(outcome, 'insert', actor);
        return {
          status: 201,
          body: { result: present(req, outcome.record) },
          headers: {
            location: `${server.baseUrl}${base}/incident/${outcome.record.sys_id}`,
          },
        };
      } catch (e) {
        if (e instanceof DataPolicyError)
          return errorResponse(
            403,
            'Operation Failed',
            `Data Policy Exception: \n\t${e.message}`,
          );
        throw e;
      }
    }),
  );

  const update = guarded((req, actor) => {
    if (req.params.table !== 'incident') return readOnly();
    const values = body(req);
    if (!values) return badJson();
    try {
      const outcome = store.update(req.params.sys_id, values, actor);
      if (!outcome) return notFound();
      if (outcome.changed.length) options.onApiWrite(outcome, 'update', actor);
      return { status: 200, body: { result: present(req, outcome.record) } };
    } catch (e) {
      if (e instanceof DataPolicyError)
        return errorResponse(
          403,
          'Operation Failed',
          `Data Policy Exception: \n\t${e.message}`,
        );
      throw e;
    }
  });
  server.route('PATCH', `${base}/:table/:sys_id`, update);
  server.route('PUT', `${base}/:table/:sys_id`, update);

  server.route(
    'DELETE',
    `${base}/:table/:sys_id`,
    guarded(req => {
      if (req.params.table !== 'incident') return readOnly();
      return store.delete(req.params.sys_id) ? { status: 204 } : notFound();
    }),
  );
}
