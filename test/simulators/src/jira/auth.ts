import { timingSafeEqual } from 'node:crypto';
import type { SimRequest } from '../shared/SimulatorServer';

/** What an integration is configured with: Atlassian account email + API token. */
export interface JiraCredentials {
  email: string;
  api_token: string;
}

/** Basic auth with the account's email and API token, as Jira Cloud takes it. */
export function isAuthenticated(
  req: SimRequest,
  credentials: JiraCredentials,
): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+(\S+)$/i.exec(header);
  if (!match) return false;
  const presented = Buffer.from(match[1], 'base64');
  const expected = Buffer.from(`${credentials.email}:${credentials.api_token}`);
  return (
    presented.length === expected.length && timingSafeEqual(presented, expected)
  );
}
