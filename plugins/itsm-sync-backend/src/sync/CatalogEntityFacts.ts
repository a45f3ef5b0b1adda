import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { ROUTING_ANNOTATIONS } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { toError } from '@backstage/errors';
import type { FoundAnnotation } from '../engine/routing';
import { LRUCache } from 'lru-cache';

/** What routing knows of an incident's entity (docs/DESIGN.md, "Routing"). */
export interface EntityFacts {
  /** `ok`, `not-found` (no such entity), `unavailable` (the catalog could not be read), `none` (no entity). */
  catalog: 'ok' | 'not-found' | 'unavailable' | 'none';
  entity_ref: string | null;
  kind: string | null;
  type: string | null;
  owner: string | null;
  system: string | null;
  /** Routing annotations, each from the entity, else its system, else its owner. */
  annotations: FoundAnnotation[];
}

/** Where routing reads entity facts from; the catalog in production. */
export interface EntityFactsSource {
  lookup(entityRef: string | null): Promise<EntityFacts>;
  /**
   * The entity annotated with one of `keys` (the first key that names one), for an incident
   * created from a vendor; undefined when none does or the catalog cannot be read.
   */
  entityFor(
    keys: ReadonlyArray<{ annotation: string; value: string }>,
  ): Promise<string | undefined>;
}

const ANNOTATION_NAMES = Object.values(ROUTING_ANNOTATIONS);

/** The canonical form of a ref (`component:default/name`), or undefined when it is not one. */
function canonicalEntityRef(
  ref: string,
  defaults: { defaultKind?: string; defaultNamespace?: string } = {},
): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: defaults.defaultKind ?? 'component',
        defaultNamespace: defaults.defaultNamespace ?? 'default',
      }),
    ).toLowerCase();
  } catch {
    return undefined;
  }
}

function noEntity(
  catalog: EntityFacts['catalog'],
  entityRef: string | null,
): EntityFacts {
  return {
    catalog,
    entity_ref: entityRef,
    kind: null,
    type: null,
    owner: null,
    system: null,
    annotations: [],
  };
}

/** Entities (and vendor keys) whose facts are kept, at most. */
const MAX_CACHED_ENTITIES = 10_000;

/**
 * Entity facts from the catalog service, cached: routing runs on every create and
 * routed-field change, and the catalog must not be asked each time. A catalog that fails
 * or is slow never stops sync: the last facts read are used however old, else the
 * incident routes on its own fields alone (`unavailable`), remembered briefly so a
 * catalog outage is not asked again for every incident.
 */
export class CatalogEntityFacts implements EntityFactsSource {
  // Bounded, least recently used out first: incidents may name any number of entities.
  private readonly cache = new LRUCache<
    string,
    { at: number; facts: EntityFacts }
  >({ max: MAX_CACHED_ENTITIES });
  private readonly reverse = new LRUCache<
    string,
    { at: number; ref: string | undefined }
  >({ max: MAX_CACHED_ENTITIES });

  private constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      ttlMs: number;
      failureTtlMs: number;
      timeoutMs: number;
      now: () => number;
    },
  ) {}

  static create(options: {
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    /** How long facts read are used without asking again (default 60 s). */
    ttlMs?: number;
    /** How long an unreadable catalog is not asked again (default 5 s). */
    failureTtlMs?: number;
    /** How long one look-up may take before routing goes on without it (default 2 s). */
    timeoutMs?: number;
    now?: () => number;
  }): CatalogEntityFacts {
    return new CatalogEntityFacts({
      ttlMs: 60_000,
      failureTtlMs: 5_000,
      timeoutMs: 2_000,
      now: Date.now,
      ...options,
    });
  }

  async lookup(entityRef: string | null): Promise<EntityFacts> {
    if (!entityRef) return noEntity('none', null);
    const ref = canonicalEntityRef(entityRef);
    if (!ref) return noEntity('not-found', entityRef);
    const cached = this.cache.get(ref);
    const now = this.options.now();
    if (
      cached &&
      now - cached.at <
        (cached.facts.catalog === 'unavailable'
          ? this.options.failureTtlMs
          : this.options.ttlMs)
    ) {
      return cached.facts;
    }
    try {
      const facts = await this.withTimeout(this.read(ref));
      this.cache.set(ref, { at: now, facts });
      return facts;
    } catch (error) {
      this.options.logger.warn(
        "Catalog unavailable for routing; routing on the incident's own fields",
        {
          entity_ref: ref,
          error: toError(error).message,
        },
      );
      // The last good facts are better than none, however old.
      if (cached && cached.facts.catalog !== 'unavailable') return cached.facts;
      const facts = noEntity('unavailable', ref);
      this.cache.set(ref, { at: now, facts });
      return facts;
    }
  }

  async entityFor(
    keys: ReadonlyArray<{ annotation: string; value: string }>,
  ): Promise<string | undefined> {
    for (const { annotation, value } of keys) {
      const cacheKey = `${annotation}=${value}`;
      const cached = this.reverse.get(cacheKey);
      const now = this.options.now();
      if (cached && now - cached.at < this.options.ttlMs) {
        if (cached.ref) return cached.ref;
        continue;
      }
      try {
        const credentials = await this.options.auth.getOwnServiceCredentials();
        const { items } = await this.withTimeout(
          this.options.catalog.getEntities(
            {
              filter: { [`metadata.annotations.${annotation}`]: value },
              fields: ['kind', 'metadata.name', 'metadata.namespace'],
            },
            { credentials },
          ),
        );
        // Several entities may share a vendor service; the first in ref order, so the choice is stable.
        const ref = items
          .map(e => stringifyEntityRef(e).toLowerCase())
          .sort()[0];
        this.reverse.set(cacheKey, { at: now, ref });
        if (ref) return ref;
      } catch (error) {
        this.options.logger.warn(
          'Catalog unavailable; an incident from a vendor stays without its entity',
          {
            annotation,
            error: toError(error).message,
          },
        );
        if (cached?.ref) return cached.ref;
      }
    }
    return undefined;
  }

  private async withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `catalog did not answer within ${this.options.timeoutMs} ms`,
            ),
          ),
        this.options.timeoutMs,
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The entity, then its system and owner in one call. */
  private async read(ref: string): Promise<EntityFacts> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const entity = await this.options.catalog.getEntityByRef(ref, {
      credentials,
    });
    if (!entity) return noEntity('not-found', ref);
    const namespace = entity.metadata.namespace ?? 'default';
    const system =
      typeof entity.spec?.system === 'string'
        ? canonicalEntityRef(entity.spec.system, {
            defaultKind: 'system',
            defaultNamespace: namespace,
          })
        : undefined;
    const owner =
      typeof entity.spec?.owner === 'string'
        ? canonicalEntityRef(entity.spec.owner, {
            defaultKind: 'group',
            defaultNamespace: namespace,
          })
        : undefined;
    const parentRefs = [system, owner].filter((r): r is string => Boolean(r));
    const parents = parentRefs.length
      ? (
          await this.options.catalog.getEntitiesByRefs(
            { entityRefs: parentRefs },
            { credentials },
          )
        ).items
      : [];
    const chain: Array<[string, Entity | undefined]> = [
      [ref, entity],
      ...parentRefs.map(
        (r, i) => [r, parents[i] ?? undefined] as [string, Entity | undefined],
      ),
    ];
    return {
      catalog: 'ok',
      entity_ref: ref,
      kind: entity.kind.toLowerCase(),
      type: typeof entity.spec?.type === 'string' ? entity.spec.type : null,
      owner: owner ?? null,
      system: system ?? null,
      annotations: inheritedAnnotations(chain),
    };
  }
}

/** Each routing annotation from the first entity of the chain that has it. */
function inheritedAnnotations(
  chain: Array<[string, Entity | undefined]>,
): FoundAnnotation[] {
  const found: FoundAnnotation[] = [];
  for (const annotation of ANNOTATION_NAMES) {
    for (const [ref, entity] of chain) {
      const value = entity?.metadata.annotations?.[annotation]?.trim();
      if (value) {
        found.push({ annotation, value, entity_ref: ref });
        break;
      }
    }
  }
  return found;
}
