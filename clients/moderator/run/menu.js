// @ts-check
// The "Meer" menu of the top bar and what it opens: the meeting's details, the prepared
// questions, the room display and assistant links, the shortcuts, the report, archiving, and
// forgetting the link on a shared laptop. Which items show follows the link's rights.

import { disconnect, fatal } from './connection.js';
import { confirmDialog, openDialog } from './dialogs.js';
import { openAssistantDialog, openDisplayDialog } from './invite.js';
import { archiveMeeting } from './phase.js';
import { openPreparedEditor } from './prompter.js';
import { $, S, STORE, can, el, isModerator, meetingId, meetingState, phaseText, phases, send, t, toast, st } from './state.js';

/** Only the steps of the rights on this link (the server refuses the rest anyway). */
function renderRights() {
  const show = (/** @type {string} */ id, /** @type {boolean} */ ok) => { const n = $(id); if (n) n.hidden = !ok; };
  show('mi-details', can('setup'));
  show('mi-prepared', can('setup'));
  show('mi-archive', can('setup') && meetingState() === 'ended');
  show('mi-display', isModerator());
  show('mi-assistant', isModerator());
  show('btn-invite', true);
  $('mi-display').parentElement.hidden = !isModerator();
  $('mi-assistant').parentElement.hidden = !isModerator();
  $('mi-details').parentElement.hidden = !can('setup');
  $('mi-prepared').parentElement.hidden = !can('setup');
  $('mi-archive').parentElement.hidden = !(can('setup') && meetingState() === 'ended');
}

function openDetails() {
  const m = st.meeting;
  const f = (id, lab, input) => el('label', { class: 'stack' }, lab, input);
  const title = el('input', { id: 'd-title', value: m.title || '', maxlength: '200', required: true });
  const theme = el('textarea', { id: 'd-theme', rows: '2', maxlength: '1000' }, m.theme || '');
  const when = el('input', { id: 'd-date', type: 'datetime-local', value: S.toLocalInput(m.scheduled_for) });
  const lang = el('select', { id: 'd-lang' }, ['nl', 'en'].map((l) => el('option', { value: l, selected: m.language === l }, t(`lang.${l}`))));
  const expected = el('input', { id: 'd-expected', type: 'number', min: '0', max: '500', value: m.expected_listeners ?? '' });
  const durs = phases().filter((p) => p.key !== 'ended').map((p) => ({ p, input: el('input', { type: 'number', min: '0', max: '600', step: '1', value: p.duration ? Math.round(p.duration / 60) : '', 'aria-label': t('details.durationFor', { phase: phaseText(p, 'title') }) }) }));
  const body = el('div', { class: 'form-grid' },
    f('title', t('field.title'), title), f('theme', t('field.theme'), theme),
    el('div', { class: 'row' }, f('date', t('field.date'), when), f('lang', t('field.language'), lang), f('exp', t('field.expected'), expected)),
    el('fieldset', { class: 'durations' }, el('legend', null, t('field.durations')),
      durs.map(({ p, input }) => el('label', { class: 'dur' }, el('span', null, phaseText(p, 'title')), input, el('span', { class: 'unit' }, t('unit.min'))))));
  openDialog({
    title: t('menu.details'), body, wide: true,
    actions: [{ label: t('common.cancel') }, { label: t('common.save'), primary: true, onClick: async () => {
      const payload = { title: title.value.trim(), theme: theme.value.trim(), language: lang.value };
      if (!payload.title) { title.focus(); return false; }
      if (when.value) payload.scheduled_for = new Date(when.value).toISOString();
      if (expected.value !== '') payload.expected_listeners = Number(expected.value);
      const durations = {};
      durs.forEach(({ p, input }) => { if (input.value !== '') durations[p.key] = Math.round(Number(input.value) * 60); });
      if (Object.keys(durations).length) payload.durations = durations;
      const ack = await send('meeting.update', payload);
      if (ack.ok) { toast(t('common.saved')); return true; }
      return false;
    } }],
  });
}

export function openHelp() {
  const rows = [
    ['N', 'keys.next'], ['B', 'keys.back'], ['T', 'keys.timer'], ['+', 'keys.plus'], ['−', 'keys.minus'],
    ['J', 'keys.promptNext'], ['K', 'keys.promptPrev'], ['S', 'keys.show'], ['O', 'keys.outcome'],
    ['V', 'keys.questions'], ['I', 'keys.invite'], ['?', 'keys.help'], ['Esc', 'keys.close'],
  ];
  const body = el('div', null, el('p', { class: 'hint' }, t('keys.intro')),
    el('dl', { class: 'keys', id: 'keys-list' }, rows.map(([k, label]) => [el('dt', null, el('kbd', null, k)), el('dd', null, t(label))])));
  openDialog({ title: t('keys.title'), body, actions: [{ label: t('common.close'), primary: true }] });
}
// On a shared laptop: take the key off this device; the meeting itself goes on.
async function forgetLink() {
  if (!(await confirmDialog(t('forget.title'), t('forget.text'), t('forget.ok')))) return;
  S.forgetKey(STORE);
  disconnect();
  fatal(t('forget.done.title'), t('forget.done.text'));
}

/** @param {any} manager */
export default function setup(manager) {
  $('btn-help').addEventListener('click', openHelp);

  const menuBtn = $('btn-menu');
  const menuList = $('menu-list');
  function setMenu(open) {
    menuList.hidden = !open;
    menuBtn.setAttribute('aria-expanded', String(open));
    if (open) { const first = [...menuList.querySelectorAll('button')].find((b) => !b.closest('li').hidden); if (first) first.focus(); }
  }
  menuBtn.addEventListener('click', () => setMenu(menuList.hidden));
  menuList.addEventListener('keydown', (e) => {
    const items = [...menuList.querySelectorAll('button')].filter((b) => !b.closest('li').hidden);
    const i = items.indexOf(document.activeElement);
    if (e.key === 'ArrowDown') { items[(i + 1) % items.length].focus(); e.preventDefault(); }
    else if (e.key === 'ArrowUp') { items[(i - 1 + items.length) % items.length].focus(); e.preventDefault(); }
    else if (e.key === 'Escape') { setMenu(false); menuBtn.focus(); e.stopPropagation(); }
  });
  document.addEventListener('click', (e) => { if (!$('menu').contains(e.target)) setMenu(false); });
  const menuAction = (id, fn) => $(id).addEventListener('click', () => { setMenu(false); fn(); });
  menuAction('mi-details', openDetails);
  menuAction('mi-prepared', openPreparedEditor);
  menuAction('mi-display', openDisplayDialog);
  menuAction('mi-assistant', openAssistantDialog);
  menuAction('mi-help', openHelp);
  menuAction('mi-report', () => window.open(`/moderate/${encodeURIComponent(meetingId)}/report`, '_blank', 'noopener'));
  menuAction('mi-archive', archiveMeeting);
  menuAction('mi-forget', forgetLink);
  manager.registerPanel({ id: 'menu', slot: 'tools', order: 40, mount: () => $('menu'), render: renderRights });
}
