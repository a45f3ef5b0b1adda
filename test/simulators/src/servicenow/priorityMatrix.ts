/**
 * ServiceNow's default priority lookup (dl_u_priority): priority is calculated from
 * impact x urgency and cannot be set directly.
 */
const MATRIX: Record<string, string> = {
  '1/1': '1',
  '1/2': '2',
  '2/1': '2',
  '1/3': '3',
  '2/2': '3',
  '3/1': '3',
  '2/3': '4',
  '3/2': '4',
  '3/3': '5',
};

export function calculatePriority(impact: string, urgency: string): string {
  return MATRIX[`${impact}/${urgency}`] ?? '5';
}
