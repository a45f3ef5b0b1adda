/** ServiceNow's UTC `YYYY-MM-DD HH:MM:SS` for a date. */
export function toGlideDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** ISO-8601 for a ServiceNow UTC `YYYY-MM-DD HH:MM:SS`; undefined when it is not one. */
export function fromGlideDateTime(
  value: string | undefined,
): string | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value))
    return undefined;
  const ms = Date.parse(`${value.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
