// @ts-check
// The moderator runs the outer-ring speaking order: start it (join order, shuffled, or by
// hand), see who speaks and who is next, and with one tap each: done, passes, skip, back to
// the end of the line, move up; the speaker timer (pause, resume, +1 minute); stop.

import { ackOf, clock, koosState, secondsLeft, slotOf, tick } from './kit.js';

export default async function setup(m) {
  await m.loadTranslations(import.meta.url);
  const state = koosState(m, [['koos.round', 'round', 'round']]);
  tick(m, () => state.get().round?.timer);
  let problem = '';
  const act = async (event, payload) => {
    const ack = ackOf(await m.send(event, payload));
    problem = ack?.ok ? '' : m.t('koos.mod.refused', { code: ack?.error?.code ?? ack?.code ?? '?' });
    m.render();
  };
  const phaseKey = () => m.state?.()?.phase?.key ?? m.snapshot?.()?.phase?.key;

  m.registerPanel({
    id: 'koos.round',
    slot: slotOf(m, ['main', 'side', 'round']),
    order: 10,
    visible: () => phaseKey() === 'outer_ring' || !!state.get().round?.active,
    mount: () => m.el('section', { class: 'card koos-round', 'aria-labelledby': 'koos-round-title' },
      m.el('h2', { id: 'koos-round-title', text: m.t('koos.mod.title') }), m.el('div', { class: 'koos-body' })),
    render: () => {
      const root = document.querySelector('[data-panel="koos.round"] .koos-body');
      if (!root) return;
      const round = state.get().round;
      const parts = [];
      if (!round?.active) {
        const seconds = m.el('input', { id: 'koos-seconds', type: 'number', min: '0', max: '30', value: '2' });
        const minutes = () => Math.round((/** @type {HTMLInputElement} */ (seconds).valueAsNumber || 0) * 60);
        parts.push(m.el('label', { for: 'koos-seconds', text: m.t('koos.mod.minutes') }), seconds,
          ...['join', 'shuffle'].map((mode) => m.el('button', { type: 'button', id: `koos-start-${mode}`,
            text: m.t(`koos.mod.start_${mode}`), onclick: () => act('koos.round.start', { mode, seconds: minutes() }) })));
      } else {
        const waiting = round.line.filter((p) => p.status === 'waiting');
        parts.push(
          m.el('p', { id: 'koos-current', class: 'koos-now', role: 'status',
            text: round.current ? m.t('koos.mod.speaking', { who: round.current.label }) : m.t('koos.mod.nobody') }),
          m.el('p', { id: 'koos-next', text: round.next ? m.t('koos.mod.next', { who: round.next.label }) : m.t('koos.mod.last') }),
          m.el('p', { class: 'koos-clock', 'data-koos-clock': '', text: round.timer?.duration_ms ? clock(secondsLeft(m, round.timer)) : '' }),
          m.el('div', { class: 'koos-controls' },
            button('koos-done', 'koos.mod.done', () => act('koos.round.next', { outcome: 'done' }), !round.current),
            button('koos-passed', 'koos.mod.passed', () => act('koos.round.next', { outcome: 'passed' }), !round.current),
            button('koos-later', 'koos.mod.later', () => act('koos.round.later', {}), !round.current),
            button('koos-skip', 'koos.mod.skip', () => act('koos.round.skip', {}), !round.current)),
          m.el('div', { class: 'koos-controls' },
            round.timer?.running ? button('koos-pause', 'koos.mod.pause', () => act('koos.round.timer', { action: 'pause' }))
              : button('koos-resume', 'koos.mod.resume', () => act('koos.round.timer', { action: 'resume' }), !round.timer?.duration_ms),
            button('koos-add', 'koos.mod.add_minute', () => act('koos.round.timer', { action: 'add', seconds: 60 })),
            button('koos-stop', 'koos.mod.stop', () => act('koos.round.stop', {}))),
          m.el('h3', { text: m.t('koos.mod.line') }),
          m.el('ol', { id: 'koos-line' }, ...round.line.map((p) => {
            const i = waiting.findIndex((w) => w.id === p.id);
            return m.el('li', { dataset: { status: p.status } },
              m.el('span', { text: `${p.label} · ${m.t(`koos.status.${p.status}`)}` }), ' ',
              p.status === 'waiting' && i > 0 ? m.el('button', { type: 'button', text: '↑',
                'aria-label': m.t('koos.mod.up', { who: p.label }), onclick: () => {
                  const ids = waiting.map((w) => w.id);
                  [ids[i - 1], ids[i]] = [ids[i], ids[i - 1]];
                  act('koos.round.arrange', { order: ids });
                } }) : null,
              p.status === 'waiting' ? m.el('button', { type: 'button', text: m.t('koos.mod.skip'),
                'aria-label': m.t('koos.mod.skip_who', { who: p.label }),
                onclick: () => act('koos.round.skip', { participant: p.id }) }) : null,
              p.status === 'skipped' || p.status === 'passed' ? m.el('button', { type: 'button', text: m.t('koos.mod.later'),
                'aria-label': m.t('koos.mod.later_who', { who: p.label }),
                onclick: () => act('koos.round.later', { participant: p.id }) }) : null);
          })));
      }
      if (problem) parts.push(m.el('p', { role: 'alert', text: problem }));
      root.replaceChildren(...parts);
    },
  });
  // A listener who joins late joins the end of the line: a fresh look when presence changes.
  m.on('presence', async () => {
    if (!state.get().round?.active) return;
    const ack = ackOf(await m.send('sync', {}));
    if (ack?.ok && ack.snapshot?.format_data?.round) {
      state.get().round = ack.snapshot.format_data.round;
      m.render();
    }
  });

  function button(id, key, onclick, disabled = false) {
    return m.el('button', { type: 'button', id, text: m.t(key), onclick, disabled });
  }
}
