// @ts-check
// The ways in: the lobby card (QR, code, count) while people come in, the invite dialog, and the
// links made once for the room display and an assistant (shown once, never stored here).

import { closeDialog, openDialog } from './dialogs.js';
import { promptList } from './prompter.js';
import { $, S, el, isModerator, meetingState, phaseIndex, send, st, t, toast } from './state.js';

/** While people come in, the way in is on the screen. */
export function renderLobby() {
  const card = $('lobby-card');
  const inLobby = phaseIndex() <= 0 && ['draft', 'open'].includes(meetingState());
  card.hidden = !inLobby;
  $('prompter-card').hidden = inLobby && !promptList().length;
  if (!inLobby) return;
  const code = st.meeting.code;
  const url = st.joinUrl || `${location.origin}/join/${code}`;
  const p = st.presence || {};
  S.rebuild($('lobby-body'), (frag) => {
    frag.append(el('div', { class: 'lobby-grid' },
      el('img', { class: 'lobby-qr', src: `/qr/${encodeURIComponent(code)}.svg`, alt: t('invite.qrAlt', { url }), width: '132', height: '132' }),
      el('div', null,
        el('p', { class: 'eyebrow' }, t('invite.code')),
        el('p', { class: 'lobby-code', id: 'lobby-code' }, code),
        el('p', { class: 'hint' }, url),
        el('p', { class: 'lobby-count' }, st.meeting.expected_listeners
          ? t('lobby.countOf', { n: p.joined || 0, total: st.meeting.expected_listeners })
          : t('lobby.count', { n: p.joined || 0 })))),
    el('div', { class: 'row' },
      el('a', { class: 'btn', href: printUrl(), target: '_blank', rel: 'noopener' }, t('invite.print')),
      isModerator() ? el('button', { type: 'button', class: 'btn ghost', 'data-fk': 'lobby-display', onclick: openDisplayDialog }, t('menu.display')) : null));
  });
}

// invite
function printUrl() {
  const code = st.meeting.code;
  return `/static/moderator/print.html?code=${encodeURIComponent(code)}&url=${encodeURIComponent(st.joinUrl || `${location.origin}/join/${code}`)}`;
}
export function openInvite() {
  const code = st.meeting.code;
  const url = st.joinUrl || `${location.origin}/join/${code}`;
  const field = el('input', { readonly: true, value: url, id: 'invite-url', 'aria-label': t('invite.link') });
  const body = el('div', { class: 'invite' },
    el('div', { class: 'invite-qr' }, el('img', { src: `/qr/${encodeURIComponent(code)}.svg`, alt: t('invite.qrAlt', { url }), width: '220', height: '220' })),
    el('div', { class: 'invite-text' },
      el('p', { class: 'eyebrow' }, t('invite.code')),
      el('p', { class: 'invite-code', id: 'invite-code' }, code),
      el('label', { class: 'stack' }, t('invite.link'), el('div', { class: 'copy-row' }, field,
        el('button', { type: 'button', class: 'btn', onclick: async () => toast(await S.copy(url, field) ? t('common.copied') : t('common.copyFailed')) }, t('common.copy')))),
      el('p', { class: 'hint' }, t('invite.hint')),
      el('div', { class: 'row' },
        el('a', { class: 'btn', href: printUrl(), target: '_blank', rel: 'noopener', id: 'invite-print' }, t('invite.print')),
        isModerator() ? el('button', { type: 'button', class: 'btn ghost', onclick: () => { closeDialog(); openDisplayDialog(); } }, t('menu.display')) : null)));
  openDialog({ title: t('invite.title'), body, wide: true, actions: [{ label: t('common.close'), primary: true }] });
}

export function openDisplayDialog() {
  const out = el('div', { class: 'once', id: 'display-out' });
  const body = el('div', null, el('p', null, t('display.text')), el('p', { class: 'hint' }, t('display.warn')), out);
  openDialog({
    title: t('menu.display'), body,
    actions: [
      { label: t('common.close') },
      { label: t('display.create'), primary: true, id: 'display-create', onClick: async () => {
        const ack = await send('display.link', {});
        if (ack.ok) showOnce(out, ack.ack.url, t('display.open'));
        return false;
      } },
    ],
  });
}

function showOnce(out, url, openLabel) {
  const field = el('input', { readonly: true, value: url, class: 'once-url', 'aria-label': t('common.link') });
  out.replaceChildren(...[
    el('p', { class: 'once-warn' }, t('once.warn')),
    el('div', { class: 'copy-row' }, field,
      el('button', { type: 'button', class: 'btn', onclick: async () => toast(await S.copy(url, field) ? t('common.copied') : t('common.copyFailed')) }, t('common.copy'))),
    openLabel ? el('a', { class: 'btn primary', href: url, target: '_blank', rel: 'noopener', id: 'once-open' }, openLabel) : null].filter(Boolean));
  field.focus();
  field.select();
}

export function openAssistantDialog() {
  const out = el('div', { class: 'once', id: 'assistant-out' });
  const rights = ['run', 'questions', 'outcomes'];
  const defaults = { run: false, questions: true, outcomes: true };
  const boxes = rights.map((r) => el('label', { class: 'check' },
    el('input', { type: 'checkbox', value: r, checked: defaults[r], name: 'right' }), ' ',
    el('span', null, el('strong', null, t(`right.${r}`)), el('span', { class: 'hint block' }, t(`right.${r}.text`)))));
  const label = el('input', { maxlength: '60', id: 'assistant-label', placeholder: t('assistant.labelPh') });
  const body = el('div', null, el('p', null, t('assistant.text')),
    el('fieldset', { class: 'checks' }, el('legend', null, t('assistant.rights')), boxes),
    el('label', { class: 'stack' }, t('assistant.label'), label), out);
  openDialog({
    title: t('menu.assistant'), body,
    actions: [
      { label: t('common.close') },
      { label: t('assistant.create'), primary: true, id: 'assistant-create', onClick: async () => {
        const chosen = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
        if (!chosen.length) { toast(t('assistant.none'), 'error'); return false; }
        const payload = { rights: chosen };
        if (label.value.trim()) payload.label = label.value.trim();
        const ack = await send('assistant.create', payload);
        if (ack.ok) showOnce(out, ack.ack.url, null);
        return false;
      } },
    ],
  });
}

/** @param {any} manager */
export default function setup(manager) {
  $('btn-invite').addEventListener('click', openInvite);
  manager.registerPanel({ id: 'lobby', slot: 'left', order: 20, mount: () => $('lobby-card'), render: renderLobby });
}
