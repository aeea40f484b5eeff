// The REST contract (docs/API.md): JSON in and out, RFC 7807 problem details on every error.

/** A failed call: `status` 0 means the server could not be reached. */
export class ApiError extends Error {
  constructor({ method, path, status, problem, text }) {
    super(problem?.title ?? (status ? `HTTP ${status}` : 'The server could not be reached.'));
    this.name = 'ApiError';
    this.method = method;
    this.path = path;
    this.status = status;
    this.problem = problem ?? null;
    this.text = text ?? '';
  }

  /** A readable summary: title, detail, and one line per invalid field. */
  describe() {
    const p = this.problem;
    const lines = [];
    if (p?.detail) lines.push(p.detail);
    if (p?.errors && typeof p.errors === 'object') {
      for (const [field, reasons] of Object.entries(p.errors)) {
        for (const reason of [].concat(reasons)) lines.push(`${field}: ${reason}`);
      }
    }
    if (!p && this.text && this.text.length < 300) lines.push(this.text);
    const heading = this.status
      ? `${this.message} (${this.status}, ${this.method} ${this.path})`
      : `${this.message} (${this.method} ${this.path})`;
    return { heading, lines };
  }
}

export const SESSION_PATH = '/api/v1/session';
export const SIGN_IN_PAGE = '/signin.html';

// Signed in by cookie (keys required, no X-Api-Key from a browser): every request that changes
// something echoes the session's CSRF token, which only this origin's scripts can read.
let csrfToken = null;

/** Remembers the session's CSRF token (GET /api/v1/session, csrfToken). */
export function useSession(session) {
  csrfToken = session?.csrfToken ?? null;
}

/** To the sign-in page, coming back here afterwards. */
export function goToSignIn() {
  location.assign(`${SIGN_IN_PAGE}?returnUrl=${encodeURIComponent(location.pathname + location.search)}`);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function request(method, path, body, { signal } = {}) {
  let response;
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrfToken && !SAFE_METHODS.has(method)) headers['x-csrf-token'] = csrfToken;
  try {
    response = await fetch(path, {
      method,
      signal,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e?.name === 'AbortError') throw e;
    throw new ApiError({ method, path, status: 0, text: String(e?.message ?? e) });
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  // No key, or the session ended (expired, signed out elsewhere, the key rotated): sign in again.
  if (response.status === 401) goToSignIn();
  if (!response.ok) throw new ApiError({ method, path, status: response.status, problem: data && typeof data === 'object' ? data : null, text });
  return data;
}

const enc = encodeURIComponent;

export const api = {
  sendEvent: (event, options) => request('POST', '/api/v1/events', event, options),
  /** A new list (with its recommendationId); `exploration` (0–1) gives that share of a personal list to new items. */
  recommendations: (userId, k, options, filter, exploration) => request('GET',
    `/api/v1/users/${enc(userId)}/recommendations?k=${k}&explain=true${filter ? `&filter=${enc(filter)}` : ''}${exploration > 0 ? `&exploration=${exploration}` : ''}`, undefined, options),
  /** The next k items of an earlier list, under that list's own query (filter included); [] once exhausted; 404 once the id expired. */
  next: (userId, recommendationId, k, options) => request('GET',
    `/api/v1/users/${enc(userId)}/recommendations/next?recommendationId=${enc(recommendationId)}&k=${k}`, undefined, options),
  /** The profile, or null for a user the server has never seen (404). */
  profile: async (userId, options) => {
    try {
      return await request('GET', `/api/v1/users/${enc(userId)}`, undefined, options);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  },
  item: (itemId, options) => request('GET', `/api/v1/items/${enc(itemId)}`, undefined, options),
  categories: (options) => request('GET', '/api/v1/categories', undefined, options),
  items: (category, limit, options) => request('GET', `/api/v1/items?category=${enc(category)}&limit=${limit}`, undefined, options),
  model: (options) => request('GET', '/api/v1/model', undefined, options),
  /** Every experiment, newest first. */
  experiments: (options) => request('GET', '/api/v1/experiments', undefined, options),
  /** { id, name, variants: [{ name, share, serving }], holdout, metric, alpha, start }: 201 with the experiment; 409 while another runs. */
  createExperiment: (body) => request('POST', '/api/v1/experiments', body),
  startExperiment: (id) => request('POST', `/api/v1/experiments/${enc(id)}/start`),
  stopExperiment: (id) => request('POST', `/api/v1/experiments/${enc(id)}/stop`),
  /** Stops the experiment and makes the variant's serving configuration everyone's default. */
  declareWinner: (id, variant) => request('POST', `/api/v1/experiments/${enc(id)}/winner`, { variant }),
  deleteExperiment: (id) => request('DELETE', `/api/v1/experiments/${enc(id)}`),
  /** One read of the results (the Experiments tab takes them from the hub; this only while it is down). */
  experimentResults: (id, options) => request('GET', `/api/v1/experiments/${enc(id)}/results`, undefined, options),
  /** Who is calling: { authenticated, keysRequired, name, scopes, via, csrfToken, expiresAt }. */
  session: (options) => request('GET', SESSION_PATH, undefined, options),
  signOut: () => request('DELETE', SESSION_PATH),
};
