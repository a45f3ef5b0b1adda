/**
 * ServiceNow's default priority lookup (the dl_u_priority data lookup): priority is
 * derived from impact (rows) and urgency (columns), 1 - Critical ... 5 - Planning.
 */
const DEFAULT_PRIORITY_MATRIX: Record<string, Record<string, string>> = {
  '1': { '1': '1', '2': '2', '3': '3' },
  '2': { '1': '2', '2': '3', '3': '4' },
  '3': { '1': '3', '2': '4', '3': '5' },
};

/** The priority ServiceNow calculates for an impact and urgency; undefined off the matrix. */
export function priorityFor(
  impact: string,
  urgency: string,
): string | undefined {
  return DEFAULT_PRIORITY_MATRIX[impact]?.[urgency];
}
