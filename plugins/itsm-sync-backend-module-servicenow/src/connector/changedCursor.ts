/**
 * Position in a listing of tickets changed since a time, ordered by sys_updated_on then
 * sys_id: the time to list from and how many records at exactly that time were already
 * returned (skipped with sysparm_offset). Keyed on time rather than a bare offset, a
 * ticket that changes during the scan does not shift later pages and hide a ticket.
 */
export interface ChangedCursor {
  from: string;
  offset: number;
}

export function encodeCursor(cursor: ChangedCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(value: string): ChangedCursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (
      typeof parsed.from === 'string' &&
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(parsed.from) &&
      Number.isInteger(parsed.offset) &&
      parsed.offset >= 0
    ) {
      return { from: parsed.from, offset: parsed.offset };
    }
  } catch {
    // reported below
  }
  throw new Error('listChangedSince cursor is not one this connector issued');
}
