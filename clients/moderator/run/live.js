// @ts-check
// The live round on the right: whose turn it is (speaking, waiting, done) and the poll or
// ranking with its results as they come in; a moderator with the right "run" opens and closes it.

import { $, S, can, el, listenerActions, send, st, t, toast } from './state.js';

function renderLive() {
  const panel = $('panel-live');
  const acts = listenerActions();
  S.rebuild(panel, (frag) => {
    if (acts.includes('turn') || (st.turns && st.turns.length)) {
      frag.append(el('h2', { class: 'group-h' }, t('turns.heading')));
      const order = { speaking: 0, waiting: 1, done: 2 };
      const list = (st.turns || []).filter((x) => x.state && x.state !== 'none')
        .sort((a, b) => (order[a.state] ?? 3) - (order[b.state] ?? 3) || (a.since || 0) - (b.since || 0));
      if (!list.length) frag.append(el('p', { class: 'empty' }, t('turns.empty')));
      else {
        frag.append(el('ol', { class: 'turns', id: 'turns' }, list.map((x) =>
          el('li', { class: `turn ${x.state}` }, el('span', null, x.label), el('span', { class: `tag turn-${x.state}` }, t(`turns.${x.state}`))))));
      }
    }
    if (acts.includes('vote') || st.poll) {
      frag.append(el('h2', { class: 'group-h' }, t('poll.heading')));
      if (st.poll) {
        const res = st.pollResults[st.poll.id] || {};
        const opts = st.poll.options || [];
        const scores = (res && res.scores) || {};
        const counts = opts.map((o) => Number(scores[o.id] || 0));
        const total = counts.reduce((a, b) => a + b, 0) || 0;
        frag.append(el('p', { class: 'poll-title' }, st.poll.title),
          el('p', { class: 'hint' }, t(st.poll.kind === 'rank' ? 'poll.answersRank' : 'poll.answers', { n: (res && res.answers) || 0 })),
          el('ul', { class: 'poll-results', id: 'poll-results' }, opts.map((o, i) => {
            const label = o.text || o.id;
            const pct = total ? Math.round((counts[i] / total) * 100) : 0;
            return el('li', null, el('span', { class: 'pr-label' }, label), el('span', { class: 'pr-bar', 'aria-hidden': 'true' }, el('span', { style: `width:${pct}%` })), el('span', { class: 'pr-n' }, String(counts[i])));
          })),
          can('run') ? el('button', { type: 'button', class: 'btn', 'data-fk': 'poll-close', onclick: () => send('poll.close', { id: st.poll.id }).then((a) => { if (a.ok) { st.poll = null; renderLive(); } }) }, t('poll.close')) : null);
      } else if (can('run')) {
        const title = el('input', { id: 'poll-title', 'data-fk': 'poll-title', maxlength: '200' });
        const opts = el('textarea', { id: 'poll-options', 'data-fk': 'poll-options', rows: '4' });
        const multi = el('input', { type: 'checkbox', id: 'poll-multi', 'data-fk': 'poll-multi' }); // ranking instead of a vote
        frag.append(el('div', { class: 'poll-form' },
          el('label', { class: 'stack' }, t('poll.title'), title),
          el('label', { class: 'stack' }, t('poll.options'), opts),
          el('label', { class: 'check' }, multi, ' ', t('poll.multi')),
          el('button', { type: 'button', class: 'btn primary', 'data-fk': 'poll-open', onclick: async () => {
            const options = opts.value.split('\n').map((x) => x.trim()).filter(Boolean).slice(0, 20).map((text) => ({ id: S.uuid().slice(0, 8), text }));
            if (!title.value.trim() || options.length < 2) { toast(t('poll.invalid'), 'error'); return; }
            await send('poll.open', { id: S.uuid(), kind: multi.checked ? 'rank' : 'vote', title: title.value.trim(), options });
          } }, t('poll.open'))));
      } else {
        frag.append(el('p', { class: 'empty' }, t('poll.none')));
      }
    }
  });
}

/** @param {any} manager */
export default function setup(manager) {
  manager.on('turns', (/** @type {any} */ m) => { st.turns = (m && m.turns) || []; renderLive(); });
  manager.on('poll.results', (/** @type {any} */ m) => {
    // The server sends {version, poll_id, answers, scores}; the protocol page says {poll_id, results}.
    if (m && m.poll_id) st.pollResults[m.poll_id] = m.results || m;
    renderLive();
  });
  manager.registerPanel({ id: 'live', slot: 'right', order: 40, mount: () => $('panel-live'), render: renderLive });
}
