// @ts-check
// A listener's tablet in the outer-ring round: their own place in the line ("you are next"),
// and while they speak, their own notes as a private prompt (sent to this tablet only), the
// speaker timer and an "I pass" button.

import { ackOf, clock, koosState, secondsLeft, slotOf, tick } from './kit.js';

export default async function setup(m) {
  await m.loadTranslations(import.meta.url);
  const state = koosState(m, [['koos.turn', 'turn', 'turn']]);
  tick(m, () => (state.get().turn?.speaking ? state.get().turn.timer : null));

  m.registerPanel({
    id: 'koos.turn',
    slot: slotOf(m, ['top', 'round']),
    order: 5,
    visible: () => !!state.get().turn?.active,
    mount: () => m.el('section', { class: 'card koos-turn', 'aria-labelledby': 'koos-turn-title' },
      m.el('h2', { id: 'koos-turn-title', text: m.t('koos.turn.title') }), m.el('div', { class: 'koos-body' })),
    render: () => {
      const root = document.querySelector('[data-panel="koos.turn"] .koos-body');
      if (!root) return;
      const turn = state.get().turn;
      if (!turn?.active) return;
      const passBtn = m.el('button', { type: 'button', id: 'koos-pass', text: m.t('koos.turn.pass'), onclick: async () => {
        ackOf(await m.send('koos.turn.pass', {}));
        m.render();
      } });
      if (turn.speaking) {
        const notes = turn.notes || [];
        root.replaceChildren(
          m.el('p', { class: 'koos-now', role: 'status', text: m.t('koos.turn.speaking') }),
          m.el('p', { class: 'koos-clock', 'data-koos-clock': '', 'aria-hidden': 'true',
            text: turn.timer?.duration_ms ? clock(secondsLeft(m, turn.timer)) : '' }),
          m.el('h3', { text: m.t('koos.turn.your_notes') }),
          notes.length ? m.el('ul', { id: 'koos-prompt' }, ...notes.map((n) => m.el('li', { text: n.text })))
            : m.el('p', { text: m.t('koos.turn.no_notes') }),
          passBtn);
      } else if (turn.status === 'waiting') {
        root.replaceChildren(
          m.el('p', { role: 'status', id: 'koos-place',
            text: turn.next ? m.t('koos.turn.next') : m.t('koos.turn.position', { n: turn.position }) }),
          passBtn);
      } else {
        root.replaceChildren(m.el('p', { text: m.t(`koos.turn.${turn.status || 'done'}`) }));
      }
    },
  });
}
