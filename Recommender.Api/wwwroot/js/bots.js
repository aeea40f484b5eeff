// Taste bots: simulated users, each with a hidden taste (two favourite categories). Each round a
// bot reads its top 10, then likes or rates 4–5 an item of its taste if one is listed, else views a
// random item of its taste. The chart plots precision@10 of its ranking against the hidden taste
// (share of the top 10 with a favourite category) by number of interactions sent: a recommender
// that learns makes the lines climb.
import { h, $, randomId, shortId, sleep } from './dom.js';
import { api } from './api.js';

export const MAX_BOTS = 10;
export const MAX_STEPS = 100;
const COLORS = ['#2f5bd3', '#d9480f', '#2b8a3e', '#ae3ec9', '#e8590c', '#0c8599', '#c2255c', '#5c940d', '#7048e8', '#868e96'];

const clamp = (value, min, max, fallback) => {
  const n = Math.round(Number(value));
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
};

export function precisionAt10(items, taste) {
  const top = items.slice(0, 10);
  if (top.length === 0) return 0;
  return top.filter(item => (item.categories ?? []).some(c => taste.includes(c))).length / top.length;
}

function pickTaste(categories) {
  const pool = [...categories];
  const first = pool.splice(Math.floor(Math.random() * pool.length), 1)[0];
  const second = pool[Math.floor(Math.random() * pool.length)];
  return [first, second];
}

export function initBots({ showError, watchUser }) {
  const form = $('#bots-form');
  const startButton = $('#bots-start');
  const stopButton = $('#bots-stop');
  const rows = $('#bots-rows');
  const canvas = $('#bots-chart');
  let chart = null;
  let controller = null;
  let bots = [];

  function ensureChart() {
    if (chart) return chart;
    const Chart = globalThis.Chart;
    if (!Chart) throw new Error('Chart.js (lib/chart.umd.min.js) did not load.');
    const style = getComputedStyle(document.documentElement);
    Chart.defaults.color = style.getPropertyValue('--muted').trim() || '#666';
    Chart.defaults.borderColor = style.getPropertyValue('--line').trim() || '#ddd';
    Chart.defaults.font.family = style.getPropertyValue('font-family');
    chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', intersect: false },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
          tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${Math.round(ctx.parsed.y * 100)}% after ${ctx.parsed.x}` } },
        },
        scales: {
          x: { type: 'linear', min: 0, title: { display: true, text: 'interactions sent' }, ticks: { precision: 0 } },
          y: { min: 0, max: 1, title: { display: true, text: 'precision@10 vs hidden taste' }, ticks: { callback: (v) => `${Math.round(v * 100)}%` } },
        },
      },
    });
    return chart;
  }

  function renderRows() {
    rows.replaceChildren(...bots.map(bot => h('tr', { dataset: { botId: bot.id } },
      h('td', {},
        h('span', { class: 'swatch', style: { background: bot.color }, 'aria-hidden': 'true' }),
        h('button', { type: 'button', class: 'linkish', 'aria-label': `Watch ${bot.id} in the simulator`, title: 'Watch this bot live', onClick: () => watchUser(bot.id) }, bot.id)),
      h('td', {}, bot.taste.join(' + ')),
      h('td', { title: bot.exhausted ? 'stopped early: it interacted with every item of its taste' : null },
        `${bot.sent}${bot.error ? ' ⚠' : bot.done ? ' ✓' : ''}${bot.exhausted ? ' (all seen)' : ''}`),
      h('td', { class: 'num' }, bot.precision === null ? '—' : `${Math.round(bot.precision * 100)}%`))));
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
    const interacted = new Set();
    const catalogue = new Map(); // category → items
    try {
      while (!signal.aborted) {
        const ranking = await api.recommendations(bot.id, 10, { signal });
        bot.precision = precisionAt10(ranking.items ?? [], bot.taste);
        bot.points.push({ x: bot.sent, y: bot.precision });
        scheduleRepaint();
        if (bot.sent >= steps) break;

        const liked = (ranking.items ?? []).find(item => !interacted.has(item.itemId) && (item.categories ?? []).some(c => bot.taste.includes(c)));
        let event;
        if (liked) {
          event = Math.random() < 0.5
            ? { itemId: liked.itemId, type: 'like' }
            : { itemId: liked.itemId, type: 'rating', value: Math.random() < 0.5 ? 4 : 5 };
        } else {
          const category = bot.taste[Math.floor(Math.random() * bot.taste.length)];
          if (!catalogue.has(category)) catalogue.set(category, (await api.items(category, 200, { signal })).items ?? []);
          const candidates = catalogue.get(category).filter(item => !interacted.has(item.itemId));
          if (candidates.length === 0) { bot.exhausted = true; break; } // it has seen all of its taste
          event = { itemId: candidates[Math.floor(Math.random() * candidates.length)].itemId, type: 'view' };
        }
        interacted.add(event.itemId);
        await api.sendEvent({ userId: bot.id, eventId: randomId(), ...event }, { signal });
        bot.sent++;
        if (pause > 0) await sleep(pause, signal);
      }
      bot.done = true;
    } catch (e) {
      if (e?.name === 'AbortError') return;
      bot.error = e;
      showError(e, `Bot ${bot.id} stopped`);
    } finally {
      scheduleRepaint();
    }
  }

  async function start() {
    const count = clamp($('#bot-count').value, 1, MAX_BOTS, 4);
    const steps = clamp($('#bot-steps').value, 1, MAX_STEPS, 30);
    const pause = clamp($('#bot-pause').value, 0, 5000, 150);
    $('#bot-count').value = count;
    $('#bot-steps').value = steps;
    $('#bot-pause').value = pause;

    let categories;
    try {
      categories = await api.categories();
    } catch (e) {
      showError(e, 'Could not read the categories');
      return;
    }
    if (!Array.isArray(categories) || categories.length < 2) {
      showError(new Error('The catalogue needs at least two categories for taste bots (start with the demo catalogue, Recommender:SeedDemoCatalog=true).'));
      return;
    }

    controller = new AbortController();
    startButton.disabled = true;
    stopButton.disabled = false;
    const run = shortId().slice(0, 5);
    bots = Array.from({ length: count }, (_, i) => ({
      id: `bot-${run}-${i + 1}`,
      taste: pickTaste(categories),
      color: COLORS[i % COLORS.length],
      sent: 0,
      precision: null,
      points: [],
      done: false,
      exhausted: false,
      error: null,
    }));
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
