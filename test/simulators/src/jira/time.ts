/** Jira's timestamp format: `2024-01-15T10:30:00.000+0000` (always UTC here). */
export function jiraTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/**
 * Parses a JQL date literal the way Jira does for a user in UTC: `yyyy/MM/dd HH:mm`,
 * `yyyy-MM-dd HH:mm`, `yyyy/MM/dd`, `yyyy-MM-dd`, or a relative offset such as `-5m`,
 * `-2h`, `-1d`, `-1w`. Undefined when the literal is none of these.
 */
export function parseJqlDate(value: string, now: Date): Date | undefined {
  const absolute =
    /^(\d{4})[/-](\d{2})[/-](\d{2})(?:\s+(\d{2}):(\d{2}))?$/.exec(value.trim());
  if (absolute) {
    const [, y, mo, d, h = '00', mi = '00'] = absolute;
    const ms = Date.UTC(
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h),
      Number(mi),
    );
    return Number.isNaN(ms) ? undefined : new Date(ms);
  }
  const relative = /^([-+]?)(\d+)([mhdw])$/.exec(value.trim());
  if (relative) {
    const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[
      relative[3] as 'm' | 'h' | 'd' | 'w'
    ];
    const sign = relative[1] === '+' ? 1 : -1;
    return new Date(now.getTime() + sign * Number(relative[2]) * unitMs);
  }
  return undefined;
}
