// The page's line charts (the taste bots' precision, an experiment's rates): one look, taken from the
// page's CSS, and the options both share — no animation, pre-parsed {x, y} points, a 0–100 % y axis.

/**
 * A Chart.js line chart on `canvas`. `legendFilter` and `tooltip` (filter, callbacks) are the chart's
 * own; `x` is its x scale and `yTitle` the y axis' title.
 */
export function lineChart(canvas, { legendFilter, tooltip, x, yTitle }) {
  const Chart = globalThis.Chart;
  if (!Chart) throw new Error('Chart.js (lib/chart.umd.min.js) did not load.');
  const style = getComputedStyle(document.documentElement);
  Chart.defaults.color = style.getPropertyValue('--muted').trim() || '#666';
  Chart.defaults.borderColor = style.getPropertyValue('--line').trim() || '#ddd';
  Chart.defaults.font.family = style.getPropertyValue('font-family');
  return new Chart(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', intersect: false },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12, ...(legendFilter ? { filter: legendFilter } : {}) } },
        tooltip,
      },
      scales: {
        x: { type: 'linear', min: 0, ...x },
        y: { min: 0, max: 1, title: { display: true, text: yTitle }, ticks: { callback: (v) => `${Math.round(v * 100)}%` } },
      },
    },
  });
}
