// The REST API (docs/API.md), typed from the OpenAPI document. Every named method is one call of
// `call`, whose path, parameters, body and answer types come from the generated `paths`.
import { ApiError, type Problem } from './errors.js';
import type {
  Body, BoostBody, EventRequest, ExperimentBody, FilterBody, ItemBatchEntry, ItemBody, ItemPatchBody, Method,
  PathsWith, PromotionBody, Query, Success, paths,
} from './types.js';

export interface RecommenderClientOptions {
  /** The server, e.g. `http://127.0.0.1:5000`; '' (the default) is the page's own origin. */
  baseUrl?: string;
  /** A key for the `X-Api-Key` header (servers and Node). A browser page signs in by cookie instead. */
  apiKey?: string;
  /**
   * The signed-in session's CSRF token (GET /api/v1/session, `csrfToken`), read on every call that
   * changes something: with a cookie session the server refuses those calls without it.
   */
  csrfToken?: () => string | null | undefined;
  /** Called on a 401 before the error is thrown (a page sends the person to sign in). */
  onUnauthorized?: (error: ApiError) => void;
  /** The fetch to use (tests, proxies); the global one by default. */
  fetch?: typeof fetch;
}

/** Per call: cancellation. */
export interface CallOptions {
  signal?: AbortSignal;
}

type QueryValue = string | number | boolean | null | undefined;
/** Filter parameters are bound as `param.<name>` (docs/FILTERS.md); the document cannot list them. */
type FilterParameters = { [name: `param.${string}`]: QueryValue };

interface CallParts {
  /** Values for the path's `{placeholders}`. */
  path?: Record<string, string>;
  query?: Record<string, QueryValue>;
  body?: unknown;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A new event id: a retried POST carrying the same id is acknowledged and not applied twice. */
export function newEventId(): string {
  return globalThis.crypto.randomUUID();
}

export class RecommenderClient {
  readonly #baseUrl: string;
  readonly #options: RecommenderClientOptions;
  readonly #fetch: typeof fetch;

  constructor(options: RecommenderClientOptions = {}) {
    this.#options = options;
    this.#baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /**
   * Any operation of the document: `call('get', '/api/v1/items/{itemId}', { path: { itemId } })`.
   * Answers the operation's success body (null for 204); throws {@link ApiError} otherwise.
   */
  async call<M extends Method, P extends PathsWith<M>>(
    method: M, path: P, parts: CallParts & { query?: Query<P, M> | Record<string, QueryValue>; body?: Body<P, M> } = {},
    options: CallOptions = {},
  ): Promise<Success<P, M>> {
    const url = this.#url(path, parts);
    const verb = method.toUpperCase();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (parts.body !== undefined) headers['content-type'] = 'application/json';
    if (this.#options.apiKey) headers['x-api-key'] = this.#options.apiKey;
    const csrf = SAFE_METHODS.has(verb) ? null : this.#options.csrfToken?.();
    if (csrf) headers['x-csrf-token'] = csrf;

    let response: Response;
    try {
      response = await this.#fetch(this.#baseUrl + url, {
        method: verb,
        headers,
        body: parts.body === undefined ? undefined : JSON.stringify(parts.body),
        signal: options.signal ?? null,
        credentials: 'same-origin',
      });
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw e;
      throw new ApiError({ method: verb, path: url, status: 0, text: String((e as Error)?.message ?? e) });
    }
    if (response.status === 204) return null as Success<P, M>;
    const text = await response.text();
    let data: unknown = null;
    if (text) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
    if (!response.ok) {
      const error = new ApiError({
        method: verb, path: url, status: response.status,
        problem: data && typeof data === 'object' ? data as Problem : null, text,
      });
      if (response.status === 401) this.#options.onUnauthorized?.(error);
      throw error;
    }
    return data as Success<P, M>;
  }

  #url(template: string, { path, query }: CallParts): string {
    const url = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = path?.[name];
      if (value === undefined) throw new TypeError(`The path ${template} needs a value for {${name}}.`);
      return encodeURIComponent(value);
    });
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== '') search.append(name, String(value));
    }
    const qs = search.toString();
    return qs ? `${url}?${qs}` : url;
  }

  // ------------------------------------------------------------------ events

  /** Records one event; an `eventId` is added when missing, so a retry is never applied twice. */
  sendEvent(event: EventRequest, options?: CallOptions) {
    return this.sendEvents([event], options);
  }

  /** Records up to 10,000 events at once; answers once every event is in the durable log. */
  sendEvents(events: EventRequest[], options?: CallOptions) {
    const body = events.map(e => (e.eventId ? e : { ...e, eventId: newEventId() }));
    return this.call('post', '/api/v1/events', { body }, options);
  }

  // ------------------------------------------------------------------ users

  /** A new list with its `recommendationId` (an impression). */
  recommendations(userId: string, query?: Query<'/api/v1/users/{userId}/recommendations', 'get'> & FilterParameters, options?: CallOptions) {
    return this.call('get', '/api/v1/users/{userId}/recommendations', { path: { userId }, query }, options);
  }

  /** The next items of an earlier list, without repeats; 404 once the list expired. */
  next(userId: string, query: Query<'/api/v1/users/{userId}/recommendations/next', 'get'>, options?: CallOptions) {
    return this.call('get', '/api/v1/users/{userId}/recommendations/next', { path: { userId }, query }, options);
  }

  /** The profile, or null for a user the server has never seen. */
  async profile(userId: string, options?: CallOptions) {
    try {
      return await this.call('get', '/api/v1/users/{userId}', { path: { userId } }, options);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  }

  /** Erases the user: events, state, properties (idempotent). */
  deleteUser(userId: string, options?: CallOptions) {
    return this.call('delete', '/api/v1/users/{userId}', { path: { userId } }, options);
  }

  /** Everything stored about the user. */
  exportUser(userId: string, options?: CallOptions) {
    return this.call('get', '/api/v1/users/{userId}/export', { path: { userId } }, options);
  }

  // ------------------------------------------------------------------ items

  item(itemId: string, options?: CallOptions) {
    return this.call('get', '/api/v1/items/{itemId}', { path: { itemId } }, options);
  }

  items(query?: Query<'/api/v1/items', 'get'>, options?: CallOptions) {
    return this.call('get', '/api/v1/items', { query }, options);
  }

  /** Creates or replaces the item. */
  putItem(itemId: string, item: ItemBody, options?: CallOptions) {
    return this.call('put', '/api/v1/items/{itemId}', { path: { itemId }, body: item }, options);
  }

  /** Updates the item (JSON Merge Patch semantics for `properties`). */
  patchItem(itemId: string, patch: ItemPatchBody, options?: CallOptions) {
    return this.call('patch', '/api/v1/items/{itemId}', { path: { itemId }, body: patch }, options);
  }

  deleteItem(itemId: string, options?: CallOptions) {
    return this.call('delete', '/api/v1/items/{itemId}', { path: { itemId } }, options);
  }

  /** Creates or replaces up to 10,000 items at once. */
  upsertItems(items: ItemBatchEntry[], options?: CallOptions) {
    return this.call('post', '/api/v1/items', { body: items }, options);
  }

  similar(itemId: string, query?: Query<'/api/v1/items/{itemId}/similar', 'get'>, options?: CallOptions) {
    return this.call('get', '/api/v1/items/{itemId}/similar', { path: { itemId }, query }, options);
  }

  latest(query?: Query<'/api/v1/items/latest', 'get'>, options?: CallOptions) {
    return this.call('get', '/api/v1/items/latest', { query }, options);
  }

  popular(query?: Query<'/api/v1/popular', 'get'> & FilterParameters, options?: CallOptions) {
    return this.call('get', '/api/v1/popular', { query }, options);
  }

  categories(options?: CallOptions) {
    return this.call('get', '/api/v1/categories', {}, options);
  }

  // ------------------------------------------------------------------ rules

  filters(options?: CallOptions) { return this.call('get', '/api/v1/filters', {}, options); }
  filter(name: string, options?: CallOptions) { return this.call('get', '/api/v1/filters/{name}', { path: { name } }, options); }
  putFilter(name: string, filter: FilterBody, options?: CallOptions) { return this.call('put', '/api/v1/filters/{name}', { path: { name }, body: filter }, options); }
  deleteFilter(name: string, options?: CallOptions) { return this.call('delete', '/api/v1/filters/{name}', { path: { name } }, options); }

  promotions(options?: CallOptions) { return this.call('get', '/api/v1/promotions', {}, options); }
  putPromotion(name: string, promotion: PromotionBody, options?: CallOptions) { return this.call('put', '/api/v1/promotions/{name}', { path: { name }, body: promotion }, options); }
  deletePromotion(name: string, options?: CallOptions) { return this.call('delete', '/api/v1/promotions/{name}', { path: { name } }, options); }

  boosts(options?: CallOptions) { return this.call('get', '/api/v1/boosts', {}, options); }
  putBoost(name: string, boost: BoostBody, options?: CallOptions) { return this.call('put', '/api/v1/boosts/{name}', { path: { name }, body: boost }, options); }
  deleteBoost(name: string, options?: CallOptions) { return this.call('delete', '/api/v1/boosts/{name}', { path: { name } }, options); }

  // ------------------------------------------------------------------ model, serving, metrics

  model(options?: CallOptions) { return this.call('get', '/api/v1/model', {}, options); }

  /** Starts a retraining; with `wait: true` answers once the new version is published. */
  retrain(query?: Query<'/api/v1/model/retrain', 'post'>, options?: CallOptions) {
    return this.call('post', '/api/v1/model/retrain', { query }, options);
  }

  serving(options?: CallOptions) { return this.call('get', '/api/v1/serving', {}, options); }

  onlineMetrics(query?: Query<'/api/v1/metrics/online', 'get'>, options?: CallOptions) {
    return this.call('get', '/api/v1/metrics/online', { query }, options);
  }

  // ------------------------------------------------------------------ experiments

  experiments(options?: CallOptions) { return this.call('get', '/api/v1/experiments', {}, options); }
  experiment(id: string, options?: CallOptions) { return this.call('get', '/api/v1/experiments/{id}', { path: { id } }, options); }
  /** 201 with the experiment; 409 while another one runs. */
  createExperiment(experiment: ExperimentBody, options?: CallOptions) { return this.call('post', '/api/v1/experiments', { body: experiment }, options); }
  startExperiment(id: string, options?: CallOptions) { return this.call('post', '/api/v1/experiments/{id}/start', { path: { id } }, options); }
  stopExperiment(id: string, options?: CallOptions) { return this.call('post', '/api/v1/experiments/{id}/stop', { path: { id } }, options); }
  /** Stops the experiment and makes the variant's serving configuration everyone's default. */
  declareWinner(id: string, variant: string, options?: CallOptions) {
    return this.call('post', '/api/v1/experiments/{id}/winner', { path: { id }, body: { variant } }, options);
  }
  deleteExperiment(id: string, options?: CallOptions) { return this.call('delete', '/api/v1/experiments/{id}', { path: { id } }, options); }
  experimentResults(id: string, query?: Query<'/api/v1/experiments/{id}/results', 'get'>, options?: CallOptions) {
    return this.call('get', '/api/v1/experiments/{id}/results', { path: { id }, query }, options);
  }

  // ------------------------------------------------------------------ session (browsers)

  /** Who is calling: key, cookie session or nobody, with the session's CSRF token. */
  session(options?: CallOptions) { return this.call('get', '/api/v1/session', {}, options); }
  signOut(options?: CallOptions) { return this.call('delete', '/api/v1/session', {}, options); }
}

/** The paths of the document, for {@link RecommenderClient.call}. */
export type ApiPath = keyof paths;
