// @ts-check
// A parent's phone (participant page, kind `parent`): choose the priorities. Dot vote: spread
// your dots with + and −; ranking: put the points in your order with ↑ and ↓. Nothing of the
// count is shown until the moderator closes the vote; then everyone sees the result.

import { ackOf, nikState, resultList, slotOf } from './kit.js';

export default async function setup(m) {
  await m.loadTranslations(import.meta.url);
  const state = nikState(m);
  /** The choice being made on this phone. @type {{dots: Record<string, number>, ranking: string[], dirty: boolean}} */
  const draft = { dots: {}, ranking: [], dirty: false };
  let status = '';

  const isParent = () => m.snapshot?.()?.kind === 'parent';

  const save = async () => {
    const vote = state.get().vote;
    const body = vote.method === 'dots' ? { dots: draft.dots } : { ranking: draft.ranking };
    const ack = ackOf(await m.send('nik.vote.cast', body));
    status = ack?.ok ? m.t('nik.parent.saved') : m.t('nik.parent.not_saved');
    if (ack?.ok) draft.dirty = false;
    m.render();
    m.announce?.(status);
  };

  m.registerPanel({
    id: 'nik.parent-vote',
    slot: slotOf(m, ['round', 'main']),
    order: 10,
    visible: () => {
      const d = state.get();
      return isParent() ? !!(d.points?.length) : !!(d.priorities?.length);
    },
    mount: () => m.el('section', { class: 'card nik-vote', 'aria-labelledby': 'nik-vote-title' },
      m.el('h2', { id: 'nik-vote-title', text: m.t('nik.parent.title') }), m.el('div', { class: 'nik-body' })),
    render: () => {
      const root = document.querySelector('[data-panel="nik.parent-vote"] .nik-body');
      if (!root) return;
      const d = state.get();
      const vote = d.vote;
      if (d.priorities?.length) {
        root.replaceChildren(m.el('p', { text: m.t('nik.results.intro') }), resultList(m, d.priorities));
        return;
      }
      if (!vote || vote.state !== 'open') {
        root.replaceChildren(m.el('p', { text: m.t('nik.parent.wait') }));
        return;
      }
      const points = d.points || [];
      if (!draft.dirty) {
        draft.dots = { ...(d.ballot?.dots || {}) };
        draft.ranking = d.ballot?.ranking?.length ? [...d.ballot.ranking] : points.map((p) => p.id);
      }
      root.replaceChildren(vote.method === 'dots' ? dots(points, vote) : ranking(points),
        m.el('button', { type: 'button', class: 'primary', id: 'nik-save', text: m.t('nik.parent.save'),
          onclick: save }),
        m.el('p', { role: 'status', id: 'nik-status', text: status }));
    },
  });

  /** @param {any[]} points @param {any} vote */
  function dots(points, vote) {
    const used = Object.values(draft.dots).reduce((a, b) => a + b, 0);
    const left = vote.dots_per_person - used;
    const change = (id, delta) => {
      const next = (draft.dots[id] || 0) + delta;
      if (next < 0 || (delta > 0 && left <= 0)) return;
      draft.dots[id] = next;
      draft.dirty = true;
      m.render();
    };
    return m.el('div', {},
      m.el('p', { id: 'nik-left', text: m.t('nik.parent.dots_left', { n: left, total: vote.dots_per_person }) }),
      m.el('ul', { class: 'nik-points' }, ...points.map((p) => m.el('li', {},
        m.el('span', { class: 'nik-text', text: p.text }),
        m.el('span', { class: 'nik-dots' },
          m.el('button', { type: 'button', 'aria-label': m.t('nik.parent.less', { point: p.text }),
            disabled: !(draft.dots[p.id] > 0), onclick: () => change(p.id, -1), text: '−' }),
          m.el('span', { class: 'nik-count', title: m.t('nik.parent.dots_on', { point: p.text }),
            text: String(draft.dots[p.id] || 0) }),
          m.el('button', { type: 'button', 'aria-label': m.t('nik.parent.more', { point: p.text }),
            disabled: left <= 0, onclick: () => change(p.id, 1), text: '+' }))))));
  }

  /** @param {any[]} points */
  function ranking(points) {
    const byId = new Map(points.map((p) => [p.id, p]));
    const ids = draft.ranking.filter((id) => byId.has(id));
    const move = (i, d) => {
      const j = i + d;
      if (j < 0 || j >= ids.length) return;
      [ids[i], ids[j]] = [ids[j], ids[i]];
      draft.ranking = ids;
      draft.dirty = true;
      m.render();
    };
    return m.el('div', {}, m.el('p', { text: m.t('nik.parent.rank_help') }),
      m.el('ol', { class: 'nik-points' }, ...ids.map((id, i) => m.el('li', {},
        m.el('span', { class: 'nik-text', text: byId.get(id).text }),
        m.el('button', { type: 'button', disabled: i === 0, onclick: () => move(i, -1), text: '↑',
          'aria-label': m.t('nik.parent.up', { point: byId.get(id).text }) }),
        m.el('button', { type: 'button', disabled: i === ids.length - 1, onclick: () => move(i, 1), text: '↓',
          'aria-label': m.t('nik.parent.down', { point: byId.get(id).text }) })))));
  }
}
