// @ts-check
// The question queue (staff only): the questions listeners parked, chosen ones in asking order,
// later and for discussion, asked, and closed (not asked, merged, withdrawn). In a silent phase
// only the count shows, unless the moderator looks ("Toch bekijken") or chose otherwise. One row
// and its steps are in queue-row.js.

import { byOrder, onRedraw, questionRow, reorder, selectedIds } from './queue-row.js';
import { renderTabs } from './tabs.js';
import { $, S, can, el, meetingState, send, st, t, ui, upsertQuestion } from './state.js';

const byCreated = (a, b) => (a.created_at || 0) - (b.created_at || 0) || String(a.created_at).localeCompare(String(b.created_at));

function queueVisibility() {
  return (st.settings && st.settings.queue_visibility) || 'count';
}

export function renderQueue() {
  const panel = $('panel-questions');
  const all = [...st.questions.values()];
  const selected = all.filter((q) => q.status === 'selected').sort(byOrder);
  const parked = all.filter((q) => q.status === 'parked').sort(byCreated);
  const clarifying = parked.filter((q) => !q.triage || q.triage === 'clarifying');
  const other = parked.filter((q) => q.triage && q.triage !== 'clarifying');
  const asked = all.filter((q) => q.status === 'asked').sort((a, b) => (a.asked_at || 0) - (b.asked_at || 0));
  const closed = all.filter((q) => ['dismissed', 'merged', 'withdrawn'].includes(q.status)).sort(byCreated);
  const silent = !!(st.phase && st.phase.silent);
  const vis = queueVisibility();

  S.rebuild(panel, (frag) => {
    frag.append(el('h2', { class: 'sr-only' }, t('tabs.questions')));
    if (silent && !ui.peek && vis !== 'live') {
      const box = el('div', { class: 'queue-quiet' });
      if (vis === 'hidden') {
        box.append(el('p', { class: 'quiet-title' }, t('queue.hidden.title')), el('p', { class: 'hint' }, t('queue.hidden.text')));
      } else {
        box.append(
          el('p', { class: 'quiet-count', id: 'queue-count' }, String(parked.length + selected.length)),
          el('p', { class: 'quiet-title' }, t('queue.count.title', { n: parked.length + selected.length })),
          el('p', { class: 'hint' }, t('queue.count.text')));
      }
      box.append(el('button', { type: 'button', class: 'btn ghost', 'data-fk': 'peek', onclick: () => { ui.peek = true; renderQueue(); } }, t('queue.peek')));
      frag.append(box);
      if (can('setup')) frag.append(visibilitySetting(vis));
      return;
    }
    if (silent && ui.peek) {
      frag.append(el('p', { class: 'peek-bar' }, t('queue.peeking'), ' ',
        el('button', { type: 'button', class: 'btn link', 'data-fk': 'unpeek', onclick: () => { ui.peek = false; renderQueue(); } }, t('queue.unpeek'))));
    }
    const manage = can('questions') && meetingState() !== 'archived';
    // To ask, in asking order
    frag.append(el('h3', { class: 'group-h' }, t('queue.selected'), ' ', el('span', { class: 'count' }, String(selected.length))));
    if (!selected.length) frag.append(el('p', { class: 'empty' }, t(manage ? 'queue.selected.empty' : 'queue.selected.emptyRO')));
    const ol = el('ol', { class: 'qlist selected', id: 'q-selected' });
    selected.forEach((q, i) => ol.append(questionRow(q, 'selected', i, selected, manage)));
    frag.append(ol);

    frag.append(el('h3', { class: 'group-h' }, t('queue.parked'), ' ', el('span', { class: 'count' }, String(clarifying.length))));
    if (!clarifying.length) frag.append(el('p', { class: 'empty' }, t('queue.parked.empty')));
    const ul = el('ul', { class: 'qlist parked', id: 'q-parked' });
    clarifying.forEach((q) => ul.append(questionRow(q, 'parked', 0, clarifying, manage)));
    frag.append(ul);

    if (other.length) {
      frag.append(el('h3', { class: 'group-h' }, t('queue.later'), ' ', el('span', { class: 'count' }, String(other.length))));
      const ul2 = el('ul', { class: 'qlist later', id: 'q-later' });
      other.forEach((q) => ul2.append(questionRow(q, 'later', 0, other, manage)));
      frag.append(ul2);
    }
    if (asked.length) {
      const d = fold('asked', true,
        el('summary', null, t('queue.asked'), ' ', el('span', { class: 'count' }, String(asked.length))));
      const ol2 = el('ol', { class: 'qlist asked', id: 'q-asked' });
      asked.forEach((q) => ol2.append(questionRow(q, 'asked', 0, asked, manage)));
      d.append(ol2);
      frag.append(d);
    }
    if (closed.length) {
      const d = fold('closed', false,
        el('summary', null, t('queue.closed'), ' ', el('span', { class: 'count' }, String(closed.length))));
      const ul3 = el('ul', { class: 'qlist closed' });
      closed.forEach((q) => ul3.append(questionRow(q, 'closed', 0, closed, manage)));
      d.append(ul3);
      frag.append(d);
    }
    if (silent && can('setup')) frag.append(visibilitySetting(vis));
  });
}

function fold(name, dflt, summary) {
  const open = name in ui.folds ? ui.folds[name] : dflt;
  const d = el('details', { class: 'fold', open, 'data-fold': name }, summary);
  d.addEventListener('toggle', () => { ui.folds[name] = d.open; });
  return d;
}

function visibilitySetting(vis) {
  const box = el('fieldset', { class: 'visibility' }, el('legend', null, t('queue.vis.legend')));
  for (const v of ['count', 'hidden', 'live']) {
    box.append(el('label', { class: 'radio' },
      el('input', { type: 'radio', name: 'qvis', value: v, checked: vis === v, 'data-fk': `qvis-${v}`,
        onchange: () => send('meeting.update', { queue_visibility: v }).then((ack) => { if (ack.ok) st.settings = Object.assign({}, st.settings, { queue_visibility: v }); renderQueue(); }) }),
      ' ', t(`queue.vis.${v}`)));
  }
  return box;
}


/** Drag and drop in the list "to ask" (the arrows do the same without a mouse). @param {HTMLElement} panelQ */
function wireDrag(panelQ) {
  panelQ.addEventListener('dragstart', (e) => {
    const li = /** @type {HTMLElement|null} */ (/** @type {HTMLElement} */ (e.target).closest?.('li.q.selected') ?? null);
    if (!li) return;
    ui.drag = li.dataset.id;
    li.classList.add('dragging');
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', ui.drag);
  });
  panelQ.addEventListener('dragover', (e) => {
    if (!ui.drag) return;
    const li = /** @type {HTMLElement|null} */ (/** @type {HTMLElement} */ (e.target).closest?.('li.q.selected') ?? null);
    if (!li) return;
    e.preventDefault();
    panelQ.querySelectorAll('.drop-before, .drop-after').forEach((n) => n.classList.remove('drop-before', 'drop-after'));
    const r = li.getBoundingClientRect();
    li.classList.add(e.clientY < r.top + r.height / 2 ? 'drop-before' : 'drop-after');
  });
  panelQ.addEventListener('dragend', () => {
    ui.drag = null;
    panelQ.querySelectorAll('.dragging, .drop-before, .drop-after').forEach((n) => n.classList.remove('dragging', 'drop-before', 'drop-after'));
  });
  panelQ.addEventListener('drop', (e) => {
    if (!ui.drag) return;
    const li = /** @type {HTMLElement|null} */ (/** @type {HTMLElement} */ (e.target).closest?.('li.q.selected') ?? null);
    e.preventDefault();
    const dragged = ui.drag;
    ui.drag = null;
    if (!li || li.dataset.id === dragged) { renderQueue(); return; }
    const r = li.getBoundingClientRect();
    const after = e.clientY >= r.top + r.height / 2;
    const ids = selectedIds().filter((x) => x !== dragged);
    let at = ids.indexOf(li.dataset.id);
    if (after) at += 1;
    ids.splice(at, 0, dragged);
    reorder(ids);
  });
}

/** @param {any} manager */
export default function setup(manager) {
  onRedraw(renderQueue);
  const again = () => { renderQueue(); renderTabs(); };
  manager.on('question', (/** @type {any} */ m) => { if (m && m.question) upsertQuestion(m.question); again(); });
  manager.on('question.removed', (/** @type {any} */ m) => { if (m) st.questions.delete(m.id); again(); });
  manager.on('queue', (/** @type {any} */ m) => { ((m && m.questions) || []).forEach(upsertQuestion); again(); });
  manager.on('settings', (/** @type {any} */ m) => { if (m && m.settings) st.settings = m.settings; renderQueue(); });
  manager.on('prepared', (/** @type {any} */ m) => { if (m && Array.isArray(m.prepared)) st.prepared = m.prepared; renderQueue(); });
  manager.registerPanel({
    id: 'questions',
    slot: 'right',
    order: 20,
    mount() {
      const panel = $('panel-questions');
      wireDrag(panel);
      return panel;
    },
    render: renderQueue,
  });
}
