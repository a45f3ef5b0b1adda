/**
 * Jira's default ownership (docs/connectors/jira.md#default-field-ownership) is named in Jira vocabulary (priority, assignee,
 * comments); this maps those names to the platform fields they govern, so the core
 * applies the rules to the right fields.
 */
export const ownershipFieldMap: Readonly<Record<string, string>> = {
  summary: 'title',
  description: 'description',
  priority: 'severity',
  status: 'status',
  assignee: 'assigned_to',
  comments: 'notes',
  comment: 'notes',
};
