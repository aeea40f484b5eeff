// Taste bots: simulated users, each with a hidden taste of two categories, following the rules of
// the client library's TasteBot (reco simulate and the test that asserts this demonstration use the
// same ones). Each round a bot reads its top 10 and scores it (precision@10 = the share with one of
// its categories); every fifth interaction it browses its two categories in turn in the catalogue,
// otherwise it takes the first item of its taste listed, or finds one in the catalogue when none is;
// whatever it takes it likes or rates 4–5. A bot's taste is "used up" when fewer than 10 of its items
// are unseen: the chart dashes the line from there, since precision@10 then has to fall.
// Every event names the list the bot read before acting (its recommendationId), so the server
// attributes it to that list exactly; an item the bot found in the catalogue is then credited to no
// list (it was not in the one it read). The Experiments tab (experiments.js) runs the same bots.
import { h, $, shortId, sleep } from './dom.js';
import { client, listQuery, ApiError } from './session.js';
import { lineChart } from './charts.js';

export const MAX_BOTS = 10;
export const MAX_STEPS = 100;
const K = 10;
const BROWSE_EVERY = 5;
/** Rate limited (429): the bot waits this long and reads its list again, at most this many times in a row. */
const RATE_LIMIT_WAIT_MS = 1000;
const RATE_LIMIT_RETRIES = 5;
export const COLORS = ['#2f5bd3', '#d9480f', '#2b8a3e', '#ae3ec9', '#e8590c', '#0c8599', '#c2255c', '#5c940d', '#7048e8', '#868e96'];

const clamp = (value, min, max, fallback) => {
  const n = Math.round(Number(value));
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
};

const inTaste = (item, taste) => (item.categories ?? []).some(c => taste.includes(c));

export function precisionAt10(items, taste) {
  return items.slice(0, K).filter(item => inTaste(item, taste)).length / K;
}

function shuffle(values) {
  const a = [...values];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Two-category tastes, all different: disjoint pairs first, then unused pairs. */
export function distinctTastes(categories, count) {
  const shuffled = shuffle(categories);
  const tastes = [];
  for (let i = 0; i + 1 < shuffled.length && tastes.length < count; i += 2) tastes.push([shuffled[i], shuffled[i + 1]]);
  const key = t => [...t].sort().join('\u0000');
  const used = new Set(tastes.map(key));
  for (const a of shuffled) {
    for (const b of shuffled) {
      if (tastes.length >= count) break;
      if (a >= b || used.has(key([a, b]))) continue;
      used.add(key([a, b]));
      tastes.push([a, b]);
    }
  }
  while (tastes.length < count) tastes.push(tastes[tastes.length % Math.max(1, tastes.length)]);
  return tastes;
}

/**
 * `count` new bots named `${prefix}-1` …, each with a taste of two categories (all different while
 * the catalogue allows) and the catalogue items of its taste (to browse, and to find one when its
 * list has none). Throws an Error naming what could not be read.
 */
export async function makeBots(count, prefix, signal) {
  let categories;
  try {
    categories = await client.categories({ signal });
  } catch (e) {
    throw Object.assign(e, { context: 'Could not read the categories' });
  }
  if (!Array.isArray(categories) || categories.length < 2) {
    throw new Error('The catalogue needs at least two categories for taste bots (start with the demo catalogue, Recommender:SeedDemoCatalog=true).');
  }
  const tastes = distinctTastes(categories, count);
  const itemsByCategory = new Map();
  try {
    for (const category of new Set(tastes.flat())) itemsByCategory.set(category, (await client.items({ category, limit: 500 }, { signal })).items ?? []);
  } catch (e) {
    throw Object.assign(e, { context: 'Could not read the catalogue' });
  }
  return tastes.map((taste, i) => ({
    id: `${prefix}-${i + 1}`, taste, color: COLORS[i % COLORS.length],
    catalogue: [...new Map(taste.flatMap(c => itemsByCategory.get(c) ?? []).map(item => [item.itemId, item])).values()],
    sent: 0, fromList: 0, precision: null, points: [], done: false, usedUp: false, error: null,
    // From the last answer: the list's id, and the experiment and variant the server put the bot in.
    recommendationId: null, experiment: null, variant: null,
  }));
}

/**
 * One bot's run: read the top 10 (GET …/recommendations), act on it, until `steps` interactions are
 * sent, its taste is used up, `signal` aborts or `onRanking(answer)` returns false. A 429 waits a
 * second and reads again. Errors other than an abort end the run in `bot.error` and go to `onError`.
 */
export async function runTasteBot(bot, { steps, pause, signal, onRanking = () => true, onError = () => {} }) {
  const touched = new Set();
  const unseen = () => bot.catalogue.filter(item => !touched.has(item.itemId));
  const find = (category) => {
    const candidates = unseen().filter(item => category === null || (item.categories ?? []).includes(category));
    return candidates.length === 0 ? null : candidates[Math.floor(Math.random() * candidates.length)];
  };
  let limited = 0;
  try {
    while (!signal.aborted) {
      let ranking;
      try {
        ranking = await client.recommendations(bot.id, listQuery(K), { signal });
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 429 || ++limited > RATE_LIMIT_RETRIES) throw e;
        await sleep(RATE_LIMIT_WAIT_MS, signal);
        continue;
      }
      limited = 0;
      const items = ranking.items ?? [];
      bot.recommendationId = ranking.recommendationId ?? null;
      bot.experiment = ranking.experiment ?? null;
      bot.variant = ranking.variant ?? null;
      bot.precision = precisionAt10(items, bot.taste);
      bot.usedUp = unseen().length < K;
      bot.points.push({ x: bot.sent, y: bot.precision, usedUp: bot.usedUp });
      if (onRanking(ranking) === false) break;
      if (bot.sent >= steps) break;

      const next = bot.sent + 1;
      let item = null;
      if (next % BROWSE_EVERY === 0) {
        item = find(bot.taste[(next / BROWSE_EVERY - 1) % bot.taste.length]) ?? find(null);
      }
      const listed = item ? null : items.slice(0, K).find(i => inTaste(i, bot.taste) && !touched.has(i.itemId));
      item ??= listed ?? find(null);
      if (!item) { bot.usedUp = true; break; } // nothing of its taste is left unseen
      touched.add(item.itemId);
      const event = Math.random() < 0.5
        ? { itemId: item.itemId, type: 'like' }
        : { itemId: item.itemId, type: 'rating', value: Math.random() < 0.5 ? 4 : 5 };
      if (bot.recommendationId) event.recommendationId = bot.recommendationId;
      await client.sendEvent({ userId: bot.id, eventId: `${bot.id}-${next}`, ...event }, { signal });
      bot.sent = next;
      if (listed) bot.fromList++;
      if (pause > 0) await sleep(pause, signal);
    }
    bot.done = true;
  } catch (e) {
    if (e?.name === 'AbortError') return;
    bot.error = e;
    onError(e);
  }
}

export function initBots({ showError, watchUser }) {
  const form = $('#bots-form');
  const startButton = $('#bots-start');
  const stopButton = $('#bots-stop');
  const rows = $('#bots-rows');
  const canvas = $('#bots-chart');
  const summary = $('#bots-summary');
  let chart = null;
  let controller = null;
  let bots = [];

  function ensureChart() {
    if (chart) return chart;
    chart = lineChart(canvas, {
      tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${Math.round(ctx.parsed.y * 100)}% after ${ctx.parsed.x}${ctx.raw.usedUp ? ' (taste nearly used up)' : ''}` } },
      x: { title: { display: true, text: 'interactions sent' }, ticks: { precision: 0 } },
      yTitle: 'precision@10 vs hidden taste',
    });
    return chart;
  }

  function renderRows() {
    rows.replaceChildren(...bots.map(bot => h('tr', { dataset: { botId: bot.id } },
      // Swatch and name in one flex line: in a narrow table cell they must not wrap apart.
      h('td', { class: 'bot-name' }, h('span', { class: 'bot-label' },
        h('span', { class: 'swatch', style: { background: bot.color }, 'aria-hidden': 'true' }),
        h('button', { type: 'button', class: 'linkish', 'aria-label': `Watch ${bot.id} in the simulator`, title: 'Watch this bot live', onClick: () => watchUser(bot.id) }, bot.id))),
      h('td', {}, bot.taste.join(' + ')),
      h('td', { title: bot.usedUp ? 'fewer than 10 unseen items of its taste are left: precision@10 has to fall' : null },
        `${bot.sent}${bot.error ? ' ⚠' : bot.done ? ' ✓' : ''}${bot.usedUp ? ' (taste used up)' : ''}`),
      h('td', { class: 'num' }, bot.precision === null ? '—' : `${Math.round(bot.precision * 100)}%`))));
    const readings = bots.flatMap(b => b.points.filter(p => p.x >= 10 && !p.usedUp).map(p => p.y)).sort((a, b) => a - b);
    if (readings.length > 0) {
      const mid = readings.length >> 1;
      const median = readings.length % 2 ? readings[mid] : (readings[mid - 1] + readings[mid]) / 2;
      const below = readings.filter(v => v < 0.5).length;
      summary.textContent = `Median precision@10 from interaction 10 on, while a bot's taste lasts: ${Math.round(median * 100)}% over ${readings.length} readings · below 50%: ${below}`;
    } else {
      summary.textContent = '';
    }
  }

  let repaint = 0;
  function scheduleRepaint() {
    if (repaint) return;
    repaint = requestAnimationFrame(() => {
      repaint = 0;
      chart?.update('none');
      renderRows();
    });
  }

  async function runBot(bot, steps, pause, signal) {
    await runTasteBot(bot, {
      steps, pause, signal,
      onRanking: () => { scheduleRepaint(); return true; },
      onError: (e) => showError(e, `Bot ${bot.id} stopped`),
    });
    scheduleRepaint();
  }

  async function start() {
    const count = clamp($('#bot-count').value, 1, MAX_BOTS, 4);
    const steps = clamp($('#bot-steps').value, 1, MAX_STEPS, 30);
    const pause = clamp($('#bot-pause').value, 0, 5000, 150);
    $('#bot-count').value = count;
    $('#bot-steps').value = steps;
    $('#bot-pause').value = pause;

    controller = new AbortController();
    startButton.disabled = true;
    stopButton.disabled = false;
    try {
      bots = await makeBots(count, `bot-${shortId().slice(0, 5)}`, controller.signal);
    } catch (e) {
      if (e?.name !== 'AbortError') showError(e, e.context);
      startButton.disabled = false;
      stopButton.disabled = true;
      controller = null;
      return;
    }
    try {
      const c = ensureChart();
      c.options.scales.x.max = steps;
      c.data.datasets = bots.map(bot => ({
        label: bot.id,
        data: bot.points,
        borderColor: bot.color,
        backgroundColor: bot.color,
        borderWidth: 2,
        pointRadius: 0,
        tension: 0.2,
        segment: { borderDash: ctx => (ctx.p1?.raw?.usedUp ? [5, 4] : undefined) },
      }));
      c.update('none');
    } catch (e) {
      showError(e);
    }
    $('#chart-empty').hidden = true;
    renderRows();
    form.dataset.running = 'true';
    await Promise.all(bots.map(bot => runBot(bot, steps, pause, controller.signal)));
    form.dataset.running = 'false';
    startButton.disabled = false;
    stopButton.disabled = true;
    controller = null;
    scheduleRepaint();
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!controller) start();
  });
  stopButton.addEventListener('click', () => controller?.abort());
}
