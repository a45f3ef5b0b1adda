/** A Jira status with its category, as the REST API shows it. */
export interface JiraStatus {
  id: string;
  name: string;
  category: {
    id: number;
    key: 'new' | 'indeterminate' | 'done';
    name: string;
    colorName: string;
  };
}

const TODO = {
  id: 2,
  key: 'new',
  name: 'To Do',
  colorName: 'blue-gray',
} as const;
const DOING = {
  id: 4,
  key: 'indeterminate',
  name: 'In Progress',
  colorName: 'yellow',
} as const;
const DONE = { id: 3, key: 'done', name: 'Done', colorName: 'green' } as const;

export const STATUSES: JiraStatus[] = [
  { id: '10000', name: 'To Do', category: TODO },
  { id: '3', name: 'In Progress', category: DOING },
  { id: '10001', name: 'Mitigated', category: DOING },
  { id: '10002', name: 'Waiting for customer', category: DOING },
  { id: '5', name: 'Resolved', category: DONE },
  { id: '6', name: 'Closed', category: DONE },
];

/** One workflow transition: its id and name, and where it leads. */
export interface JiraTransition {
  id: string;
  name: string;
  to: string;
}

/**
 * The incident workflow: To Do -> In Progress -> Mitigated / Waiting for customer ->
 * Resolved -> Closed, with a way back. Like Jira, only the transitions of the current
 * status are available, so reaching a status may take several steps.
 */
const TRANSITIONS: Record<string, JiraTransition[]> = {
  'To Do': [{ id: '11', name: 'Start progress', to: 'In Progress' }],
  'In Progress': [
    { id: '21', name: 'Mitigate', to: 'Mitigated' },
    { id: '31', name: 'Wait for customer', to: 'Waiting for customer' },
    { id: '41', name: 'Resolve', to: 'Resolved' },
    { id: '81', name: 'Stop progress', to: 'To Do' },
  ],
  Mitigated: [
    { id: '41', name: 'Resolve', to: 'Resolved' },
    { id: '31', name: 'Wait for customer', to: 'Waiting for customer' },
    { id: '91', name: 'Back to in progress', to: 'In Progress' },
  ],
  'Waiting for customer': [
    { id: '41', name: 'Resolve', to: 'Resolved' },
    { id: '21', name: 'Mitigate', to: 'Mitigated' },
    { id: '91', name: 'Back to in progress', to: 'In Progress' },
  ],
  Resolved: [
    { id: '61', name: 'Close', to: 'Closed' },
    { id: '71', name: 'Reopen', to: 'To Do' },
  ],
  Closed: [{ id: '71', name: 'Reopen', to: 'To Do' }],
};

export const INITIAL_STATUS = 'To Do';

export function statusByName(name: string): JiraStatus | undefined {
  return STATUSES.find(s => s.name.toLowerCase() === name.toLowerCase());
}

export function transitionsFrom(status: string): JiraTransition[] {
  return TRANSITIONS[status] ?? [];
}

/** The shortest chain of transitions from one status to another (for admin moves). */
export function pathBetween(
  from: string,
  to: string,
): JiraTransition[] | undefined {
  const queue: Array<{ at: string; path: JiraTransition[] }> = [
    { at: from, path: [] },
  ];
  const seen = new Set([from]);
  while (queue.length) {
    const { at, path } = queue.shift()!;
    if (at === to) return path;
    for (const t of transitionsFrom(at)) {
      if (seen.has(t.to)) continue;
      seen.add(t.to);
      queue.push({ at: t.to, path: [...path, t] });
    }
  }
  return undefined;
}
