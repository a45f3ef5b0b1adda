import type { SimRequest } from '../shared/SimulatorServer';

/** PagerDuty's classic offset paging: `limit` (default 25, capped), `offset`, `more`, `total`. */
export function page<T>(req: SimRequest, items: T[], maxLimit: number) {
  const q = req.url.searchParams;
  const requested = Number(q.get('limit') ?? 25);
  const limit = Math.min(
    Math.max(1, Number.isFinite(requested) ? Math.floor(requested) : 25),
    maxLimit,
  );
  const rawOffset = Number(q.get('offset') ?? 0);
  const offset =
    Number.isFinite(rawOffset) && rawOffset > 0 ? Math.floor(rawOffset) : 0;
  const slice = items.slice(offset, offset + limit);
  return {
    items: slice,
    paging: {
      limit,
      offset,
      more: offset + slice.length < items.length,
      total: q.get('total') === 'true' ? items.length : null,
    },
  };
}

/** Array query parameters come as `name[]=a&name[]=b` (or without the brackets). */
export function listParam(req: SimRequest, name: string): string[] {
  const q = req.url.searchParams;
  return [...q.getAll(`${name}[]`), ...q.getAll(name)]
    .flatMap(v => v.split(','))
    .filter(Boolean);
}
