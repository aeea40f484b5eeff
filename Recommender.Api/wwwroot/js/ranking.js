// Rendering of the top-k: cards with categories, a score bar, the reason, rank moves and actions.
import { h } from './dom.js';
import { icon } from './icons.js';

/** Every action a card offers; `rating` is rendered as five star buttons. */
export const ACTIONS = [
  { type: 'view', label: 'View' },
  { type: 'click', label: 'Click' },
  { type: 'like', label: 'Like' },
  { type: 'dislike', label: 'Dislike' },
  { type: 'purchase', label: 'Purchase' },
  { type: 'share', label: 'Share' },
];

/**
 * The change from `before` to `after` (arrays of items with itemId and rank): what the server's
 * diff says, computed here when the message had none or was cut to a smaller k.
 */
export function diffRankings(before, after) {
  const previous = new Map(before.map((item, index) => [item.itemId, item.rank ?? index + 1]));
  const current = new Set(after.map(item => item.itemId));
  const added = [];
  const moved = [];
  after.forEach((item, index) => {
    const to = item.rank ?? index + 1;
    if (!previous.has(item.itemId)) added.push(item.itemId);
    else if (previous.get(item.itemId) !== to) moved.push({ itemId: item.itemId, from: previous.get(item.itemId), to });
  });
  const removed = before.filter(item => !current.has(item.itemId)).map(item => item.itemId);
  return { added, removed, moved };
}

/** How many properties a card shows; the rest are in the chips' tooltip. */
const SHOWN_PROPERTIES = 4;

/** The item's properties as an object: canonical JSON text (RankedItem.properties) or an object; {} when absent or unreadable. */
export function itemProperties(item) {
  const raw = item?.properties;
  if (!raw) return {};
  if (typeof raw === 'object') return raw;
  try {
    const parsed = JSON.parse(raw);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function propertyText(value) {
  if (Array.isArray(value)) return `[${value.join(',')}]`;
  if (typeof value === 'string') return ISO_INSTANT.exec(value)?.[1] ?? value;
  return String(value);
}

/** A few key=value chips of the item's properties (null when it has none). */
function propertyChips(item) {
  const entries = Object.entries(itemProperties(item));
  if (entries.length === 0) return null;
  const all = entries.map(([name, value]) => `${name}=${propertyText(value)}`);
  return h('div', { class: 'props', title: all.join('\n'), 'aria-label': `properties: ${all.join(', ')}` },
    all.slice(0, SHOWN_PROPERTIES).map(text => h('span', { class: 'prop' }, text)),
    all.length > SHOWN_PROPERTIES ? h('span', { class: 'prop-more' }, `+${all.length - SHOWN_PROPERTIES}`) : null);
}

/** Renders the list into `list`; keeps keyboard focus on the same button when its item is still listed. */
export function renderRanking(list, items, diff, { onAction, highlight }) {
  const focused = document.activeElement?.closest?.('[data-item-id]') && document.activeElement.dataset.action
    ? { itemId: document.activeElement.closest('[data-item-id]').dataset.itemId, action: document.activeElement.dataset.action }
    : null;

  const added = new Set(highlight ? diff.added : []);
  const moves = new Map(highlight ? diff.moved.map(m => [m.itemId, m]) : []);
  const maxScore = Math.max(1e-9, ...items.map(i => Math.abs(i.score ?? 0)));

  list.replaceChildren(...items.map((item, index) => card(item, index + 1, { added, moves, maxScore, onAction })));

  // The new cards sit under a pointer that has not moved: no hover styling (five lit stars that
  // look like a rating) until the pointer really moves (see armHover).
  list.classList.remove('pointer-moved');

  if (focused) {
    const li = [...list.children].find(child => child.dataset.itemId === focused.itemId);
    li?.querySelector(`[data-action="${focused.action}"]`)?.focus({ preventScroll: true });
  }
}

/**
 * Appends the items of a "More" page (GET …/recommendations/next) to `list`, under the list on
 * screen: the server's ranks continue (11, 12, … after a first page of 10); the score bars keep the
 * scale of the list above (`maxScore`), so a lower page reads as lower.
 */
export function appendMore(list, items, { onAction, maxScore }) {
  const scale = Math.max(1e-9, maxScore ?? 0, ...items.map(i => Math.abs(i.score ?? 0)));
  list.append(...items.map((item, index) => card(item, list.children.length + index + 1, {
    added: new Set(), moves: new Map(), maxScore: scale, onAction, more: true,
  })));
}

/** One card: rank (and its move), title, badges, categories, properties, score, reason, actions. */
function card(item, position, { added, moves, maxScore, onAction, more = false }) {
  const rank = item.rank ?? position;
  const move = moves.get(item.itemId);
  const entered = added.has(item.itemId);
  const title = item.title || item.itemId;
  const width = Math.max(2, Math.round(100 * Math.abs(item.score ?? 0) / maxScore));
  const promotion = typeof item.promotion === 'string' && item.promotion ? item.promotion : null;

  let moveBadge = null;
  if (move) {
    const up = move.from > move.to;
    const n = Math.abs(move.from - move.to);
    moveBadge = h('span', {
      class: `move ${up ? 'up' : 'down'}`,
      title: `was #${move.from}`,
      'aria-label': `${up ? 'up' : 'down'} ${n} from #${move.from}`,
    }, `${up ? '▲' : '▼'} ${n}`);
  }

  return h('li', {
    class: `card${more ? ' more-card' : ''}${entered ? ' is-new' : ''}${move ? (move.from > move.to ? ' moved-up' : ' moved-down') : ''}`,
    dataset: { itemId: item.itemId, rank: String(rank), ...(promotion ? { promotion } : {}), ...(item.isNew === true ? { catalogueNew: 'true' } : {}) },
  },
    h('div', { class: 'rank' }, h('span', { class: 'rank-number', 'aria-label': `rank ${rank}` }, String(rank)), moveBadge),
    h('div', { class: 'card-body' },
      h('div', { class: 'title-row' },
        h('h3', { class: 'item-title' }, title),
        entered ? h('span', { class: 'badge-new', title: 'entered the list at the last change' }, 'just in') : null,
        promotion ? h('span', { class: 'badge-promoted', title: `promoted: ${promotion}`, 'aria-label': `promoted by ${promotion}` }, 'promoted') : null,
        item.isNew === true ? h('span', { class: 'badge-item-new', title: 'new in the catalogue: not in the last training yet' }, 'new') : null,
        h('span', { class: 'chips' }, (item.categories ?? []).map(c => h('span', { class: 'chip' }, c))),
        h('span', { class: 'item-id' }, item.itemId)),
      propertyChips(item),
      h('div', { class: 'info-row' },
        h('div', { class: 'score', title: `score ${item.score}` },
          h('div', { class: 'bar', role: 'presentation' }, h('span', { style: { width: `${width}%` } })),
          h('span', { class: 'score-value' }, (item.score ?? 0).toFixed(3))),
        item.reason ? h('p', { class: 'reason' }, item.reason) : null),
      h('div', { class: 'actions' },
        ACTIONS.map(a => h('button', {
          type: 'button',
          class: `act act-${a.type}`,
          dataset: { action: a.type },
          'aria-label': `${a.label} ${title}`,
          onClick: () => onAction(item, a.type),
        }, icon(a.type), h('span', { class: 'label' }, a.label))),
        h('div', { class: 'stars', role: 'group', 'aria-label': `Rate ${title}`, 'aria-describedby': 'rating-help' },
          [1, 2, 3, 4, 5].map(n => h('button', {
            type: 'button',
            class: 'star',
            dataset: { action: `rating-${n}`, value: String(n) },
            'aria-label': `Rate ${title} ${n} star${n > 1 ? 's' : ''}`,
            title: `${n} star${n > 1 ? 's' : ''}`,
            onClick: () => onAction(item, 'rating', n),
          }, '★'))))));
}

/** The items that left the list, with the titles they had. */
export function renderRemoved(container, list, removedItems) {
  container.hidden = removedItems.length === 0;
  list.replaceChildren(...removedItems.map(({ item, why }) => h('li', {},
    h('span', { class: 'removed-title' }, item.title || item.itemId),
    h('span', { class: 'removed-why' }, why ? ` — ${why}` : ` — was #${item.rank}`))));
}

/**
 * Lights stars on hover only after a real mouse movement over the list: Chromium re-applies :hover
 * to whatever slides under a resting pointer, so after a rating the next card would show five lit
 * stars as if rated. Touch never arms it (a tap leaves :hover stuck on phones).
 */
export function armHover(list) {
  let last = null;
  list.addEventListener('pointermove', (e) => {
    if (e.pointerType !== 'mouse') return;
    const moved = last && (last.x !== e.clientX || last.y !== e.clientY);
    last = { x: e.clientX, y: e.clientY };
    if (moved) list.classList.add('pointer-moved');
  });
}

/**
 * The list on screen against the first list of the session, over the first n ranks of both
 * (n = the shorter of the two lists, so a Top-k change compares like with like).
 */
export function compareWithFirst(first, items) {
  const n = Math.min(first.length, items.length);
  const before = first.slice(0, n);
  const now = items.slice(0, n);
  const was = new Map(before.map((item, index) => [item.itemId, item.rank ?? index + 1]));
  const kept = new Set(now.map(item => item.itemId));
  return {
    n,
    added: now.filter(item => !was.has(item.itemId)),
    left: before.filter(item => !kept.has(item.itemId)),
  };
}

/** "Since you started": what is new in the top n since the first list, and what left it. */
export function renderSinceStart(section, { heading, newList, leftList }, first, items) {
  if (!first || first.length === 0 || items.length === 0) {
    section.hidden = true;
    return;
  }
  const { n, added, left } = compareWithFirst(first, items);
  section.hidden = false;
  section.dataset.compared = String(n);
  heading.textContent = added.length === 0 && left.length === 0
    ? `Since you started: the same top ${n} as your first list`
    : `Since you started: ${added.length} new in your top ${n} · ${left.length} left`;
  newList.replaceChildren(...added.map(item => h('li', { dataset: { itemId: item.itemId, rank: String(item.rank) } },
    h('span', { class: 'since-rank' }, `#${item.rank}`), ' ',
    h('span', { class: 'since-title' }, item.title || item.itemId), ' ',
    h('span', { class: 'since-score', title: 'score' }, (item.score ?? 0).toFixed(3)))));
  leftList.replaceChildren(...left.map(item => h('li', { dataset: { itemId: item.itemId, rank: String(item.rank) } },
    h('span', { class: 'since-title removed-title' }, item.title || item.itemId), ' ',
    h('span', { class: 'since-was' }, `was #${item.rank}`))));
  if (added.length === 0) newList.replaceChildren(h('li', { class: 'empty' }, 'none'));
  if (left.length === 0) leftList.replaceChildren(h('li', { class: 'empty' }, 'none'));
}
