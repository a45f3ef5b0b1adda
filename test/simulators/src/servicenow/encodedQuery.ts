import { normaliseGlideInput } from './glideTime';

type Row = Record<string, string>;
type Predicate = (row: Row) => boolean;

/** A parsed `sysparm_query`: a filter and an ordering. */
export interface EncodedQuery {
  matches: Predicate;
  orderBy: Array<{ field: string; descending: boolean }>;
}

// Longest operators first so `>=` is not read as `>`.
const OPERATORS = [
  'ISNOTEMPTY',
  'ISEMPTY',
  'STARTSWITH',
  'ENDSWITH',
  'NOT LIKE',
  'NOTIN',
  'LIKE',
  'IN',
  '!=',
  '>=',
  '<=',
  '=',
  '>',
  '<',
];

function compare(a: string, b: string): number {
  if (/^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b))
    return Number(a) - Number(b);
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function condition(
  term: string,
  knownField: (f: string) => boolean,
  invalid: () => Predicate,
): Predicate {
  // Column names are lower case, so an upper-case operator (IN, LIKE) ends the name.
  const match = /^([a-z_][a-z0-9_.]*)(.*)$/.exec(term);
  if (!match) return invalid();
  const [, field, rest] = match;
  const op = OPERATORS.find(o => rest.startsWith(o));
  if (!op || !knownField(field)) return invalid();
  const value = normaliseGlideInput(rest.slice(op.length));
  const get = (row: Row) => row[field] ?? '';
  switch (op) {
    case 'ISEMPTY':
      return row => get(row) === '';
    case 'ISNOTEMPTY':
      return row => get(row) !== '';
    case 'STARTSWITH':
      return row => get(row).toLowerCase().startsWith(value.toLowerCase());
    case 'ENDSWITH':
      return row => get(row).toLowerCase().endsWith(value.toLowerCase());
    case 'LIKE':
      return row => get(row).toLowerCase().includes(value.toLowerCase());
    case 'NOT LIKE':
      return row => !get(row).toLowerCase().includes(value.toLowerCase());
    case 'IN': {
      const set = new Set(value.split(','));
      return row => set.has(get(row));
    }
    case 'NOTIN': {
      const set = new Set(value.split(','));
      return row => !set.has(get(row));
    }
    case '=':
      return row => get(row) === value;
    case '!=':
      return row => get(row) !== value;
    case '>=':
      return row => compare(get(row), value) >= 0;
    case '<=':
      return row => compare(get(row), value) <= 0;
    case '>':
      return row => compare(get(row), value) > 0;
    default:
      return row => compare(get(row), value) < 0;
  }
}

/**
 * Parses ServiceNow's encoded query language: terms joined by `^` (and) or `^OR` (or,
 * binding tighter than and), `^NQ` (a new query ORed with the rest), `ORDERBY<field>`
 * and `ORDERBYDESC<field>`. A term naming an unknown field is ignored, as ServiceNow does
 * unless `glide.invalid_query.returns_no_rows` is set (`invalidReturnsNoRows`).
 */
export function parseEncodedQuery(
  query: string,
  knownField: (field: string) => boolean,
  invalidReturnsNoRows = false,
): EncodedQuery {
  const orderBy: EncodedQuery['orderBy'] = [];
  const invalid = (): Predicate =>
    invalidReturnsNoRows ? () => false : () => true;
  const groups = query.split('^NQ').map(group => {
    const ands: Predicate[][] = [];
    for (const term of group.split('^')) {
      if (!term || term === 'EQ') continue;
      if (term.startsWith('ORDERBYDESC')) {
        orderBy.push({
          field: term.slice('ORDERBYDESC'.length),
          descending: true,
        });
      } else if (term.startsWith('ORDERBY')) {
        orderBy.push({
          field: term.slice('ORDERBY'.length),
          descending: false,
        });
      } else if (
        term.startsWith('OR') &&
        ands.length &&
        !knownField(term.split(/[=!<>]/)[0])
      ) {
        ands[ands.length - 1].push(
          condition(term.slice(2), knownField, invalid),
        );
      } else {
        ands.push([condition(term, knownField, invalid)]);
      }
    }
    return (row: Row) => ands.every(ors => ors.some(p => p(row)));
  });
  return {
    matches: row => groups.some(g => g(row)),
    orderBy,
  };
}

/** Sorts rows by the query's ordering; ties keep insertion order, so pages are stable. */
export function sortRows<T extends Row>(
  rows: T[],
  orderBy: EncodedQuery['orderBy'],
): T[] {
  return [...rows].sort((a, b) => {
    for (const { field, descending } of orderBy) {
      const c = compare(a[field] ?? '', b[field] ?? '');
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  });
}
