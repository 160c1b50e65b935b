// @ts-check
// The moderator's tools for the priority session: curate the improvement points raised
// (captured outcomes, notes listeners shared, or typed in), open the vote (dots with a number
// per person, or ranking), follow how many have chosen (never the count), enter the room's
// choice from the shared screen, close the vote and see the priorities.

import { ackOf, nikState, resultList, slotOf } from './kit.js';

export default async function setup(m) {
  await m.loadTranslations(import.meta.url);
  const state = nikState(m);
  /** @type {any[]} */
  let suggestions = [];
  let problem = '';
  const room = { dots: /** @type {Record<string, number>} */ ({}), voters: 1 };

  const act = async (event, payload) => {
    const ack = ackOf(await m.send(event, payload));
    problem = ack?.ok ? '' : m.t('nik.mod.refused', { code: ack?.error?.code ?? ack?.code ?? '?' });
    m.render();
    return ack;
  };
  const setPoints = (points) => act('nik.points.set', { points });
  const current = () => (state.get().points || []).map((p) => ({ id: p.id, text: p.text, source: p.source }));

  m.registerPanel({
    id: 'nik.moderator',
    slot: slotOf(m, ['side', 'main', 'round']),
    order: 20,
    visible: () => ['questions', 'priorities', 'ended'].includes(m.state?.()?.phase?.key ?? m.snapshot?.()?.phase?.key),
    mount: () => m.el('section', { class: 'card nik-moderator', 'aria-labelledby': 'nik-mod-title' },
      m.el('h2', { id: 'nik-mod-title', text: m.t('nik.mod.title') }), m.el('div', { class: 'nik-body' })),
    render: () => {
      const root = document.querySelector('[data-panel="nik.moderator"] .nik-body');
      if (!root) return;
      const d = state.get();
      const vote = d.vote;
      const open = vote?.state === 'open';
      const parts = [];
      if (d.setup?.series_label) parts.push(m.el('p', { class: 'nik-series', text: d.setup.series_label }));
      parts.push(m.el('h3', { text: m.t('nik.mod.points') }),
        m.el('ol', { id: 'nik-mod-points' }, ...(d.points || []).map((p, i) => m.el('li', {},
          m.el('span', { text: p.text }), ' ',
          open ? null : m.el('button', { type: 'button', text: m.t('nik.mod.remove'),
            'aria-label': m.t('nik.mod.remove_point', { point: p.text }),
            onclick: () => setPoints(current().filter((x) => x.id !== p.id)) }),
          open || i === 0 ? null : m.el('button', { type: 'button', text: '↑',
            'aria-label': m.t('nik.mod.up', { point: p.text }), onclick: () => {
              const list = current();
              [list[i - 1], list[i]] = [list[i], list[i - 1]];
              setPoints(list);
            } })))));
      if (!open) {
        const input = m.el('input', { id: 'nik-new-point', type: 'text', maxlength: '500' });
        parts.push(
          m.el('label', { for: 'nik-new-point', text: m.t('nik.mod.new_point') }), input,
          m.el('button', { type: 'button', id: 'nik-add-point', text: m.t('nik.mod.add'), onclick: () => {
            const text = /** @type {HTMLInputElement} */ (input).value.trim();
            if (text) setPoints([...current(), { id: m.uuid(), text, source: 'moderator' }]);
          } }),
          m.el('button', { type: 'button', id: 'nik-suggestions', text: m.t('nik.mod.suggestions'), onclick: async () => {
            const ack = await act('nik.suggestions', {});
            suggestions = ack?.ok ? ack.suggestions : [];
            m.render();
          } }),
          m.el('ul', { id: 'nik-suggestion-list' }, ...suggestions
            .filter((s) => !(d.points || []).some((p) => p.text === s.text))
            .map((s) => m.el('li', {}, m.el('span', { text: s.text }), ' ',
              m.el('button', { type: 'button', text: m.t('nik.mod.take'),
                'aria-label': m.t('nik.mod.take_point', { point: s.text }),
                onclick: () => setPoints([...current(), { id: m.uuid(), text: s.text, source: s.source }]) })))));
      }
      parts.push(voteTools(d, vote, open));
      if (d.priorities?.length) parts.push(m.el('h3', { text: m.t('nik.results.title') }), resultList(m, d.priorities));
      if (problem) parts.push(m.el('p', { role: 'alert', text: problem }));
      root.replaceChildren(...parts);
    },
  });

  function voteTools(d, vote, open) {
    if (!open) {
      const dots = m.el('input', { id: 'nik-dots', type: 'number', min: '1', max: '20', value: String(vote?.dots_per_person ?? 3) });
      const method = () => /** @type {HTMLInputElement} */ (dots).valueAsNumber || 3;
      return m.el('div', { class: 'nik-open' },
        m.el('label', { for: 'nik-dots', text: m.t('nik.mod.dots_per_person') }), dots,
        m.el('button', { type: 'button', id: 'nik-open-dots', text: m.t('nik.mod.open_dots'),
          onclick: () => act('nik.vote.open', { method: 'dots', dots_per_person: method() }) }),
        m.el('button', { type: 'button', id: 'nik-open-rank', text: m.t('nik.mod.open_rank'),
          onclick: () => act('nik.vote.open', { method: 'rank' }) }));
    }
    const progress = d.progress || { voters: vote.voters, dots_used: 0 };
    const points = d.points || [];
    return m.el('div', { class: 'nik-running' },
      m.el('p', { id: 'nik-progress', role: 'status', text: m.t('nik.mod.progress', { n: progress.voters }) }),
      vote.method === 'dots' ? m.el('p', {},
        m.el('button', { type: 'button', text: '−', 'aria-label': m.t('nik.mod.fewer_dots'),
          onclick: () => act('nik.vote.limit', { dots_per_person: vote.dots_per_person - 1 }) }),
        m.el('span', { id: 'nik-limit', text: ` ${m.t('nik.mod.limit', { n: vote.dots_per_person })} ` }),
        m.el('button', { type: 'button', text: '+', 'aria-label': m.t('nik.mod.more_dots'),
          onclick: () => act('nik.vote.limit', { dots_per_person: vote.dots_per_person + 1 }) })) : null,
      m.el('details', {}, m.el('summary', { class: 'btn ghost', text: m.t('nik.mod.room_vote') }),
        vote.method === 'dots'
          ? m.el('ul', {}, ...points.map((p) => m.el('li', {}, m.el('label', { text: p.text },
            m.el('input', { type: 'number', min: '0', max: '200', value: String(room.dots[p.id] || 0),
              onchange: (e) => { room.dots[p.id] = Number(e.target.value) || 0; } })))))
          : m.el('p', { text: m.t('nik.mod.room_rank') }),
        m.el('label', { text: m.t('nik.mod.room_voters') }, m.el('input', { type: 'number', min: '1', max: '50',
          value: String(room.voters), onchange: (e) => { room.voters = Number(e.target.value) || 1; } })),
        m.el('button', { type: 'button', text: m.t('nik.mod.room_save'), onclick: () => act('nik.vote.room',
          vote.method === 'dots' ? { dots: room.dots, voters: room.voters }
            : { ranking: points.map((p) => p.id), voters: room.voters }) })),
      m.el('button', { type: 'button', id: 'nik-close', class: 'primary', text: m.t('nik.mod.close'),
        onclick: () => act('nik.vote.close', {}) }));
  }
}
