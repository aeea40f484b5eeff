// The page's side of the API: one client of @recommender/client (the TypeScript client, built
// into lib/recommender-client/ from Recommender.Client.TypeScript) and the signed-in session.

import { RecommenderClient, ApiError } from '../lib/recommender-client/index.js';

export { ApiError };

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

/**
 * The page's client: same origin, the session cookie, its CSRF token on every change. No key, or
 * the session ended (expired, signed out elsewhere, the key rotated): sign in again.
 */
export const client = new RecommenderClient({ csrfToken: () => csrfToken, onUnauthorized: goToSignIn });

/** A new list's query: `exploration` (0–1) gives that share of a personal list to new items. */
export function listQuery(k, filter, exploration) {
  return { k, explain: true, filter: filter || undefined, exploration: exploration > 0 ? exploration : undefined };
}
