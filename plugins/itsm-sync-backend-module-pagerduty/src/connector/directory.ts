import type { ConnectorContext } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { pagerDutyClient, orUndefinedOn404 } from './client';
import type { PdPage, PdReference, PdUserObject } from './types';

const TTL_MS = 10 * 60 * 1000;

interface Entry<T> {
  value: Promise<T>;
  at: number;
}

/**
 * Small per-integration caches of the account's directory: priorities by name and users
 * by email and id, so a sync does not look them up on every call. Failures are not kept.
 */
export class PagerDutyDirectory {
  private readonly entries = new Map<string, Entry<unknown>>();

  private cached<T>(
    ctx: ConnectorContext,
    key: string,
    load: () => Promise<T>,
  ): Promise<T> {
    const full = `${ctx.integration.id}|${ctx.integration.baseUrl}|${key}`;
    const hit = this.entries.get(full) as Entry<T> | undefined;
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    const value = load();
    this.entries.set(full, { value, at: Date.now() });
    value.catch(() => this.entries.delete(full));
    return value;
  }

  /** The id of a priority by name (`P1`); undefined when the account has no such priority. */
  async priorityId(
    ctx: ConnectorContext,
    name: string,
  ): Promise<string | undefined> {
    const byName = await this.cached(ctx, 'priorities', async () => {
      const names = new Map<string, string>();
      const client = pagerDutyClient(ctx);
      for (let offset = 0; ;) {
        const { body } = await client.request<
          PdPage & { priorities?: PdReference[] }
        >({
          path: '/priorities',
          query: { limit: 100, offset },
          signal: ctx.signal,
        });
        const list = body?.priorities ?? [];
        for (const p of list) names.set(String(p.name ?? p.summary), p.id);
        if (!body?.more || list.length === 0) return names;
        offset += list.length;
      }
    });
    return byName.get(name);
  }

  /** The PagerDuty user id for an email (exact, case-insensitive). */
  async userIdForEmail(
    ctx: ConnectorContext,
    email: string,
  ): Promise<string | undefined> {
    const wanted = email.trim().toLowerCase();
    return this.cached(ctx, `email:${wanted}`, async () => {
      const { body } = await pagerDutyClient(ctx).request<{
        users?: PdUserObject[];
      }>({
        path: '/users',
        query: { query: wanted, limit: 100 },
        signal: ctx.signal,
      });
      return body?.users?.find(u => u.email?.toLowerCase() === wanted)?.id;
    });
  }

  /** The email of a user reference; the reference's name when the user cannot be read. */
  async emailForUser(ctx: ConnectorContext, ref: PdReference): Promise<string> {
    const email = await this.cached(ctx, `user:${ref.id}`, async () => {
      const found = await orUndefinedOn404(
        pagerDutyClient(ctx).request<{ user?: PdUserObject }>({
          path: `/users/${encodeURIComponent(ref.id)}`,
          signal: ctx.signal,
        }),
      );
      return found?.body?.user?.email;
    });
    return email ?? ref.summary ?? ref.id;
  }
}
