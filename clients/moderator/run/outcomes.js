// @ts-check
// Outcomes captured live (moderator or assistant): the kind, the text, for an action who and
// by when; the server links each to the phase it was captured in. The list below is editable
// and removable; the report screen (report/) takes them from there after the meeting.

import { confirmDialog } from './dialogs.js';
import { renderTabs } from './tabs.js';
import { $, S, can, el, meetingState, send, st, t, toast, truncate, ui, upsertOutcome } from './state.js';

const KINDS = ['improvement', 'decision', 'priority', 'action'];
function renderKinds() {
  S.rebuild($('kinds'), (frag) => {
    KINDS.forEach((k) => frag.append(el('label', { class: `seg kind-${k}` },
      el('input', { type: 'radio', name: 'kind', value: k, checked: ui.kind === k, 'data-fk': `kind-${k}`, onchange: () => { ui.kind = k; renderKinds(); } }),
      el('span', null, t(`kind.${k}`)))));
  });
  $('cap-extra').hidden = ui.kind !== 'action';
  $('cap-text').placeholder = t(`outcome.placeholder.${ui.kind}`);
}

function renderOutcomes() {
  renderKinds();
  const list = [...st.outcomes.values()].sort((a, b) => (b.created_at || 0) - (a.created_at || 0));
  const manage = can('outcomes');
  S.rebuild($('outcomes'), (frag) => {
    if (!list.length) { frag.append(el('p', { class: 'empty' }, t('outcome.empty'))); return; }
    const ul = el('ul', { class: 'olist', id: 'outcome-list' });
    list.forEach((o) => {
      if (ui.editOutcome === o.id) { ul.append(outcomeEditor(o)); return; }
      ul.append(el('li', { class: `o kind-${o.kind}`, dataset: { id: o.id } },
        el('span', { class: `tag kind kind-${o.kind}` }, t(`kind.${o.kind}`)),
        el('div', { class: 'o-body' },
          el('p', { class: 'o-text' }, o.text),
          o.owner || o.due ? el('p', { class: 'q-meta' }, o.owner ? el('span', null, `${t('outcome.owner')}: ${o.owner}`) : null, o.due ? el('span', null, `${t('outcome.due')}: ${o.due}`) : null) : null),
        manage ? el('div', { class: 'o-actions' },
          el('button', { type: 'button', class: 'btn ghost small', 'data-fk': `oe-${o.id}`, 'aria-label': t('outcome.editLabel', { text: truncate(o.text, 40) }), onclick: () => { ui.editOutcome = o.id; renderOutcomes(); const f = document.querySelector('[data-fk="oet"]'); if (f) f.focus(); } }, t('common.edit')),
          el('button', { type: 'button', class: 'btn ghost small', 'data-fk': `od-${o.id}`, 'aria-label': t('outcome.deleteLabel', { text: truncate(o.text, 40) }), onclick: () => deleteOutcome(o) }, t('common.delete'))) : null));
    });
    frag.append(ul);
  });
}

function outcomeEditor(o) {
  // The draft lives in ui, so an update arriving while typing does not undo the typing.
  if (!ui.editDraft || ui.editDraft.id !== o.id) ui.editDraft = { id: o.id, kind: o.kind, text: o.text, owner: o.owner || '', due: o.due || '' };
  const d = ui.editDraft;
  const kind = el('select', { 'data-fk': 'oek', 'aria-label': t('outcome.kind'), onchange: (e) => { d.kind = e.target.value; } }, KINDS.map((k) => el('option', { value: k, selected: d.kind === k }, t(`kind.${k}`))));
  const text = el('textarea', { 'data-fk': 'oet', rows: '3', maxlength: '2000', 'aria-label': t('outcome.text'), oninput: (e) => { d.text = e.target.value; } }, d.text);
  const owner = el('input', { 'data-fk': 'oeo', value: d.owner, maxlength: '120', oninput: (e) => { d.owner = e.target.value; } });
  const due = el('input', { 'data-fk': 'oed', type: 'date', value: d.due, oninput: (e) => { d.due = e.target.value; } });
  return el('li', { class: 'o editing' },
    el('div', { class: 'o-edit' }, kind, text,
      el('div', { class: 'row' }, el('label', null, t('outcome.owner'), ' ', owner), el('label', null, t('outcome.due'), ' ', due)),
      el('div', { class: 'row' },
        el('button', { type: 'button', class: 'btn primary small', onclick: async () => {
          const ack = await send('outcome.edit', { id: o.id, kind: kind.value, text: text.value.trim(), owner: owner.value.trim() || null, due: due.value || null });
          if (ack.ok) { ui.editOutcome = null; ui.editDraft = null; renderOutcomes(); }
        } }, t('common.save')),
        el('button', { type: 'button', class: 'btn ghost small', onclick: () => { ui.editOutcome = null; ui.editDraft = null; renderOutcomes(); } }, t('common.cancel')))));
}

async function deleteOutcome(o) {
  const ok = await confirmDialog(t('outcome.delete.title'), truncate(o.text, 160), t('common.delete'));
  if (!ok) return;
  const ack = await send('outcome.delete', { id: o.id });
  if (ack.ok) { st.outcomes.delete(o.id); renderOutcomes(); renderTabs(); }
}

/** @param {any} manager */
export default function setup(manager) {
  $('capture').addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = $('cap-text').value.trim();
    if (!text) { $('cap-text').focus(); return; }
    const payload = { id: S.uuid(), kind: ui.kind, text };
    if (ui.kind === 'action') {
      if ($('cap-owner').value.trim()) payload.owner = $('cap-owner').value.trim();
      if ($('cap-due').value) payload.due = $('cap-due').value;
    }
    const ack = await send('outcome.add', payload);
    if (ack.ok) {
      $('cap-text').value = '';
      $('cap-owner').value = '';
      $('cap-due').value = '';
      $('cap-text').focus();
      toast(t('outcome.added', { kind: t(`kind.${payload.kind}`) }));
    }
  });
  $('cap-text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $('capture').requestSubmit();
    }
  });
  manager.on('outcome', (/** @type {any} */ m) => { if (m && m.outcome) upsertOutcome(m.outcome); renderOutcomes(); renderTabs(); });
  manager.on('outcome.removed', (/** @type {any} */ m) => { if (m) st.outcomes.delete(m.id); renderOutcomes(); renderTabs(); });
  manager.registerPanel({
    id: 'outcomes',
    slot: 'right',
    order: 30,
    mount: () => $('panel-outcomes'),
    render() {
      renderOutcomes();
      $('capture').hidden = !(can('outcomes') && meetingState() !== 'archived');
    },
  });
}
