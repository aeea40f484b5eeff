// The Experiments tab: A/B tests of how lists are served (/api/v1/experiments). The list with its
// actions (start, stop, declare a winner, delete) and a one-click "learned model vs popularity";
// for the selected experiment a chart of each variant's hit rate over time with its always-valid
// interval, a table per variant and the decision. The results come over the hub, never polled:
// WatchExperiment answers the current results and the server pushes `experimentResults` whenever
// the counts change (checked every 2 s). Only while the hub is down is /results read, once per
// selection. Taste bots (bots.js) run inside the running experiment: each bot is a user the server
// buckets into a variant by itself, and every event names the list it acted on (recommendationId).
import { h, $, shortId, formatTime } from './dom.js';
import { client, ApiError } from './session.js';
import { hubErrorMessage } from '../lib/recommender-client/index.js';
import { lineChart } from './charts.js';
import { makeBots, runTasteBot, COLORS } from './bots.js';

export const MAX_EXPERIMENT_BOTS = 50;
const STRATEGY_TEXT = { learned: 'learned model', popular: 'popularity' };

const clamp = (value, min, max, fallback) => {
  const n = Math.round(Number(value));
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
};
const pct = (v, digits = 1) => (Number.isFinite(v) ? `${(v * 100).toFixed(digits)}%` : '—');
const signedPoints = (v) => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v * 100).toFixed(1)}`;

/** Seconds as m:ss (h:mm:ss past an hour). */
function elapsed(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** "50% · popularity, 20% popular mixed in, filter …": what a variant serves. */
function servingText(serving) {
  if (!serving) return 'the default';
  const parts = [STRATEGY_TEXT[serving.strategy] ?? serving.strategy ?? 'learned model'];
  if (serving.popularShare > 0) parts.push(`${pct(serving.popularShare, 0)} popular mixed in`);
  if (serving.exploration !== null && serving.exploration !== undefined) parts.push(`exploration ${serving.exploration}`);
  if (serving.filter) parts.push(`filter ${serving.filter}`);
  if (serving.applyRules === false) parts.push('no promotions or boosts');
  return parts.join(', ');
}

function shares(experiment) {
  const total = experiment.variants.reduce((sum, v) => sum + v.share, 0) || 1;
  const kept = 1 - (experiment.holdout ?? 0);
  return new Map(experiment.variants.map(v => [v.name, (v.share / total) * kept]));
}

export function initExperiments({ live, showError }) {
  const ui = {
    create: $('#exp-create-lvp'),
    error: $('#exp-error'),
    rows: $('#exp-rows'),
    results: $('#exp-results'),
    heading: $('#exp-results-heading'),
    live: $('#exp-live'),
    decision: $('#exp-decision'),
    canvas: $('#exp-chart'),
    chartEmpty: $('#exp-chart-empty'),
    variantRows: $('#exp-variant-rows'),
    comparisons: $('#exp-comparisons'),
    botsForm: $('#exp-bots-form'),
    botCount: $('#exp-bot-count'),
    botSteps: $('#exp-bot-steps'),
    botPause: $('#exp-bot-pause'),
    botsStart: $('#exp-bots-start'),
    botsStop: $('#exp-bots-stop'),
    botsSummary: $('#exp-bots-summary'),
    botsBox: $('#exp-bots-box'),
    botGroups: $('#exp-bot-groups'),
  };
  const state = {
    experiments: [],   // newest first, as GET /api/v1/experiments answers (and pushes update)
    loaded: false,
    busy: false,
    selected: null,    // the id whose results are shown (and watched)
    selection: 0,      // guards against an older selection's answer arriving late
    results: null,     // its latest results
    points: new Map(), // time (ms) → Map(variant → { rate, impressions }): the chart's points
    pushes: 0,         // experimentResults pushes received for the selection
    lastPush: null,
    bots: [],
    botsController: null,
  };
  let chart = null;

  // ------------------------------------------------------------ inline errors

  function showInlineError(error, context) {
    if (!error) {
      ui.error.hidden = true;
      ui.error.replaceChildren();
      delete ui.error.dataset.fields;
      return;
    }
    let heading;
    let lines = [];
    const fields = [];
    if (error instanceof ApiError) {
      ({ heading, lines } = error.describe());
      const p = error.problem;
      if (p?.errors && typeof p.errors === 'object') fields.push(...Object.keys(p.errors));
      if (typeof p?.field === 'string') fields.push(p.field);
    } else {
      heading = hubErrorMessage(error);
    }
    ui.error.replaceChildren(...[
      h('strong', {}, context ? `${context}: ${heading}` : heading),
      lines.length ? h('ul', {}, lines.map(line => h('li', {}, line))) : null,
    ].filter(Boolean)); // (replaceChildren would write a null as "null")
    ui.error.dataset.fields = fields.join(' ');
    ui.error.hidden = false;
  }

  // ------------------------------------------------------------ the list

  async function refreshList() {
    try {
      state.experiments = (await client.experiments()) ?? [];
      state.loaded = true;
    } catch (e) {
      showInlineError(e, 'Could not list the experiments');
      return;
    }
    renderList();
    if (state.selected && !state.experiments.some(x => x.id === state.selected)) await select(null);
    if (!state.selected && state.experiments.length > 0) {
      await select((state.experiments.find(x => x.status === 'running') ?? state.experiments[0]).id);
    }
  }

  /** Runs an action on the server, its problem shown under the list; the list is read again afterwards. */
  async function act(context, action) {
    if (state.busy) return;
    state.busy = true;
    showInlineError(null);
    renderList();
    ui.create.disabled = true;
    try {
      return await action();
    } catch (e) {
      showInlineError(e, context);
      return undefined;
    } finally {
      state.busy = false;
      ui.create.disabled = false;
      await refreshList();
    }
  }

  function renderList() {
    ui.rows.replaceChildren(...(state.experiments.length === 0
      ? [h('tr', {}, h('td', { colspan: 5, class: 'empty' }, state.loaded ? 'No experiments yet: create one above.' : 'Loading…'))]
      : state.experiments.map(experimentRow)));
  }

  function experimentRow(x) {
    const selected = x.id === state.selected;
    const share = shares(x);
    const disabled = state.busy;
    const actions = [];
    if (x.status === 'draft') {
      actions.push(h('button', { type: 'button', class: 'btn', disabled, 'aria-label': `Start ${x.id}`, onClick: () => act(`Could not start ${x.id}`, () => client.startExperiment(x.id)) }, 'Start'));
    }
    if (x.status === 'running') {
      actions.push(h('button', { type: 'button', class: 'btn', disabled, 'aria-label': `Stop ${x.id}`, onClick: () => act(`Could not stop ${x.id}`, () => client.stopExperiment(x.id)) }, 'Stop'));
    }
    if (x.status !== 'draft' && !x.winner) {
      const suggested = state.results?.experiment?.id === x.id ? state.results.decision?.winner : null;
      const choice = h('select', { 'aria-label': `Winner of ${x.id}`, disabled },
        x.variants.map(v => h('option', { value: v.name, selected: v.name === suggested }, v.name)));
      actions.push(h('span', { class: 'exp-winner-pick' }, choice,
        h('button', {
          type: 'button', class: 'btn', disabled, 'aria-label': `Declare winner of ${x.id}`,
          title: "Stops the experiment; the chosen variant's serving becomes everyone's default",
          onClick: () => act(`Could not declare the winner of ${x.id}`, () => client.declareWinner(x.id, choice.value)),
        }, 'Declare winner')));
    }
    if (x.status !== 'running') {
      actions.push(h('button', { type: 'button', class: 'btn', disabled, 'aria-label': `Delete ${x.id}`, onClick: () => act(`Could not delete ${x.id}`, () => client.deleteExperiment(x.id)) }, 'Delete'));
    }
    return h('tr', { class: selected ? 'selected' : null, 'aria-current': selected ? 'true' : null, dataset: { experimentId: x.id, status: x.status } },
      h('td', { class: 'exp-id' },
        h('button', { type: 'button', class: 'linkish', 'aria-label': `Show results of ${x.id}`, title: 'Show its results', onClick: () => select(x.id) }, x.id),
        x.name && x.name !== x.id ? h('div', { class: 'meta' }, x.name) : null),
      h('td', {}, h('span', { class: `status status-${x.status}` }, x.status),
        x.startedAt ? h('div', { class: 'meta' }, `since ${formatTime(x.startedAt)}`) : null),
      h('td', { class: 'exp-variants-cell' }, h('ul', { class: 'plain' },
        x.variants.map((v, i) => h('li', { dataset: { variant: v.name } },
          h('span', { class: 'swatch', style: { background: COLORS[i % COLORS.length] }, 'aria-hidden': 'true' }), ' ',
          h('strong', {}, v.name), ` ${pct(share.get(v.name), 0)} · ${servingText(v.serving)}`)),
        x.holdout > 0 ? h('li', { class: 'meta' }, `holdout ${pct(x.holdout, 0)} · the default`) : null)),
      h('td', { class: 'exp-winner' }, x.winner ?? '—'),
      h('td', {}, h('div', { class: 'exp-actions' }, actions)));
  }

  /** One click: learned (the model, the control) against popular, 50/50, started at once. */
  async function createLearnedVsPopular() {
    const id = `learned-vs-popular-${shortId().slice(0, 6)}`;
    const created = await act('Could not create the experiment', () => client.createExperiment({
      id,
      name: 'Learned model vs popularity',
      variants: [
        { name: 'learned', share: 0.5, serving: { strategy: 'learned' } },
        { name: 'popular', share: 0.5, serving: { strategy: 'popular' } },
      ],
      metric: 'hitRate',
      start: true,
    }));
    if (created?.id) await select(created.id);
  }

  // ------------------------------------------------------------ the selection and its results

  async function select(id) {
    if (id === state.selected) return;
    const previous = state.selected;
    const selection = ++state.selection;
    state.selected = id;
    state.results = null;
    state.points = new Map();
    state.pushes = 0;
    state.lastPush = null;
    renderList();
    renderResults();
    if (previous) await live.unwatchExperiment(previous);
    if (!id) return;
    let results = null;
    try {
      // Over the hub: its answer is the current results, and the pushes follow.
      results = await live.watchExperiment(id);
      // Not connected: one read now; the hub watches once it is back (live.js) and pushes from there.
      if (!results) results = await client.experimentResults(id);
    } catch (e) {
      if (selection === state.selection) showInlineError(e, `Could not watch ${id}`);
      return;
    }
    if (selection !== state.selection) return;
    applyResults(results, { pushed: false });
  }

  live.addEventListener('experiment', ({ detail }) => {
    if (detail?.results?.experiment?.id !== state.selected) return;
    if (detail.pushed) {
      state.pushes++;
      state.lastPush = new Date();
    }
    applyResults(detail.results, detail);
  });
  live.addEventListener('state', () => renderLive());

  function applyResults(results, { pushed }) {
    if (!results?.experiment) return;
    state.results = results;
    const experiment = results.experiment;
    // Its status and winner as the results say (the push may be the first to know of a stop).
    const index = state.experiments.findIndex(x => x.id === experiment.id);
    if (index >= 0 && (state.experiments[index].status !== experiment.status || state.experiments[index].winner !== experiment.winner)) {
      state.experiments[index] = experiment;
      renderList();
    }
    // The chart's points: the server's per-minute series (each minute's cumulative figures, at its
    // end, so only minutes already over) and the totals as of each answer or push.
    const asOf = Date.parse(results.asOf);
    const until = experiment.stoppedAt ? Math.min(asOf, Date.parse(experiment.stoppedAt)) : asOf;
    for (const point of results.series ?? []) {
      const at = Date.parse(point.at);
      if (at <= until) addPoint(at, point.variants.map(v => ({ name: v.name, impressions: v.impressions, rate: v.rate })));
    }
    const metric = experiment.metric === 'conversion' ? 'conversion' : 'hitRate';
    addPoint(until, results.variants.map(v => ({ name: v.name, impressions: v.impressions, rate: v[metric] })));
    ui.results.dataset.lastSource = pushed ? 'push' : 'watch';
    renderResults();
  }

  function addPoint(at, variants) {
    const values = new Map();
    for (const v of variants) if (v.impressions > 0) values.set(v.name, { impressions: v.impressions, rate: v.rate });
    if (values.size > 0) state.points.set(at, values);
  }

  function renderLive() {
    if (!state.selected) return;
    const parts = [];
    if (!live.isLive) parts.push('not live: the hub is reconnecting; the figures are as last read');
    else parts.push('live · pushed over the hub');
    parts.push(`${state.pushes} update${state.pushes === 1 ? '' : 's'} pushed`);
    if (state.lastPush) parts.push(`last at ${formatTime(state.lastPush)}`);
    ui.live.textContent = parts.join(' · ');
    ui.live.dataset.pushes = String(state.pushes);
  }

  function renderResults() {
    ui.results.hidden = !state.selected;
    if (!state.selected) return;
    const results = state.results;
    const experiment = results?.experiment ?? state.experiments.find(x => x.id === state.selected);
    ui.heading.textContent = experiment ? `Results: ${experiment.name && experiment.name !== experiment.id ? `${experiment.name} (${experiment.id})` : experiment.id}` : `Results: ${state.selected}`;
    ui.results.dataset.experimentId = state.selected;
    ui.results.dataset.status = experiment?.status ?? '';
    renderLive();
    renderDecision(results);
    renderVariants(results);
    renderChart(results);
    renderBotsControls();
  }

  function renderDecision(results) {
    const d = results?.decision;
    const x = results?.experiment;
    ui.decision.dataset.status = d?.status ?? '';
    if (!d) {
      ui.decision.replaceChildren('Reading the results…');
      return;
    }
    const metric = x.metric === 'conversion' ? 'conversion' : 'hit rate';
    const verdict = d.status === 'decided' ? `Decided: ${d.winner} wins on ${metric}` : `Undecided on ${metric}`;
    ui.decision.replaceChildren(...[
      h('strong', { class: 'exp-verdict' }, verdict), ' — ', h('span', { class: 'exp-reason' }, d.reason),
      x.winner ? h('span', { class: 'exp-declared' }, ` Declared winner: ${x.winner} (its serving is now everyone's default).`) : null,
    ].filter(Boolean));
  }

  function renderVariants(results) {
    if (!results) {
      ui.variantRows.replaceChildren(h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'Reading the results…')));
      ui.comparisons.replaceChildren();
      return;
    }
    const conversion = results.experiment.metric === 'conversion';
    const names = results.experiment.variants.map(v => v.name);
    ui.variantRows.replaceChildren(...results.variants.map((v) => {
      const index = names.indexOf(v.name);
      const bots = state.bots.filter(b => b.experiment === results.experiment.id && b.variant === v.name);
      return h('tr', { dataset: { variant: v.name } },
        h('th', { scope: 'row', class: 'variant-name' }, h('span', { class: 'bot-label' },
          h('span', { class: 'swatch', style: { background: index >= 0 ? COLORS[index % COLORS.length] : 'var(--muted)' }, 'aria-hidden': 'true' }), v.name)),
        h('td', { class: 'num users' }, String(v.users)),
        h('td', { class: 'num impressions' }, String(v.impressions)),
        h('td', { class: 'num events' }, String(v.events)),
        h('td', { class: 'num hit-rate', dataset: { value: v.hitRate.value, low: v.hitRate.low, high: v.hitRate.high }, title: `${v.hits} of ${v.impressions} lists had an attributed positive event; the interval is always valid (it holds however often it is read)` },
          `${pct(v.hitRate.value)} [${pct(v.hitRate.low)}, ${pct(v.hitRate.high)}]`),
        conversion ? h('td', { class: 'num conversion' }, `${pct(v.conversion.value)} [${pct(v.conversion.low)}, ${pct(v.conversion.high)}]`) : null,
        h('td', { class: 'num ctr', dataset: { value: v.ctr } }, pct(v.ctr)),
        h('td', { class: 'num bots', title: bots.map(b => b.id).join(', ') || null }, String(bots.length)));
    }));
    $('#exp-conversion-head').hidden = !conversion;
    ui.comparisons.replaceChildren(...(results.comparisons ?? []).map(c => h('li', { dataset: { variant: c.variant } },
      `${c.variant} vs ${c.against}: ${signedPoints(c.difference.value)} points [${signedPoints(c.difference.low)}, ${signedPoints(c.difference.high)}], always-valid p ${Number(c.p).toPrecision(3)}${c.significant ? ' · significant' : ''}`)));
  }

  // ------------------------------------------------------------ the chart

  function ensureChart() {
    if (chart) return chart;
    chart = lineChart(ui.canvas, {
      legendFilter: (item, data) => !data.datasets[item.datasetIndex].band,
      tooltip: {
        filter: (ctx) => !ctx.dataset.band,
        callbacks: {
          title: (items) => (items.length ? `${elapsed(items[0].parsed.x)} after the start` : ''),
          label: (ctx) => `${ctx.dataset.label}: ${pct(ctx.raw.y)} [${pct(ctx.raw.low)}, ${pct(ctx.raw.high)}] over ${ctx.raw.impressions} impressions`,
        },
      },
      x: { title: { display: true, text: 'time since the start (m:ss)' }, ticks: { callback: (v) => elapsed(v), maxTicksLimit: 8 } },
      yTitle: 'hit rate · band: always-valid interval',
    });
    return chart;
  }

  function renderChart(results) {
    const times = [...state.points.keys()].sort((a, b) => a - b);
    ui.chartEmpty.hidden = times.length > 0;
    if (!results || times.length === 0) {
      if (chart) { chart.data.datasets = []; chart.update('none'); }
      return;
    }
    let c;
    try {
      c = ensureChart();
    } catch (e) {
      showError(e);
      return;
    }
    const experiment = results.experiment;
    const start = Math.min(times[0], Date.parse(experiment.startedAt ?? experiment.createdAt) || times[0]);
    const names = results.variants.map(v => v.name);
    c.options.scales.y.title.text = `${experiment.metric === 'conversion' ? 'conversion' : 'hit rate'} · band: always-valid interval`;
    c.data.datasets = names.flatMap((name, i) => {
      const index = experiment.variants.findIndex(v => v.name === name);
      const color = index >= 0 ? COLORS[index % COLORS.length] : '#868e96';
      const data = times.filter(t => state.points.get(t).has(name)).map((t) => {
        const { rate, impressions } = state.points.get(t).get(name);
        return { x: (t - start) / 1000, y: rate.value, low: rate.low, high: rate.high, impressions };
      });
      return [
        { label: `${name} (upper bound)`, band: true, variant: name, data: data.map(p => ({ x: p.x, y: p.high })), borderWidth: 0, borderColor: 'transparent', pointRadius: 0, fill: false },
        { label: `${name} (lower bound)`, band: true, variant: name, data: data.map(p => ({ x: p.x, y: p.low })), borderWidth: 0, borderColor: 'transparent', pointRadius: 0, fill: '-1', backgroundColor: `${color}2e` },
        { label: name, variant: name, data, borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 2, tension: 0, fill: false },
      ];
    });
    c.update('none');
  }

  // ------------------------------------------------------------ bots inside the experiment

  function renderBotsControls() {
    const running = state.results?.experiment?.status === 'running';
    const botsRunning = Boolean(state.botsController);
    ui.botsStart.disabled = !running || botsRunning;
    ui.botsStop.disabled = !botsRunning;
    ui.botsForm.title = running ? '' : 'Bots run inside a running experiment';
  }

  let repaint = 0;
  function scheduleBots() {
    if (repaint) return;
    repaint = requestAnimationFrame(() => {
      repaint = 0;
      renderBots();
      if (state.results) renderVariants(state.results);
    });
  }

  function renderBots() {
    const bots = state.bots;
    ui.botsBox.hidden = bots.length === 0;
    if (bots.length === 0) { ui.botsSummary.textContent = ''; return; }
    const sent = bots.reduce((n, b) => n + b.sent, 0);
    const fromList = bots.reduce((n, b) => n + b.fromList, 0);
    const byVariant = new Map();
    for (const bot of bots) {
      const key = bot.variant ?? (bot.points.length ? 'not in the experiment' : 'not asked yet');
      if (!byVariant.has(key)) byVariant.set(key, []);
      byVariant.get(key).push(bot);
    }
    const done = bots.filter(b => b.done || b.error).length;
    ui.botsSummary.textContent = `${bots.length} bots · ${sent} interactions sent, ${fromList} of them on an item of the list read (the rest found in the catalogue) · `
      + [...byVariant].map(([variant, list]) => `${variant}: ${list.length}`).join(' · ')
      + (done === bots.length ? ' · done' : '');
    ui.botsSummary.dataset.sent = String(sent);
    ui.botGroups.replaceChildren(...[...byVariant].map(([variant, list]) => h('div', { class: 'exp-bot-group', dataset: { variant } },
      h('h4', {}, `${variant} (${list.length})`),
      h('ul', { class: 'plain' }, list.map(bot => h('li', { dataset: { botId: bot.id } },
        h('code', {}, bot.id), ` ${bot.taste.join(' + ')} · ${bot.sent} sent · P@10 ${bot.precision === null ? '—' : pct(bot.precision, 0)}${bot.error ? ' ⚠' : bot.done ? ' ✓' : ''}`))))));
  }

  async function runBots() {
    const experimentId = state.selected;
    if (!experimentId || state.results?.experiment?.status !== 'running' || state.botsController) return;
    const count = clamp(ui.botCount.value, 1, MAX_EXPERIMENT_BOTS, 20);
    const steps = clamp(ui.botSteps.value, 1, 100, 20);
    const pause = clamp(ui.botPause.value, 0, 5000, 300);
    ui.botCount.value = count;
    ui.botSteps.value = steps;
    ui.botPause.value = pause;
    const controller = new AbortController();
    state.botsController = controller;
    renderBotsControls();
    try {
      state.bots = await makeBots(count, `xbot-${shortId().slice(0, 5)}`, controller.signal);
    } catch (e) {
      if (e?.name !== 'AbortError') showError(e, e.context);
      state.botsController = null;
      renderBotsControls();
      return;
    }
    renderBots();
    ui.botsForm.dataset.running = 'true';
    await Promise.all(state.bots.map(bot => runTasteBot(bot, {
      steps, pause, signal: controller.signal,
      // A bot outside this experiment (it stopped, or another started) has nothing to do here.
      onRanking: (answer) => { scheduleBots(); return answer.experiment === experimentId; },
      onError: (e) => showError(e, `Bot ${bot.id} stopped`),
    })));
    ui.botsForm.dataset.running = 'false';
    state.botsController = null;
    renderBotsControls();
    scheduleBots();
  }

  ui.create.addEventListener('click', () => createLearnedVsPopular());
  ui.botsForm.addEventListener('submit', (e) => {
    e.preventDefault();
    runBots();
  });
  ui.botsStop.addEventListener('click', () => state.botsController?.abort());

  return {
    /** The tab was opened: the list is read (again), and the selection keeps its watch. */
    show: () => refreshList(),
  };
}
