// @ts-check
// Outcomes captured live (moderator or assistant): the kind, the text, for an action who and
// by when; the server links each to the phase it was captured in (shown with the form and on
// each item). The kinds are the meeting's (`snapshot.outcome_kinds`: the core six and those a
// format adds), else the core six. The list below is editable and removable; the report
// screen (report/) takes them from there after the meeting.

import { confirmDialog } from './dialogs.js';
import { renderTabs } from './tabs.js';
import { $, S, can, el, meetingState, phaseText, phases, running, send, st, t, toast, truncate, ui, upsertOutcome } from './state.js';

/** The core kinds, in capture order, when the server names none. */
const CORE_KINDS = ['well', 'improvement', 'wish', 'decision', 'priority', 'action'];

/** The kinds this meeting offers (ids), in the order the server gives them. @returns {string[]} */
function kinds() {
  const own = (st.outcomeKinds || []).map((/** @type {any} */ k) => k && k.kind).filter(Boolean);
  return own.length ? own : CORE_KINDS;
}

/** A kind's name on this screen: the catalogue's for the core kinds (it follows the screen's
 * language), the server's {nl, en} for a format's own. @param {string} kind */
export function kindLabel(kind) {
  if (S.i18n.knows(`kind.${kind}`)) return t(`kind.${kind}`);
  const def = (st.outcomeKinds || []).find((/** @type {any} */ k) => k && k.kind === kind);
  return (def && ((def.labels && def.labels[S.lang()]) || def.label)) || kind;
}

/** @param {string} key a phase's key @returns {string} its title, '' when unknown */
function phaseTitle(key) {
  return key ? phaseText(phases().find((p) => p.key === key), 'title') : '';
}

function renderKinds() {
  const list = kinds();
  if (!list.includes(ui.kind)) ui.kind = list.includes('improvement') ? 'improvement' : list[0];
  // Radios are always rebuilt by S.rebuild; skip when nothing shown changed, so a tap on a
  // kind is not swallowed by an unrelated update arriving mid-tap.
  const shown = JSON.stringify([list.map(kindLabel), ui.kind]);
  if ($('kinds').dataset.shown !== shown) {
    $('kinds').dataset.shown = shown;
    S.rebuild($('kinds'), (frag) => {
      list.forEach((k) => frag.append(el('label', { class: `seg kind-${k}` },
        el('input', { type: 'radio', name: 'kind', value: k, checked: ui.kind === k, 'data-fk': `kind-${k}`, onchange: () => { ui.kind = k; renderKinds(); } }),
        el('span', null, kindLabel(k)))));
    });
  }
  $('cap-extra').hidden = ui.kind !== 'action';
  const own = `outcome.placeholder.${ui.kind}`;
  $('cap-text').placeholder = S.i18n.knows(own) ? t(own) : t('outcome.placeholder', { kind: kindLabel(ui.kind) });
  const phase = running() ? phaseTitle(st.phase && st.phase.key) : '';
  const where = phase ? t('outcome.capturePhase', { phase }) : '';
  if ($('cap-phase').textContent !== where) $('cap-phase').textContent = where;
  $('cap-phase').hidden = !where;
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
        el('span', { class: `tag kind kind-${o.kind}` }, kindLabel(o.kind)),
        el('div', { class: 'o-body' },
          el('p', { class: 'o-text' }, o.text),
          outcomeMeta(o)),
        manage ? el('div', { class: 'o-actions' },
          el('button', { type: 'button', class: 'btn ghost small', 'data-fk': `oe-${o.id}`, 'aria-label': t('outcome.editLabel', { text: truncate(o.text, 40) }), onclick: () => { ui.editOutcome = o.id; renderOutcomes(); const f = /** @type {HTMLElement|null} */ (document.querySelector('[data-fk="oet"]')); if (f) f.focus(); } }, t('common.edit')),
          el('button', { type: 'button', class: 'btn ghost small', 'data-fk': `od-${o.id}`, 'aria-label': t('outcome.deleteLabel', { text: truncate(o.text, 40) }), onclick: () => deleteOutcome(o) }, t('common.delete'))) : null));
    });
    frag.append(ul);
  });
}

/** Who and by when (an action), and the phase it was captured in. @param {any} o */
function outcomeMeta(o) {
  const phase = phaseTitle(o.phase);
  if (!o.owner && !o.due && !phase) return null;
  return el('p', { class: 'q-meta' },
    o.owner ? el('span', null, `${t('outcome.owner')}: ${o.owner}`) : null,
    o.due ? el('span', null, `${t('outcome.due')}: ${o.due}`) : null,
    phase ? el('span', { class: 'o-phase' }, t('outcome.inPhase', { phase })) : null);
}

function outcomeEditor(o) {
  // The draft lives in ui, so an update arriving while typing does not undo the typing.
  if (!ui.editDraft || ui.editDraft.id !== o.id) ui.editDraft = { id: o.id, kind: o.kind, text: o.text, owner: o.owner || '', due: o.due || '' };
  const d = ui.editDraft;
  const kind = el('select', { 'data-fk': 'oek', 'aria-label': t('outcome.kind'), onchange: (e) => { d.kind = e.target.value; } }, [...new Set([...kinds(), d.kind])].map((k) => el('option', { value: k, selected: d.kind === k }, kindLabel(k))));
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
      toast(t('outcome.added', { kind: kindLabel(payload.kind) }));
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
