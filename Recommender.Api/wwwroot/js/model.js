// "What serves": the model the last training chose, with the validation figure of every candidate
// it tried and the reason (GET /api/v1/model, field `choice`). Refreshed on load and every 20 s.
import { h, $ } from './dom.js';
import { client } from './session.js';

const REFRESH_MS = 20_000;

export function initModel({ showError, onModel = () => {} }) {
  let timer = 0;

  async function refresh() {
    try {
      const model = await client.model();
      render(model);
      onModel(model);
    } catch (e) {
      showError(e, 'Could not read the model status');
    } finally {
      clearTimeout(timer);
      timer = setTimeout(refresh, REFRESH_MS);
    }
  }

  function render(model) {
    const choice = model?.choice;
    $('#model-meta').textContent = model?.version
      ? `model v${model.version} · ${model.status}${model.trainingMs ? ` · trained in ${(model.trainingMs / 1000).toFixed(1)} s` : ''}`
      : model?.status ?? '';
    if (!choice) return;
    $('#model-serving').textContent = `Serving: ${choice.serving}`;
    $('#model-reason').textContent = choice.reason ?? '';
    const settings = [
      ['ALS', choice.als],
      ['Item-item', choice.itemItem],
      ['Evidence', choice.evidence],
      ['Validation', choice.searched ? `NDCG@10 ${choice.validationNdcg?.toFixed(4) ?? '—'} over ${choice.validationUsers} users, search ${(choice.tuningMs / 1000).toFixed(1)} s` : 'not searched'],
    ];
    $('#model-settings').replaceChildren(...settings.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value ?? '—')]));
    const rows = [...(choice.candidates ?? [])].sort((a, b) => b.ndcg - a.ndcg);
    $('#model-candidates-box').hidden = rows.length === 0;
    $('#model-candidates').replaceChildren(...rows.map(c => h('tr', {},
      h('td', {}, c.family), h('td', {}, c.settings), h('td', { class: 'num' }, c.ndcg.toFixed(4)))));
  }

  refresh();
  return { refresh };
}
