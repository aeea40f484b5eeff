// The simulator page: one user at a time, their live top-k, the interactions sent, their profile.
// The real path is the push: POST /api/v1/events, then the hub's `rankingChanged` brings the new
// ranking. Only while the hub connection is down does the page re-fetch the ranking over REST.
import { h, $, randomId, shortId, ID_PATTERN, formatTime, formatMs } from './dom.js';
import { client, listQuery, ApiError, useSession, SIGN_IN_PAGE } from './session.js';
import { LiveRankings, hubErrorMessage } from '../lib/recommender-client/index.js';
import { renderRanking, appendMore, renderRemoved, diffRankings, renderSinceStart, armHover } from './ranking.js';
import { initBots } from './bots.js';
import { initModel } from './model.js';
import { initExperiments } from './experiments.js';
import { icon } from './icons.js';

/** After this long without the push for an acknowledged event, the page fetches the ranking itself. */
const PUSH_TIMEOUT_MS = 4000;
/**
 * The learning state stays on screen this long after each event even when the push comes sooner
 * (it often takes a few ms): a strip that flashes for 0.05 s is one nobody sees. The latency shown
 * afterwards is still the measured one.
 */
const LEARNING_HOLD_MS = 900;
const HISTORY_LIMIT = 100;
const EVENT_TYPES = ['view', 'click', 'like', 'dislike', 'share', 'purchase', 'rating'];
const VERBS = { view: 'Viewed', click: 'Clicked', like: 'Liked', dislike: 'Disliked', share: 'Shared', purchase: 'Purchased', rating: 'Rated' };

const state = {
  userId: null,
  k: 10,
  items: [],            // the ranking on screen
  titles: new Map(),    // itemId → title, from every ranking seen
  pending: new Map(),   // eventId → { sentAt, entry, timer }, in sending order
  history: [],          // newest first
  load: 0,              // guards against a slower, older load overwriting a newer one
  profileTimer: null,
  lastLatency: null,
  hasEvents: true,      // false for a user made here until its first event: no profile to ask for (it would 404)
  learningUntil: 0,     // performance.now() until which the learning state is held on screen
  learningTimer: 0,
  first: null,          // the first ranking shown for this user: what "since you started" compares with
  filter: '',           // the filter expression applied to the list and the watch ('' none)
  rules: null,          // the server's name of the watched rules (Watch answers carry it; pushes of others are dropped)
  exploration: 0,       // "new items share": exploration= on the lists fetched over REST (the hub's Watch has no such parameter)
  // "More": the list on screen continued by GET …/recommendations/next. Every new list (a push, an
  // event's REST fallback, a user, Top-k, filter or share change) starts again: a new generation.
  list: 0,              // the generation of the list on screen; a "More" answer for an older one is dropped
  recommendationId: null, // the id the list on screen was served under (REST answers, the watch's answers and pushes carry one)
  more: [],             // the items appended below the list
  moreDone: false,      // the last next answer was empty
  moreBusy: false,
};

const ui = {
  form: $('#user-form'),
  userInput: $('#user-id'),
  k: $('#k'),
  exploration: $('#exploration'),
  filter: $('#filter'),
  applyFilter: $('#apply-filter'),
  clearFilter: $('#clear-filter'),
  filterError: $('#filter-error'),
  newUser: $('#new-user'),
  connection: $('#connection'),
  connectionText: $('#connection-text'),
  banner: $('#fallback-banner'),
  errors: $('#errors'),
  learning: $('#learning'),
  learningText: $('#learning-text'),
  latest: $('#latest'),
  latestEntry: $('#latest-entry'),
  latestLink: $('#latest-link'),
  ratingHelp: $('#rating-help'),
  since: $('#since'),
  sinceParts: { heading: $('#since-heading'), newList: $('#since-new'), leftList: $('#since-left') },
  rankingUser: $('#ranking-user'),
  rankingMeta: $('#ranking-meta'),
  ranking: $('#ranking'),
  rankingEmpty: $('#ranking-empty'),
  more: $('#more'),
  moreHeading: $('#more-heading'),
  moreList: $('#more-list'),
  moreButton: $('#more-button'),
  moreNote: $('#more-note'),
  removed: $('#removed'),
  removedList: $('#removed-list'),
  profile: $('#profile'),
  profileMeta: $('#profile-meta'),
  history: $('#history'),
  historyEmpty: $('#history-empty'),
};

// ---------------------------------------------------------------- errors

function showError(error, context) {
  let heading;
  let lines = [];
  if (error instanceof ApiError) ({ heading, lines } = error.describe());
  else heading = String(error?.message ?? error);
  if (context) heading = `${context}: ${heading}`;
  const box = h('div', { class: 'error' },
    h('div', { class: 'error-text' },
      h('strong', {}, heading),
      lines.length ? h('ul', {}, lines.map(line => h('li', {}, line))) : null),
    h('button', { type: 'button', class: 'btn small', 'aria-label': 'Dismiss error', onClick: () => box.remove() }, '✕'));
  ui.errors.prepend(box);
  while (ui.errors.children.length > 3) ui.errors.lastElementChild.remove();
}

// ---------------------------------------------------------------- connection

const live = new LiveRankings(globalThis.signalR, { url: '/hubs/recommendations' });
const CONNECTION_TEXT = {
  connecting: 'connecting…',
  connected: 'live · push',
  reconnecting: 'reconnecting… · REST fallback',
  disconnected: 'offline · REST fallback',
};

live.addEventListener('state', ({ detail }) => renderConnection(detail));
live.addEventListener('ranking', ({ detail }) => applyRanking(detail, { source: 'push' }));
live.addEventListener('rewatched', ({ detail }) => applyRanking(detail, { source: 'rewatch' }));
live.addEventListener('log', ({ detail }) => {
  // SignalR's own messages: kept out of the console's error channel (the page handles them).
  console.warn(`[hub] ${detail.message}`);
});

function renderConnection(connectionState) {
  ui.connection.className = `conn conn-${connectionState}`;
  ui.connectionText.textContent = CONNECTION_TEXT[connectionState] ?? connectionState;
  ui.banner.hidden = connectionState === 'connected' || connectionState === 'connecting';
}

// ---------------------------------------------------------------- learning indicator

function renderLearning() {
  const holdLeft = state.learningUntil - performance.now();
  clearTimeout(state.learningTimer);
  if (state.pending.size > 0 || holdLeft > 0) {
    ui.learning.dataset.state = 'learning';
    delete ui.learning.dataset.latencyMs;
    const n = state.pending.size;
    ui.learningText.textContent = n > 1 ? `Learning from your ${n} interactions…` : 'Learning from your interaction…';
    if (holdLeft > 0) state.learningTimer = setTimeout(renderLearning, holdLeft + 1);
    return;
  }
  if (state.lastLatency) {
    const { ms, via } = state.lastLatency;
    ui.learning.dataset.state = 'done';
    ui.learning.dataset.latencyMs = String(Math.round(ms));
    ui.learningText.replaceChildren('re-ranked in ', h('strong', { class: 'latency' }, formatMs(ms)),
      via === 'push' ? ' (push)' : via === 'rest' ? ' (REST fallback)' : ` (${via})`);
  } else {
    ui.learning.dataset.state = 'idle';
    ui.learningText.textContent = 'Send an interaction to see the model learn.';
  }
}

/** The event (and every event sent before it) is reflected in the ranking on screen. */
function resolvePending(eventId, via) {
  if (!state.pending.has(eventId)) return;
  const now = performance.now();
  for (const [id, pending] of state.pending) {
    clearTimeout(pending.timer);
    state.pending.delete(id);
    pending.entry.latencyMs = now - pending.sentAt;
    pending.entry.via = via;
    if (id === eventId) {
      state.lastLatency = { ms: now - pending.sentAt, via };
      break;
    }
  }
  renderLearning();
  renderHistory();
}

// ---------------------------------------------------------------- ranking

function applyRanking(message, { source, initial = false }) {
  if (!message || (message.userId && message.userId !== state.userId)) return;
  // A push ranked under other rules (the filter changed while it was in flight) is not this list.
  if (source === 'push' && (message.rules ?? null) !== state.rules) return;
  if (source !== 'push' && 'rules' in message) state.rules = message.rules ?? null;
  resetMore(message.recommendationId ?? null);
  const items = (message.items ?? []).slice(0, state.k);
  for (const item of items) if (item.title) state.titles.set(item.itemId, item.title);
  const before = state.items;
  const diff = diffRankings(before, items);
  const highlight = !initial && before.length > 0;
  const cause = message.cause;

  renderRanking(ui.ranking, items, diff, { onAction: sendEvent, highlight });
  if (highlight) {
    const byId = new Map(before.map(item => [item.itemId, item]));
    renderRemoved(ui.removed, ui.removedList, diff.removed.map(itemId => ({
      item: byId.get(itemId),
      why: cause?.itemId === itemId ? causeText(cause) : null,
    })));
  } else if (initial) {
    renderRemoved(ui.removed, ui.removedList, []);
  }
  state.items = items;
  if (initial && !state.first && items.length > 0) {
    state.first = items.map((item, index) => ({ itemId: item.itemId, title: item.title, rank: item.rank ?? index + 1, score: item.score }));
  }
  renderSinceStart(ui.since, ui.sinceParts, state.first, items.map((item, index) => ({ ...item, rank: item.rank ?? index + 1 })));
  ui.rankingEmpty.hidden = items.length > 0;
  ui.rankingEmpty.textContent = state.filter ? 'No item passes the filter.' : 'No recommendations for this user yet.';
  const parts = [];
  if (message.strategy) parts.push(message.strategy);
  if (message.modelVersion !== undefined && message.modelVersion !== null) parts.push(`model v${message.modelVersion}`);
  if (message.computedAt) parts.push(formatTime(message.computedAt));
  parts.push(source === 'push' ? 'pushed' : source === 'rewatch' ? 'live' : 'REST');
  ui.rankingMeta.textContent = parts.join(' · ');
  renderMore();

  if (source === 'push' && cause) state.hasEvents = true;
  if (source === 'push' && cause?.eventId) resolvePending(cause.eventId, 'push');
  if (source === 'push' || (source === 'rewatch' && !initial)) scheduleProfile();
}

/** Why an item left: what the person did, a rating with its stars (a 1★ rating is not a like). */
function causeText(cause) {
  if (cause.type === 'rating') return cause.value ? `you rated it ${cause.value}★` : 'you rated it';
  return `you ${VERBS[cause.type]?.toLowerCase() ?? cause.type} it`;
}

async function fetchRankingByRest(eventId, via) {
  if (eventId && !state.pending.has(eventId)) return;
  const userId = state.userId;
  try {
    const ranking = await client.recommendations(userId, listQuery(state.k, state.filter, state.exploration));
    if (userId !== state.userId) return;
    applyRanking({ ...ranking, userId }, { source: 'rest' });
    if (eventId) resolvePending(eventId, via);
  } catch (e) {
    showError(e, 'Could not fetch the ranking');
  }
}

// ---------------------------------------------------------------- more

/** A new list on screen (or one loading): no appended items, the id it was served under (null: none yet). */
function resetMore(recommendationId) {
  state.list++;
  state.recommendationId = recommendationId;
  state.more = [];
  state.moreDone = false;
  state.moreBusy = false;
  ui.moreList.replaceChildren();
  renderMore();
}

function renderMore() {
  ui.more.hidden = !state.userId || state.items.length === 0;
  ui.moreHeading.hidden = state.more.length === 0;
  ui.moreButton.disabled = state.moreDone || state.moreBusy;
  ui.moreNote.textContent = state.moreDone ? 'no more items' : state.moreBusy ? 'loading…' : '';
  ui.more.dataset.appended = String(state.more.length);
  ui.more.dataset.recommendationId = state.recommendationId ?? '';
}

/**
 * Appends the next Top-k items of the list on screen: GET …/recommendations/next with the list's id
 * (the server keeps the list's query with it, its filter included, and never serves an item twice
 * under one id). A pushed list carries no id: the page first asks for the list as served now, as
 * long as what is on screen, and continues that one; an expired id (404) is replaced the same way
 * once. An empty answer ends the list: the button is disabled with a note.
 */
async function loadMore() {
  const userId = state.userId;
  if (!userId || state.moreDone || state.moreBusy) return;
  const list = state.list;
  const current = () => list === state.list && userId === state.userId;
  state.moreBusy = true;
  renderMore();
  try {
    let page = null;
    for (let attempt = 0; page === null; attempt++) {
      if (!state.recommendationId) {
        const shown = Math.min(100, Math.max(1, state.items.length + state.more.length));
        const served = await client.recommendations(userId, listQuery(shown, state.filter, state.exploration));
        if (!current()) return;
        state.recommendationId = served.recommendationId ?? null;
        if (!state.recommendationId) throw new Error('The recommendations answer carried no recommendationId.');
      }
      try {
        page = (await client.next(userId, { recommendationId: state.recommendationId, k: state.k })) ?? { items: [] };
      } catch (e) {
        if (!current()) return;
        if (attempt > 0 || !(e instanceof ApiError) || e.status !== 404) throw e;
        state.recommendationId = null; // expired or forgotten by the server: continue from a list served now
      }
    }
    if (!current()) return;
    const items = page.items ?? [];
    if (items.length === 0) {
      state.moreDone = true;
      return;
    }
    const seen = new Set([...state.items, ...state.more].map(item => item.itemId));
    const fresh = items.filter(item => !seen.has(item.itemId));
    for (const item of fresh) if (item.title) state.titles.set(item.itemId, item.title);
    state.more.push(...fresh);
    appendMore(ui.moreList, fresh, { onAction: sendEvent, maxScore: Math.max(0, ...state.items.map(item => Math.abs(item.score ?? 0))) });
  } catch (e) {
    if (current()) showError(e, 'Could not load more items');
  } finally {
    if (current()) {
      state.moreBusy = false;
      renderMore();
    }
  }
}

ui.moreButton.addEventListener('click', () => loadMore());

// ---------------------------------------------------------------- events

async function sendEvent(item, type, value) {
  if (!state.userId) return;
  const userId = state.userId;
  const eventId = randomId();
  const entry = { eventId, type, value, itemId: item.itemId, title: item.title || item.itemId, at: new Date(), status: 'sending' };
  state.history.unshift(entry);
  state.history.length = Math.min(state.history.length, HISTORY_LIMIT);
  const pending = { sentAt: performance.now(), entry, timer: null };
  state.pending.set(eventId, pending);
  state.learningUntil = pending.sentAt + LEARNING_HOLD_MS;
  renderHistory();
  renderLearning();

  const event = { userId, itemId: item.itemId, type, eventId };
  if (type === 'rating') event.value = value;
  // The list on screen is the one acted on: its id lets the server credit the event to it exactly.
  if (state.recommendationId && [...state.items, ...state.more].some(i => i.itemId === item.itemId)) event.recommendationId = state.recommendationId;
  try {
    const ack = await client.sendEvent(event);
    entry.status = ack?.duplicates ? 'duplicate' : 'stored';
    if (userId === state.userId) state.hasEvents = true;
    entry.ackMs = performance.now() - pending.sentAt;
    renderHistory();
    scheduleProfile();
    if (!state.pending.has(eventId) || userId !== state.userId) return; // the push came first
    if (live.isLive) pending.timer = setTimeout(() => fetchRankingByRest(eventId, 'no push, REST'), PUSH_TIMEOUT_MS);
    else await fetchRankingByRest(eventId, 'rest');
  } catch (e) {
    entry.status = 'failed';
    entry.error = e instanceof ApiError ? e.describe().heading : String(e?.message ?? e);
    state.pending.delete(eventId);
    if (state.pending.size === 0) state.learningUntil = 0; // nothing is being learnt: say so now
    renderHistory();
    renderLearning();
    showError(e, `${VERBS[type]} ${entry.title} failed`);
  }
}

// ---------------------------------------------------------------- history

function renderHistory() {
  ui.historyEmpty.hidden = state.history.length > 0;
  ui.history.replaceChildren(...state.history.map(entry => historyEntry(entry, 'li')));
  // The newest entry is repeated in the sticky strip over the list, where the person is acting.
  const newest = state.history[0];
  ui.latest.hidden = !newest;
  ui.latestEntry.replaceChildren(...(newest ? [historyEntry(newest, 'span')] : []));
  ui.latestLink.textContent = `History (${state.history.length} shown)`;
}

function historyStatus(entry) {
  if (entry.status === 'sending') return h('span', { class: 'st st-pending' }, 'sending…');
  if (entry.status === 'failed') return h('span', { class: 'st st-failed', title: entry.error }, 'failed');
  if (entry.status === 'server') return h('span', { class: 'st' }, 'earlier');
  if (entry.latencyMs !== undefined) return h('span', { class: 'st st-ok', title: `acknowledged in ${formatMs(entry.ackMs ?? 0)}` }, `✓ ${formatMs(entry.latencyMs)}${entry.via === 'push' ? '' : ` · ${entry.via}`}`);
  return h('span', { class: 'st st-pending' }, entry.status === 'duplicate' ? 'duplicate' : 'learning…');
}

/** One interaction: "Rated <title> ★★☆☆☆" and its status; the title as last known (entries from the server start with the id). */
function historyEntry(entry, tag) {
  const title = state.titles.get(entry.itemId) ?? entry.title ?? entry.itemId;
  return h(tag, { class: `hist hist-${entry.type}`, dataset: { type: entry.type, itemId: entry.itemId } },
    h('span', { class: `hist-icon ic-${entry.type}`, 'aria-hidden': 'true' }, icon(entry.type)),
    h('span', { class: 'hist-text' },
      h('span', { class: 'hist-verb' }, VERBS[entry.type] ?? entry.type), ' ',
      h('span', { class: 'hist-title' }, title),
      entry.type === 'rating' && entry.value ? h('span', { class: 'hist-stars', 'aria-label': `${entry.value} stars` }, ` ${'★'.repeat(entry.value)}${'☆'.repeat(5 - entry.value)}`) : null),
    h('span', { class: 'hist-meta' }, h('time', { datetime: new Date(entry.at).toISOString() }, formatTime(entry.at)), historyStatus(entry)));
}

/**
 * Titles for items the page has not seen in a ranking (a known user's earlier interactions come
 * from the server as ids): GET /api/v1/items/{id}, a few at a time, since the rate limit is shared
 * with the rest of the page and the bots. An unknown item keeps its id.
 */
async function resolveTitles(itemIds) {
  const missing = [...new Set(itemIds)].filter(id => !state.titles.has(id));
  for (let i = 0; i < missing.length; i += 4) {
    await Promise.all(missing.slice(i, i + 4).map(async (itemId) => {
      try {
        const item = await client.item(itemId);
        if (item?.title) state.titles.set(itemId, item.title);
      } catch { /* the id stays */ }
    }));
  }
}

// ---------------------------------------------------------------- profile

function scheduleProfile() {
  clearTimeout(state.profileTimer);
  state.profileTimer = setTimeout(() => refreshProfile(), 300);
}

async function refreshProfile({ seedHistory = false } = {}) {
  const userId = state.userId;
  if (!userId || !state.hasEvents) return;
  let profile;
  try {
    profile = await client.profile(userId);
  } catch (e) {
    showError(e, 'Could not load the profile');
    return;
  }
  if (userId !== state.userId) return;
  renderProfile(profile);
  if (seedHistory && profile?.recent?.length && state.history.length === 0) {
    state.history = [...profile.recent]
      .sort((a, b) => new Date(b.timestamp) - new Date(a.timestamp))
      .map(e => ({ eventId: e.eventId, type: e.type, value: e.value, itemId: e.itemId, title: null, at: e.timestamp, status: 'server' }));
    renderHistory();
    await resolveTitles(state.history.map(e => e.itemId));
    if (userId === state.userId) renderHistory();
  }
}

function renderProfile(profile) {
  if (!profile) {
    ui.profileMeta.textContent = 'new user';
    ui.profile.replaceChildren(h('p', { class: 'empty' }, 'No events yet: this user gets the popular items until they interact.'));
    return;
  }
  ui.profileMeta.textContent = `${profile.totalEvents} event${profile.totalEvents === 1 ? '' : 's'}`;
  const counts = profile.counts ?? {};
  const top = (profile.topCategories ?? []).slice(0, 6);
  const maxWeight = Math.max(1e-9, ...top.map(c => c.weight));
  ui.profile.replaceChildren(
    h('dl', { class: 'counts' }, EVENT_TYPES.map(type => h('div', { class: `count${counts[type] ? '' : ' zero'}`, dataset: { type } },
      h('dt', {}, type), h('dd', {}, String(counts[type] ?? 0))))),
    h('h3', { class: 'sub' }, 'Top categories'),
    top.length
      ? h('ul', { class: 'cats' }, top.map(c => h('li', {},
          h('span', { class: 'cat-name' }, c.category),
          h('span', { class: 'cat-bar', role: 'presentation' }, h('span', { style: { width: `${Math.max(3, Math.round(100 * c.weight / maxWeight))}%` } })),
          h('span', { class: 'cat-weight' }, Number(c.weight).toFixed(1)))))
      : h('p', { class: 'empty' }, 'None yet (dislikes and items without categories do not count).'),
    h('p', { class: 'seen' },
      `First seen ${formatTime(profile.firstSeen)} · last seen ${formatTime(profile.lastSeen)}`,
      profile.modelVersion !== undefined ? ` · fitted to model v${profile.modelVersion}` : ''));
}

// ---------------------------------------------------------------- ratings

/**
 * What a rating does, in the current model's terms: every rating is positive evidence counted
 * (r/5)^e, with the exponent e the last training chose (GET /api/v1/model, choice.evidence
 * "rating^0.5, …"). Negative ratings are off (measured worse), so 1–2★ is a weak yes, not a no.
 */
function renderRatingHelp(model) {
  const match = /rating\^([\d.]+)/.exec(model?.choice?.evidence ?? '');
  const exponent = match ? Number(match[1]) : null;
  const base = 'A rating is positive evidence weighted by its stars';
  const end = 'To say no, use Dislike.';
  if (exponent === null || !Number.isFinite(exponent)) {
    delete ui.ratingHelp.dataset.ratingExponent;
    ui.ratingHelp.textContent = `${base}: more stars count more. ${end}`;
    return;
  }
  ui.ratingHelp.dataset.ratingExponent = String(exponent);
  ui.ratingHelp.textContent = exponent === 0
    ? `A rating is positive evidence: with the current model every rating counts the same, 1★ as much as 5★. ${end}`
    : `${base}: with the current model 1★ counts ${Math.round(100 * 0.2 ** exponent)} % of 5★. ${end}`;
}

// ---------------------------------------------------------------- users

/**
 * Shows a user: watches them over the hub (REST without it) and fetches their profile. With
 * `keepSession` (a Top-k change) the session stays: its interactions with their measured latency,
 * the events still learning and the first list.
 */
async function loadUser(userId, { isNew = false, keepSession = false } = {}) {
  if (!ID_PATTERN.test(userId)) {
    showError(new Error('A user id has 1–128 characters from A–Z a–z 0–9 _ - . : @'));
    return;
  }
  const load = ++state.load;
  if (!keepSession) {
    for (const pending of state.pending.values()) clearTimeout(pending.timer);
    state.pending.clear();
    state.history = [];
    state.lastLatency = null;
    state.learningUntil = 0;
    state.first = null;
    // Loading the same user again (the form's button) keeps what the page knows: a user made here
    // without events yet still has no profile to ask for (it would be a 404 in the console).
    state.hasEvents = isNew ? false : userId === state.userId ? state.hasEvents : true;
  }
  state.userId = userId;
  state.items = [];
  resetMore(null);
  ui.userInput.value = userId;
  ui.rankingUser.textContent = userId;
  ui.rankingMeta.textContent = 'loading…';
  renderHistory();
  renderLearning();
  renderRemoved(ui.removed, ui.removedList, []);
  if (!keepSession) renderSinceStart(ui.since, ui.sinceParts, null, []);
  try { localStorage.setItem('reco.userId', userId); } catch { /* private mode */ }
  const url = new URL(location.href);
  url.searchParams.set('user', userId);
  history.replaceState(null, '', url);

  let ranking = null;
  let viaRest = false; // the watch's answers carry a recommendationId too: it does not tell the two apart
  try {
    ranking = await live.watch(userId, state.k, state.filter);
  } catch (e) {
    showError(e, 'Watch over the hub failed; using REST');
  }
  if (load !== state.load) return;
  if (!ranking || state.exploration > 0) {
    try {
      ranking = await restList(userId, state.filter, ranking);
      viaRest = true;
    } catch (e) {
      showError(e, 'Could not load the recommendations');
      if (!ranking) {
        ui.rankingMeta.textContent = '';
        return;
      }
    }
  }
  if (load !== state.load) return;
  applyRanking(ranking, { source: viaRest || !live.isLive ? 'rest' : 'rewatch', initial: true });
  if (isNew) renderProfile(null);
  else await refreshProfile({ seedHistory: true });
}

/**
 * The list over REST (with its recommendationId and the "new items share"): when the hub is down,
 * or in place of the watch's answer while the share is above 0 (the hub's Watch has no exploration).
 * The watch's `rules` are kept, so the pushes of that watch still replace it.
 */
async function restList(userId, filter, watched) {
  const ranking = await client.recommendations(userId, listQuery(state.k, filter, state.exploration));
  return watched ? { ...ranking, userId, rules: watched.rules ?? null } : { ...ranking, userId };
}

function newUserId() {
  return `web-${shortId()}`;
}

ui.form.addEventListener('submit', (e) => {
  e.preventDefault();
  const userId = ui.userInput.value.trim();
  if (userId) loadUser(userId);
});
ui.newUser.addEventListener('click', () => loadUser(newUserId(), { isNew: true }));

// ---------------------------------------------------------------- filter

function renderFilterError(message) {
  ui.filterError.hidden = !message;
  ui.filterError.textContent = message ?? '';
  ui.filter.toggleAttribute('aria-invalid', Boolean(message));
}

/**
 * Applies the filter box to the list on screen and to the hub's watch (WatchFiltered): the server
 * checks the expression first, and a refusal ("filter: at 7: unknown operator '=='") shows under the
 * box while the list and its watch stay as they were.
 */
async function applyFilter(text) {
  text = text.trim();
  renderFilterError(null);
  const userId = state.userId;
  if (!userId) {
    state.filter = text;
    return;
  }
  const load = ++state.load;
  let ranking;
  let viaRest = false;
  try {
    ranking = live.isLive ? await live.watch(userId, state.k, text) : null;
    if (!ranking || state.exploration > 0) {
      ranking = await restList(userId, text, ranking);
      viaRest = true;
    }
  } catch (e) {
    if (load !== state.load) return;
    if (e instanceof ApiError && e.status !== 400) { showError(e, 'Could not apply the filter'); return; }
    renderFilterError(e instanceof ApiError ? e.describe().lines.join('; ') : hubErrorMessage(e));
    return;
  }
  if (load !== state.load || userId !== state.userId) return;
  state.filter = text;
  ui.filter.dataset.applied = text;
  ui.clearFilter.hidden = !text;
  state.items = [];
  applyRanking(ranking, { source: viaRest || !live.isLive ? 'rest' : 'rewatch', initial: true });
}

ui.applyFilter.addEventListener('click', () => applyFilter(ui.filter.value));
ui.clearFilter.addEventListener('click', () => { ui.filter.value = ''; applyFilter(''); });
ui.filter.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter') return;
  e.preventDefault(); // not the user form's submit
  applyFilter(ui.filter.value);
});
ui.filter.addEventListener('input', () => renderFilterError(null));
ui.k.addEventListener('change', () => {
  state.k = Number(ui.k.value) || 10;
  if (state.userId) loadUser(state.userId, { keepSession: true });
});
ui.exploration.addEventListener('change', () => {
  state.exploration = Number(ui.exploration.value) || 0;
  if (state.userId) loadUser(state.userId, { keepSession: true });
});
armHover(ui.ranking);
armHover(ui.moreList);

initBots({
  showError,
  watchUser: (userId) => {
    loadUser(userId);
    document.getElementById('ranking-heading').scrollIntoView({ behavior: 'smooth', block: 'start' });
  },
});

// ---------------------------------------------------------------- tabs

const experiments = initExperiments({ live, showError });
const tabs = [...document.querySelectorAll('.tabs [role="tab"]')];

/** Shows one view (Simulator or Experiments); the Experiments tab reads its list each time it opens. */
function selectTab(name) {
  for (const tab of tabs) {
    const on = tab.id === `tab-${name}`;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    document.getElementById(tab.getAttribute('aria-controls')).hidden = !on;
  }
  document.body.dataset.tab = name;
  if (name === 'experiments') experiments.show();
}

for (const tab of tabs) {
  tab.addEventListener('click', () => {
    const name = tab.id.slice('tab-'.length);
    selectTab(name);
    history.replaceState(null, '', name === 'experiments' ? '#experiments' : location.pathname + location.search);
  });
}
// Arrow keys move between the tabs (the tablist pattern: one tab stop).
document.querySelector('.tabs').addEventListener('keydown', (e) => {
  const index = tabs.indexOf(document.activeElement);
  if (index < 0) return;
  const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[e.key];
  if (next === undefined) return;
  e.preventDefault();
  const tab = tabs[(next + tabs.length) % tabs.length];
  tab.click();
  tab.focus();
});

// ---------------------------------------------------------------- start

/** Who is calling; in the top bar when signed in by cookie, with a way out. False when the page is leaving for the sign-in page. */
async function initSession() {
  let session;
  try {
    session = await client.session();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return false; // the client is taking the browser to the sign-in page (onUnauthorized)
    showError(e, 'Could not read the session');
    return true;
  }
  useSession(session);
  if (session?.via !== 'session') return true;
  $('#session-name').textContent = session.name;
  $('#session-name').title = `scopes: ${session.scopes.join(', ')}`;
  $('#session').hidden = false;
  $('#sign-out').addEventListener('click', async () => {
    try {
      await client.signOut();
    } catch (e) {
      showError(e, 'Could not sign out');
      return;
    }
    location.assign(SIGN_IN_PAGE);
  });
  return true;
}

(async () => {
  state.k = Number(ui.k.value) || 10;
  state.exploration = Number(ui.exploration.value) || 0;
  renderConnection(live.state);
  // Before anything else: without a key or a session every call would be a 401.
  if (!(await initSession())) return;
  initModel({ showError, onModel: renderRatingHelp });
  await live.start();
  if (location.hash === '#experiments') selectTab('experiments');
  const fromUrl = new URL(location.href).searchParams.get('user');
  let remembered = null;
  try { remembered = localStorage.getItem('reco.userId'); } catch { /* private mode */ }
  const initial = [fromUrl, remembered].find(id => id && ID_PATTERN.test(id));
  if (initial) await loadUser(initial);
  else await loadUser(newUserId(), { isNew: true });
  document.body.dataset.ready = 'true';
})();
