// @ts-check
// Presence in the top bar: connected and joined listeners, and how many dropped out (a warning
// colour); a tap opens the details.

import { openDialog } from './dialogs.js';
import { renderLobby } from './invite.js';
import { $, S, el, st, t } from './state.js';

function renderPresence() {
  const p = st.presence || {};
  const dropped = (p.dropped || []).length;
  const chip = $('presence');
  chip.replaceChildren(...[
    el('span', { class: 'dot ok', 'aria-hidden': 'true' }),
    el('span', { id: 'presence-connected' }, t('presence.connected', { n: p.connected || 0 })),
    el('span', { class: 'sep', 'aria-hidden': 'true' }, '·'),
    el('span', { id: 'presence-joined' }, t('presence.joined', { n: p.joined || 0 })),
    dropped ? el('span', { class: 'dropped', id: 'presence-dropped' }, el('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), t('presence.dropped', { n: dropped })) : null].filter(Boolean));
  chip.classList.toggle('warn', dropped > 0);
}

/** Who came, who is connected, who dropped out (labels only, as the server gives them). */
function openPresence() {
  const p = st.presence || {};
  const body = el('div', null,
    el('dl', { class: 'facts' },
      el('dt', null, t('presence.joinedL')), el('dd', null, String(p.joined || 0)),
      el('dt', null, t('presence.connectedL')), el('dd', null, String(p.connected || 0)),
      el('dt', null, t('presence.droppedL')), el('dd', null, String((p.dropped || []).length))),
    (p.dropped || []).length
      ? el('ul', { class: 'dropped-list' }, p.dropped.map((d) => el('li', null, (d.labels && d.labels[S.lang()]) || d.label || t('presence.anon'))))
      : el('p', { class: 'hint' }, t('presence.noneDropped')),
    st.meeting && st.meeting.expected_listeners ? el('p', { class: 'hint' }, t('presence.expected', { n: st.meeting.expected_listeners })) : null);
  openDialog({ title: t('presence.title'), body, actions: [{ label: t('common.close'), primary: true }] });
}

/** @param {any} manager */
export default function setup(manager) {
  $('presence').addEventListener('click', openPresence);
  manager.on('presence', (/** @type {any} */ m) => { if (m && m.presence) st.presence = m.presence; renderPresence(); if (st.meeting) renderLobby(); });
  manager.registerPanel({ id: 'presence', slot: 'tools', order: 10, mount: () => $('presence'), render: renderPresence });
}
