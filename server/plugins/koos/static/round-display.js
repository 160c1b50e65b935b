// @ts-check
// The room display in the outer-ring round: who is speaking, the speaker timer, how many are
// still waiting. Nothing anyone wrote.

import { clock, koosState, secondsLeft, slotOf, tick } from './kit.js';

export default async function setup(m) {
  await m.loadTranslations(import.meta.url);
  const state = koosState(m, [['koos.speaker', 'round', 'round']]);
  tick(m, () => state.get().round?.timer);
  m.registerPanel({
    id: 'koos.speaker',
    slot: slotOf(m, ['main', 'round', 'side']),
    order: 10,
    visible: () => !!state.get().round?.active,
    mount: () => m.el('section', { class: 'koos-speaker', 'aria-live': 'polite' }, m.el('div', { class: 'koos-body' })),
    render: () => {
      const root = document.querySelector('[data-panel="koos.speaker"] .koos-body');
      const round = state.get().round;
      if (!root || !round?.active) return;
      root.replaceChildren(
        m.el('h2', { text: m.t('koos.display.title') }),
        m.el('p', { id: 'koos-speaker', class: 'koos-now',
          text: round.speaker ? m.t('koos.display.speaking', { who: round.speaker }) : m.t('koos.display.nobody') }),
        m.el('p', { class: 'koos-clock', 'data-koos-clock': '', text: round.timer?.duration_ms ? clock(secondsLeft(m, round.timer)) : '' }),
        m.el('p', { text: m.t('koos.display.waiting', { n: round.waiting }) }));
    },
  });
}
