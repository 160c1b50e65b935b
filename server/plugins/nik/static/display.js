// @ts-check
// The room display during a NIK meeting: the series and regional focus, the improvement
// points on the list, how many parents have chosen (never the count while the vote is open),
// and the priorities once it closed.

import { nikState, resultList, slotOf } from './kit.js';

export default async function setup(m) {
  await m.loadTranslations(import.meta.url);
  const state = nikState(m);
  m.registerPanel({
    id: 'nik.display',
    slot: slotOf(m, ['main', 'round', 'side']),
    order: 20,
    visible: () => !!(state.get().points?.length || state.get().setup?.series_label),
    mount: () => m.el('section', { class: 'nik-display', 'aria-labelledby': 'nik-display-title' },
      m.el('h2', { id: 'nik-display-title', text: m.t('nik.display.title') }), m.el('div', { class: 'nik-body' })),
    render: () => {
      const root = document.querySelector('[data-panel="nik.display"] .nik-body');
      if (!root) return;
      const d = state.get();
      const parts = [];
      if (d.setup?.series_label) parts.push(m.el('p', { class: 'nik-series', text: d.setup.series_label }));
      if (d.setup?.focus) parts.push(m.el('p', { text: m.t('nik.display.focus', { focus: d.setup.focus }) }));
      if (d.priorities?.length) {
        parts.push(m.el('h3', { text: m.t('nik.results.title') }), resultList(m, d.priorities));
      } else if (d.points?.length) {
        parts.push(m.el('ol', { class: 'nik-points' }, ...d.points.map((p) => m.el('li', { text: p.text }))));
        if (d.vote?.state === 'open') parts.push(m.el('p', { role: 'status', text: m.t('nik.display.voted', { n: d.vote.voters }) }));
      }
      root.replaceChildren(...parts);
    },
  });
}
