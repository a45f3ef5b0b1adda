import { createHash } from 'node:crypto';
import type {
  SimRequest,
  SimResponse,
  SimulatorServer,
} from '../shared/SimulatorServer';
import { isAuthenticated, type JiraCredentials } from './auth';
import { issueNotFound, jiraError } from './errors';
import {
  JiraInputError,
  type IssueFieldsInput,
  type IssueStore,
} from './IssueStore';
import { compileJql, JqlError, parseJql } from './jql';
import type { ChangelogItem, CommentRecord, IssueRecord } from './model';
import type { Presenter } from './present';
import { statusByName, transitionsFrom } from './workflow';

/** Hooks the simulator uses to send webhooks for writes made through the API. */
export interface ApiWriteListener {
  created(issue: IssueRecord, actor: string): void;
  updated(issue: IssueRecord, items: ChangelogItem[], actor: string): void;
  commented(issue: IssueRecord, comment: CommentRecord): void;
}

export interface RestApiDeps {
  server: SimulatorServer;
  store: IssueStore;
  presenter: Presenter;
  credentials: JiraCredentials;
  /** The API user's accountId. */
  apiAccountId: string;
  /** Largest page the search answers, whatever `maxResults` asks for. */
  maxPageSize: () => number;
  listener: ApiWriteListener;
  now: () => Date;
}

const API = '/rest/api/3';

function jsonBody(req: SimRequest): any {
  try {
    return req.json() ?? {};
  } catch (error) {
    throw new JiraInputError([
      `Unexpected character in the request body: ${(error as Error).message}`,
    ]);
  }
}

function toResponse(error: unknown): SimResponse {
  if (error instanceof JiraInputError)
    return jiraError(400, error.messages, error.fieldErrors);
  if (error instanceof JqlError) return jiraError(400, [error.message]);
  throw error;
}

/** A search's `fields`: an array as given, or comma-separated names (as a GET query sends them) split. */
function requestedFields(fields: unknown): string[] | undefined {
  if (Array.isArray(fields)) return fields as string[];
  if (typeof fields === 'string')
    return fields
      .split(',')
      .map(f => f.trim())
      .filter(Boolean);
  return undefined;
}

/** Registers Jira Cloud REST v3 routes for issues, transitions, comments, search and myself. */
export function registerRestApi(deps: RestApiDeps) {
  const { server, store, presenter } = deps;
  const route = (
    method: string,
    path: string,
    handler: (req: SimRequest) => SimResponse,
  ) =>
    server.route(method, `${API}${path}`, req => {
      if (!isAuthenticated(req, deps.credentials)) {
        return jiraError(401, [
          'You are not authenticated. Authentication required to perform this operation.',
        ]);
      }
      try {
        return handler(req);
      } catch (error) {
        return toResponse(error);
      }
    });
  const withIssue =
    (handler: (issue: IssueRecord, req: SimRequest) => SimResponse) =>
    (req: SimRequest) => {
      const issue = store.get(req.params.idOrKey);
      return issue ? handler(issue, req) : issueNotFound();
    };

  route('GET', '/myself', () => ({
    status: 200,
    body: presenter.user(store.user(deps.apiAccountId)),
  }));

  route('POST', '/issue', req => {
    const body = jsonBody(req);
    const fields: IssueFieldsInput = { ...(body.fields ?? {}) };
    const issue = store.create(fields, deps.apiAccountId);
    deps.listener.created(issue, deps.apiAccountId);
    return {
      status: 201,
      body: {
        id: issue.id,
        key: issue.key,
        self: `${server.baseUrl}${API}/issue/${issue.id}`,
      },
    };
  });

  route(
    'GET',
    '/issue/:idOrKey',
    withIssue((issue, req) => {
      const fields = req.url.searchParams
        .get('fields')
        ?.split(',')
        .map(f => f.trim())
        .filter(Boolean);
      return { status: 200, body: presenter.issue(issue, fields) };
    }),
  );

  route(
    'PUT',
    '/issue/:idOrKey',
    withIssue((issue, req) => {
      const body = jsonBody(req);
      const fields: IssueFieldsInput = { ...(body.fields ?? {}) };
      // The `update` form: `{ labels: [{ add: 'x' }, { remove: 'y' }, { set: [...] }] }`.
      for (const op of body.update?.labels ?? []) {
        const current = (fields.labels as string[] | undefined) ?? [
          ...issue.labels,
        ];
        if (op.set) fields.labels = op.set;
        if (op.add) fields.labels = [...current, op.add];
        if (op.remove) fields.labels = current.filter(l => l !== op.remove);
      }
      const items = store.edit(issue, fields);
      if (items.length) deps.listener.updated(issue, items, deps.apiAccountId);
      return { status: 204 };
    }),
  );

  route(
    'GET',
    '/issue/:idOrKey/transitions',
    withIssue(issue => ({
      status: 200,
      body: {
        expand: 'transitions',
        transitions: transitionsFrom(issue.status).map(t => ({
          id: t.id,
          name: t.name,
          to: presenter.status(statusByName(t.to)!.name),
          hasScreen: false,
          isGlobal: false,
          isInitial: false,
          isAvailable: true,
          isConditional: false,
          isLooped: false,
        })),
      },
    })),
  );

  route(
    'POST',
    '/issue/:idOrKey/transitions',
    withIssue((issue, req) => {
      const body = jsonBody(req);
      const id = body.transition?.id;
      if (typeof id !== 'string' && typeof id !== 'number') {
        throw new JiraInputError(['Missing transition id.'], {
          transition: 'You must specify a transition id.',
        });
      }
      const items = store.transition(issue, String(id));
      if (body.fields && Object.keys(body.fields).length)
        items.push(...store.edit(issue, body.fields));
      deps.listener.updated(issue, items, deps.apiAccountId);
      return { status: 204 };
    }),
  );

  route(
    'GET',
    '/issue/:idOrKey/comment',
    withIssue((issue, req) => {
      const startAt = Math.max(
        0,
        Number(req.url.searchParams.get('startAt') ?? 0) || 0,
      );
      const maxResults = Math.min(
        100,
        Math.max(
          1,
          Number(req.url.searchParams.get('maxResults') ?? 100) || 100,
        ),
      );
      return {
        status: 200,
        body: {
          startAt,
          maxResults,
          total: issue.comments.length,
          comments: issue.comments
            .slice(startAt, startAt + maxResults)
            .map(c => presenter.comment(c)),
        },
      };
    }),
  );

  route(
    'POST',
    '/issue/:idOrKey/comment',
    withIssue((issue, req) => {
      const body = jsonBody(req);
      const comment = store.addComment(issue, body.body, deps.apiAccountId, {
        internal: internalCommentProperty(body.properties),
      });
      deps.listener.commented(issue, comment);
      return { status: 201, body: presenter.comment(comment) };
    }),
  );

  const search = (params: {
    jql?: unknown;
    nextPageToken?: unknown;
    maxResults?: unknown;
    fields?: unknown;
  }): SimResponse => {
    const jql = typeof params.jql === 'string' ? params.jql : '';
    const query = parseJql(jql);
    if (!query.where) {
      throw new JiraInputError([
        'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
      ]);
    }
    const fields = requestedFields(params.fields);
    const fingerprint = createHash('sha256')
      .update(`${jql}\u0000${(fields ?? []).join(',')}`)
      .digest('hex')
      .slice(0, 16);
    let offset = 0;
    if (params.nextPageToken !== undefined && params.nextPageToken !== '') {
      try {
        const decoded = JSON.parse(
          Buffer.from(String(params.nextPageToken), 'base64url').toString(
            'utf8',
          ),
        );
        if (
          decoded.q !== fingerprint ||
          !Number.isInteger(decoded.o) ||
          decoded.o < 0
        )
          throw new Error('mismatch');
        offset = decoded.o;
      } catch {
        throw new JiraInputError([
          'The provided next page token is invalid or expired.',
        ]);
      }
    }
    const requested = Number(params.maxResults ?? 50);
    const pageSize = Math.min(
      deps.maxPageSize(),
      Number.isFinite(requested) && requested > 0 ? requested : 50,
    );
    const { matches, compare } = compileJql(
      query,
      keyOrId => store.get(keyOrId)?.id,
      deps.now(),
    );
    const all = [...store.issues.values()].filter(matches).sort(compare);
    const page = all.slice(offset, offset + pageSize);
    const isLast = offset + pageSize >= all.length;
    return {
      status: 200,
      body: {
        issues: page.map(issue => {
          // The enhanced search returns only ids unless fields are asked for.
          const presented = presenter.issue(issue, fields ?? []);
          return fields ? presented : { id: presented.id };
        }),
        ...(isLast
          ? {}
          : {
              nextPageToken: Buffer.from(
                JSON.stringify({ q: fingerprint, o: offset + pageSize }),
              ).toString('base64url'),
            }),
        isLast,
      },
    };
  };
  route('GET', '/search/jql', req =>
    search(Object.fromEntries(req.url.searchParams)),
  );
  route('POST', '/search/jql', req => search(jsonBody(req)));
  // The old search was removed in favour of /search/jql; Jira answers 410 Gone.
  for (const method of ['GET', 'POST']) {
    route(method, '/search', () =>
      jiraError(410, [
        'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.',
      ]),
    );
  }
}

/** Whether a new comment's `properties` hold Jira Service Management's `sd.public.comment: {internal: true}`. */
function internalCommentProperty(properties: unknown): boolean {
  return (
    Array.isArray(properties) &&
    properties.some(
      p => p?.key === 'sd.public.comment' && p?.value?.internal === true,
    )
  );
}
