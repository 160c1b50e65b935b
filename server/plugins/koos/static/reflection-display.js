// @ts-check
// The room display of a reflection meeting: what the chosen mirror meetings brought up.

import { koosState, slotOf } from './kit.js';
import { materialView } from './material.js';

export default async function setup(m) {
  await m.loadTranslations(import.meta.url);
  const state = koosState(m, [['koos.material', 'material', 'material']]);
  m.registerPanel({
    id: 'koos.reflection-display',
    slot: slotOf(m, ['main', 'round', 'side']),
    order: 10,
    visible: () => !!state.get().material?.length,
    mount: () => m.el('section', { class: 'koos-reflection' }, m.el('div', { class: 'koos-body' })),
    render: () => {
      const root = document.querySelector('[data-panel="koos.reflection-display"] .koos-body');
      if (root) root.replaceChildren(m.el('h2', { text: m.t('koos.reflect.title') }), materialView(m, state.get().material));
    },
  });
}
