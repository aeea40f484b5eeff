// Rendering of the top-k: cards with categories, a score bar, the reason, rank moves and actions.
import { h } from './dom.js';
import { icon } from './icons.js';

/** Every action a card offers; `rating` is rendered as five star buttons. */
export const ACTIONS = [
  { type: 'view', label: 'View' },
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

/** Renders the list into `list`; keeps keyboard focus on the same button when its item is still listed. */
export function renderRanking(list, items, diff, { onAction, highlight }) {
  const focused = document.activeElement?.closest?.('[data-item-id]') && document.activeElement.dataset.action
    ? { itemId: document.activeElement.closest('[data-item-id]').dataset.itemId, action: document.activeElement.dataset.action }
    : null;

  const added = new Set(highlight ? diff.added : []);
  const moves = new Map(highlight ? diff.moved.map(m => [m.itemId, m]) : []);
  const maxScore = Math.max(1e-9, ...items.map(i => Math.abs(i.score ?? 0)));

  list.replaceChildren(...items.map((item, index) => {
    const rank = item.rank ?? index + 1;
    const move = moves.get(item.itemId);
    const isNew = added.has(item.itemId);
    const title = item.title || item.itemId;
    const width = Math.max(2, Math.round(100 * Math.abs(item.score ?? 0) / maxScore));

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
      class: `card${isNew ? ' is-new' : ''}${move ? (move.from > move.to ? ' moved-up' : ' moved-down') : ''}`,
      dataset: { itemId: item.itemId, rank: String(rank) },
    },
      h('div', { class: 'rank' }, h('span', { class: 'rank-number', 'aria-label': `rank ${rank}` }, String(rank)), moveBadge),
      h('div', { class: 'card-body' },
        h('div', { class: 'title-row' },
          h('h3', { class: 'item-title' }, title),
          isNew ? h('span', { class: 'badge-new' }, 'new') : null,
          h('span', { class: 'chips' }, (item.categories ?? []).map(c => h('span', { class: 'chip' }, c))),
          h('span', { class: 'item-id' }, item.itemId)),
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
          h('div', { class: 'stars', role: 'group', 'aria-label': `Rate ${title}` },
            [1, 2, 3, 4, 5].map(n => h('button', {
              type: 'button',
              class: 'star',
              dataset: { action: `rating-${n}`, value: String(n) },
              'aria-label': `Rate ${title} ${n} star${n > 1 ? 's' : ''}`,
              title: `${n} star${n > 1 ? 's' : ''}`,
              onClick: () => onAction(item, 'rating', n),
            }, '★'))))));
  }));

  if (focused) {
    const card = [...list.children].find(li => li.dataset.itemId === focused.itemId);
    card?.querySelector(`[data-action="${focused.action}"]`)?.focus({ preventScroll: true });
  }
}

/** The items that left the list, with the titles they had. */
export function renderRemoved(container, list, removedItems) {
  container.hidden = removedItems.length === 0;
  list.replaceChildren(...removedItems.map(({ item, why }) => h('li', {},
    h('span', { class: 'removed-title' }, item.title || item.itemId),
    h('span', { class: 'removed-why' }, why ? ` — ${why}` : ` — was #${item.rank}`))));
}
