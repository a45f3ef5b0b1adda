import type { IssueRecord } from './model';
import { CLASSIC_PRIORITIES, PRIORITIES } from './model';

/** Either scheme's names are valid JQL values; both number their levels 1 (highest) to 5. */
const KNOWN_PRIORITIES = [...PRIORITIES, ...CLASSIC_PRIORITIES];
import { parseJqlDate } from './time';
import { STATUSES } from './workflow';

/** A JQL query Jira would refuse; the message is Jira's wording. */
export class JqlError extends Error {}

type Value = string | null;
type Clause =
  | { kind: 'and' | 'or'; parts: Clause[] }
  | { kind: 'not'; part: Clause }
  | { kind: 'cmp'; field: string; op: string; values: Value[] };

export interface JqlQuery {
  where?: Clause;
  orderBy: Array<{ field: string; direction: 'asc' | 'desc' }>;
}

const FIELDS = [
  'project',
  'labels',
  'key',
  'issuekey',
  'issue',
  'id',
  'updated',
  'created',
  'status',
  'priority',
  'assignee',
  'summary',
];
const ORDERABLE = [
  'updated',
  'created',
  'key',
  'issuekey',
  'id',
  'priority',
  'status',
];

function tokenize(jql: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      while (j < jql.length && jql[j] !== c) {
        if (jql[j] === '\\' && j + 1 < jql.length) j++;
        text += jql[j++];
      }
      if (j >= jql.length)
        throw new JqlError(
          `Error in the JQL Query: The quoted string '${text}' has not been completed.`,
        );
      tokens.push(`\u0000${text}`); // marks a quoted literal
      i = j + 1;
      continue;
    }
    const op = /^(!=|>=|<=|!~|=|>|<|~|\(|\)|,)/.exec(jql.slice(i));
    if (op) {
      tokens.push(op[1]);
      i += op[1].length;
      continue;
    }
    const word = /^[^\s()=!<>~,"']+/.exec(jql.slice(i));
    if (!word)
      throw new JqlError(
        `Error in the JQL Query: The character '${c}' is a reserved JQL character.`,
      );
    tokens.push(word[0]);
    i += word[0].length;
  }
  return tokens;
}

/** Parses the subset of JQL the simulator evaluates. */
export function parseJql(jql: string): JqlQuery {
  const tokens = tokenize(jql);
  let pos = 0;
  const peek = () => tokens[pos];
  const upper = () => (peek() ?? '').toUpperCase();
  const literal = (t: string) => (t.startsWith('\u0000') ? t.slice(1) : t);
  const expect = (t: string) => {
    if (upper() !== t)
      throw new JqlError(
        `Error in the JQL Query: Expecting '${t}' but got '${peek() ?? 'end of query'}'.`,
      );
    pos++;
  };

  const value = (): Value => {
    const t = tokens[pos++];
    if (t === undefined)
      throw new JqlError(
        'Error in the JQL Query: Expecting a value but got the end of the query.',
      );
    if (!t.startsWith('\u0000') && /^(EMPTY|NULL)$/i.test(t)) return null;
    return literal(t);
  };
  const clause = (): Clause => {
    if (peek() === '(') {
      pos++;
      const inner = or();
      expect(')');
      return inner;
    }
    if (upper() === 'NOT') {
      pos++;
      return { kind: 'not', part: clause() };
    }
    const fieldToken = tokens[pos++];
    if (fieldToken === undefined)
      throw new JqlError('Error in the JQL Query: Expecting a field name.');
    const field = literal(fieldToken).toLowerCase();
    if (!FIELDS.includes(field)) {
      throw new JqlError(
        `Field '${literal(fieldToken)}' does not exist or you do not have permission to view it.`,
      );
    }
    let op = upper();
    pos++;
    if (op === 'NOT' && upper() === 'IN') {
      pos++;
      op = 'NOT IN';
    } else if (op === 'IS' && upper() === 'NOT') {
      pos++;
      op = 'IS NOT';
    }
    if (op === 'IN' || op === 'NOT IN') {
      expect('(');
      const values: Value[] = [value()];
      while (peek() === ',') {
        pos++;
        values.push(value());
      }
      expect(')');
      return { kind: 'cmp', field, op, values };
    }
    if (
      !['=', '!=', '>', '>=', '<', '<=', '~', '!~', 'IS', 'IS NOT'].includes(op)
    ) {
      throw new JqlError(
        `Error in the JQL Query: Expecting operator but got '${tokens[pos - 1] ?? 'end of query'}'.`,
      );
    }
    return { kind: 'cmp', field, op, values: [value()] };
  };
  const and = (): Clause => {
    const parts = [clause()];
    while (upper() === 'AND') {
      pos++;
      parts.push(clause());
    }
    return parts.length === 1 ? parts[0] : { kind: 'and', parts };
  };
  function or(): Clause {
    const parts = [and()];
    while (upper() === 'OR') {
      pos++;
      parts.push(and());
    }
    return parts.length === 1 ? parts[0] : { kind: 'or', parts };
  }

  const query: JqlQuery = { orderBy: [] };
  if (pos < tokens.length && upper() !== 'ORDER') query.where = or();
  if (upper() === 'ORDER') {
    pos++;
    expect('BY');
    do {
      if (peek() === ',') pos++;
      const field = literal(tokens[pos++] ?? '').toLowerCase();
      if (!ORDERABLE.includes(field))
        throw new JqlError(
          `Error in the JQL Query: Field '${field}' cannot be ordered by.`,
        );
      let direction: 'asc' | 'desc' = 'asc';
      if (upper() === 'ASC' || upper() === 'DESC')
        direction = tokens[pos++].toLowerCase() as 'asc' | 'desc';
      query.orderBy.push({ field, direction });
    } while (peek() === ',');
  }
  if (pos < tokens.length)
    throw new JqlError(
      `Error in the JQL Query: Expecting either 'OR' or 'AND' but got '${literal(tokens[pos])}'.`,
    );
  return query;
}

function compareValues(a: number | string, b: number | string) {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** The comparable value(s) of one field of an issue. */
function fieldValues(
  issue: IssueRecord,
  field: string,
): Array<string | number> {
  switch (field) {
    case 'project':
      return [issue.projectKey.toLowerCase()];
    case 'labels':
      return issue.labels.map(l => l.toLowerCase());
    case 'key':
    case 'issuekey':
    case 'issue':
    case 'id':
      return [Number(issue.id)];
    case 'updated':
      return [issue.updated.getTime()];
    case 'created':
      return [issue.created.getTime()];
    case 'status':
      return [issue.status.toLowerCase()];
    case 'priority':
      return [issue.priority.toLowerCase()];
    case 'assignee':
      return issue.assigneeAccountId
        ? [issue.assigneeAccountId.toLowerCase()]
        : [];
    case 'summary':
      return [issue.summary.toLowerCase()];
    default:
      return [];
  }
}

/** Turns a literal into the field's comparable form (dates to ms, keys to ids). */
function operand(
  field: string,
  value: string,
  resolveId: (keyOrId: string) => string | undefined,
  now: Date,
) {
  if (field === 'updated' || field === 'created') {
    const date = parseJqlDate(value, now);
    if (!date) {
      throw new JqlError(
        `Date value '${value}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
      );
    }
    return date.getTime();
  }
  if (['key', 'issuekey', 'issue', 'id'].includes(field)) {
    const id = resolveId(value);
    // Jira refuses a key it cannot find only when it is a malformed key; a missing one matches nothing.
    if (!id && !/^([A-Z][A-Z0-9_]*-)?\d+$/i.test(value)) {
      throw new JqlError(
        `The issue key '${value}' for field '${field}' is invalid.`,
      );
    }
    return id ? Number(id) : -1;
  }
  if (
    field === 'status' &&
    !STATUSES.some(s => s.name.toLowerCase() === value.toLowerCase())
  ) {
    throw new JqlError(
      `The value '${value}' does not exist for the field 'status'.`,
    );
  }
  if (
    field === 'priority' &&
    !KNOWN_PRIORITIES.some(p => p.name.toLowerCase() === value.toLowerCase())
  ) {
    throw new JqlError(
      `The value '${value}' does not exist for the field 'priority'.`,
    );
  }
  return value.toLowerCase();
}

/** Builds the predicate and comparator of a parsed query. */
export function compileJql(
  query: JqlQuery,
  resolveId: (keyOrId: string) => string | undefined,
  now: Date,
): {
  matches: (issue: IssueRecord) => boolean;
  compare: (a: IssueRecord, b: IssueRecord) => number;
} {
  const build = (clause: Clause): ((issue: IssueRecord) => boolean) => {
    if (clause.kind === 'not') {
      const p = build(clause.part);
      return i => !p(i);
    }
    if (clause.kind !== 'cmp') {
      const ps = clause.parts.map(build);
      return clause.kind === 'and'
        ? i => ps.every(p => p(i))
        : i => ps.some(p => p(i));
    }
    const { field, op, values } = clause;
    if (op === 'IS' || op === 'IS NOT') {
      if (values[0] !== null)
        throw new JqlError(
          `Error in the JQL Query: Expecting 'EMPTY' or 'NULL' after '${op}'.`,
        );
      return i => (fieldValues(i, field).length === 0) === (op === 'IS');
    }
    const operands = values.map(v =>
      v === null ? null : operand(field, v, resolveId, now),
    );
    if (op === '~' || op === '!~') {
      const needle = String(operands[0] ?? '');
      return i =>
        fieldValues(i, field).some(v => String(v).includes(needle)) ===
        (op === '~');
    }
    const test = (v: string | number, o: string | number | null): boolean => {
      if (o === null) return false;
      const c = compareValues(v, o);
      switch (op) {
        case '=':
        case 'IN':
          return c === 0;
        case '!=':
        case 'NOT IN':
          return c !== 0;
        case '>':
          return c > 0;
        case '>=':
          return c >= 0;
        case '<':
          return c < 0;
        default:
          return c <= 0;
      }
    };
    if (op === '!=' || op === 'NOT IN')
      return i =>
        fieldValues(i, field).every(v => operands.every(o => test(v, o)));
    return i => fieldValues(i, field).some(v => operands.some(o => test(v, o)));
  };
  const matches = query.where ? build(query.where) : () => true;
  const sortKey = (issue: IssueRecord, field: string): number | string => {
    if (field === 'priority')
      return Number(
        KNOWN_PRIORITIES.find(p => p.name === issue.priority)?.id ?? 0,
      );
    if (field === 'key' || field === 'issuekey' || field === 'id')
      return Number(issue.id);
    return fieldValues(issue, field)[0] ?? '';
  };
  const compare = (a: IssueRecord, b: IssueRecord) => {
    for (const { field, direction } of query.orderBy) {
      const c = compareValues(sortKey(a, field), sortKey(b, field));
      if (c) return direction === 'asc' ? c : -c;
    }
    return Number(a.id) - Number(b.id);
  };
  return { matches, compare };
}
