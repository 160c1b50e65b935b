// @ts-check
// The organiser of a reflection meeting picks the mirror meetings (per team or district) it
// gathers from, and sees what their reports may show. The actions are captured with the
// moderator screen's own outcome tools (kind "action", owner, due).

import { ackOf, koosState, slotOf } from './kit.js';
import { materialView } from './material.js';

export default async function setup(m) {
  await m.loadTranslations(import.meta.url);
  const state = koosState(m, [['koos.material', 'material', 'material']]);
  /** @type {Set<string>|null} */
  let picked = null;
  let problem = '';
  m.registerPanel({
    id: 'koos.reflection',
    slot: slotOf(m, ['main', 'side', 'round']),
    order: 10,
    mount: () => m.el('section', { class: 'card koos-reflection', 'aria-labelledby': 'koos-reflect-title' },
      m.el('h2', { id: 'koos-reflect-title', text: m.t('koos.reflect.title') }), m.el('div', { class: 'koos-body' })),
    render: () => {
      const root = document.querySelector('[data-panel="koos.reflection"] .koos-body');
      if (!root) return;
      const d = state.get();
      const candidates = d.candidates || [];
      if (picked === null) picked = new Set(candidates.filter((c) => c.chosen).map((c) => c.id));
      root.replaceChildren(
        m.el('fieldset', {}, m.el('legend', { text: m.t('koos.reflect.pick') }),
          ...candidates.map((c) => m.el('label', { class: 'koos-candidate' },
            m.el('input', { type: 'checkbox', value: c.id, checked: picked?.has(c.id),
              onchange: (e) => (e.target.checked ? picked?.add(c.id) : picked?.delete(c.id)) }),
            ' ', [c.team, c.title].filter(Boolean).join(' – '))),
          candidates.length ? null : m.el('p', { text: m.t('koos.reflect.no_candidates') })),
        m.el('button', { type: 'button', id: 'koos-gather', class: 'primary', text: m.t('koos.reflect.gather'),
          onclick: async () => {
            const ack = ackOf(await m.send('koos.sources.set', { meeting_ids: [...(picked || [])] }));
            problem = ack?.ok ? '' : m.t('koos.mod.refused', { code: ack?.error?.code ?? ack?.code ?? '?' });
            m.render();
          } }),
        problem ? m.el('p', { role: 'alert', text: problem }) : null,
        materialView(m, d.material));
    },
  });
}
