// @ts-check
// One question in the queue: its text, who asked it as the server labels them, tags, and one
// obvious step ("Kiezen", "Nu vragen", "Gesteld"); the rest behind "…" in plain words, opened in
// the flow of the page. Merge, "niet stellen" and "gesteld" offer "Ongedaan maken".

import { S, el, hooks, send, st, t, toast, truncate, ui } from './state.js';

export const byOrder = (/** @type {any} */ a, /** @type {any} */ b) => (a.position ?? a.order ?? 1e9) - (b.position ?? b.order ?? 1e9) || String(a.created_at).localeCompare(String(b.created_at));

function preparedText(id) {
  const p = st.prepared.find((x) => x.id === id);
  return p ? p.text : '';
}

/** Draw the queue again (queue.js says how). */
let redraw = () => {};
/** @param {() => void} fn */
export function onRedraw(fn) {
  redraw = fn;
}

export function questionRow(q, group, i, list, manage) {
  const merged = [...st.questions.values()].filter((x) => x.merged_into === q.id);
  const onScreen = !!(st.asking && st.asking.id === q.id);
  const li = el('li', {
    class: `q ${group}${onScreen ? ' asking' : ''}`, dataset: { id: q.id }, id: `q-${q.id}`,
    draggable: group === 'selected' && manage ? 'true' : null,
  });
  const head = el('div', { class: 'q-main' });
  if (group === 'selected') {
    head.append(el('span', { class: 'q-pos', 'aria-hidden': 'true' }, String(i + 1)));
    if (manage) head.append(el('span', { class: 'grip', 'aria-hidden': 'true', title: t('queue.drag') }, '⋮⋮'));
  }
  const body = el('div', { class: 'q-body' },
    el('p', { class: 'q-text' }, q.text),
    el('p', { class: 'q-meta' },
      q.author ? el('span', null, (q.author_labels && q.author_labels[S.lang()]) || q.author) : null,
      onScreen ? el('span', { class: 'tag on-screen' }, el('span', { class: 'dot', 'aria-hidden': 'true' }), t('queue.onScreen')) : null,
      q.triage && q.triage !== 'clarifying' ? el('span', { class: `tag ${q.triage}` }, t(`triage.${q.triage}`)) : null,
      q.prepared_id ? el('span', { class: 'tag link' }, '↳ ', truncate(preparedText(q.prepared_id), 48)) : null,
      merged.length ? el('span', { class: 'tag merged' }, t('queue.mergedCount', { n: merged.length })) : null,
      q.status === 'dismissed' ? el('span', { class: 'tag' }, t('status.dismissed'), q.reason ? `: ${q.reason}` : '') : null,
      q.status === 'merged' ? el('span', { class: 'tag' }, t('status.merged')) : null,
      q.status === 'withdrawn' ? el('span', { class: 'tag' }, t('status.withdrawn')) : null));
  head.append(body);
  li.append(head);
  if (merged.length && group !== 'closed') {
    li.append(el('ul', { class: 'q-merged', 'aria-label': t('queue.mergedList') }, merged.map((m) => el('li', null, m.text))));
  }
  if (manage && group === 'asked') {
    li.append(el('div', { class: 'q-actions' }, el('button', { type: 'button', class: 'btn small ghost', 'data-fk': `reask-${q.id}`, onclick: () => updateQ(q.id, { status: 'selected' }) }, t('queue.reask'))));
  }
  if (manage && group === 'closed' && q.status === 'dismissed') {
    li.append(el('div', { class: 'q-actions' }, el('button', { type: 'button', class: 'btn small ghost', 'data-fk': `repark-${q.id}`, 'data-action': 'repark', onclick: () => updateQ(q.id, { status: 'parked', reason: '' }) }, t('queue.repark'))));
  }
  if (manage && group === 'closed' && q.status === 'merged') {
    li.append(el('div', { class: 'q-actions' }, el('button', { type: 'button', class: 'btn small ghost', 'data-fk': `unmerge-${q.id}`, 'data-action': 'unmerge', onclick: () => updateQ(q.id, { status: 'parked' }) }, t('queue.unmerge'))));
  }
  if (!manage || group === 'closed' || group === 'asked') return li;

  // One obvious action per question; everything else behind "…", in plain words.
  const label = truncate(q.text, 40);
  const acts = el('div', { class: 'q-actions' });
  const more = [];
  // A step closes the "…" list; one that opens a form below (merge, link, dismiss) keeps it.
  const item = (action, text, onclick, extra) => el('button', Object.assign({
    type: 'button', class: 'btn small ghost', 'data-fk': `${action}-${q.id}`, 'data-action': action,
    onclick: extra ? onclick : () => { ui.more = null; onclick(); },
  }, extra || {}), text);
  if (group === 'selected') {
    acts.append(
      el('button', { type: 'button', class: 'btn icon', 'data-fk': `up-${q.id}`, disabled: i === 0, 'aria-label': t('queue.up', { q: label }), onclick: () => move(q.id, -1) }, '↑'),
      el('button', { type: 'button', class: 'btn icon', 'data-fk': `down-${q.id}`, disabled: i === list.length - 1, 'aria-label': t('queue.down', { q: label }), onclick: () => move(q.id, 1) }, '↓'));
    if (onScreen) {
      acts.append(el('button', { type: 'button', class: 'btn primary small', 'data-fk': `asked-${q.id}`, 'data-action': 'asked', onclick: () => markAsked(q) }, t('queue.markAsked')));
      more.push(item('offscreen', t('queue.offScreen'), () => send('question.asking', { id: null })));
    } else {
      acts.append(el('button', { type: 'button', class: 'btn primary small', 'data-fk': `asknow-${q.id}`, 'data-action': 'asknow', title: t('queue.askNow.hint'), onclick: () => send('question.asking', { id: q.id }) }, t('queue.askNow')));
      more.push(item('asked', t('queue.markAsked'), () => markAsked(q)));
    }
    more.push(item('unselect', t('queue.unselect'), () => updateQ(q.id, { status: 'parked' })));
  } else if (group === 'parked') {
    acts.append(el('button', { type: 'button', class: 'btn primary small', 'data-fk': `sel-${q.id}`, 'data-action': 'select', onclick: () => updateQ(q.id, { status: 'selected' }) }, t('queue.select')));
  } else {
    acts.append(el('button', { type: 'button', class: 'btn small', 'data-fk': `tri-clarifying-${q.id}`, 'data-action': 'triage-clarifying', onclick: () => updateQ(q.id, { triage: 'clarifying' }) }, t('queue.triageTo.clarifying')));
  }
  for (const tr of ['later', 'discussion']) {
    if ((q.triage || 'clarifying') !== tr) more.push(item(`triage-${tr}`, t(`queue.triageTo.${tr}`), () => updateQ(q.id, { triage: tr })));
  }
  more.push(item('merge', t('queue.merge'), () => toggleExpand(q.id, 'merge'), { 'aria-expanded': String(isOpen(q.id, 'merge')) }));
  if (st.prepared.length) more.push(item('link', t('queue.link'), () => toggleExpand(q.id, 'link'), { 'aria-expanded': String(isOpen(q.id, 'link')) }));
  more.push(item('dismiss', t('queue.dismiss'), () => toggleExpand(q.id, 'dismiss'), { 'aria-expanded': String(isOpen(q.id, 'dismiss')) }));
  const moreOpen = ui.more === q.id;
  acts.append(el('button', {
    type: 'button', class: 'btn small more-btn', 'data-fk': `more-${q.id}`, 'data-action': 'more',
    'aria-label': t('queue.more', { q: label }), 'aria-expanded': String(moreOpen), 'aria-controls': `qm-${q.id}`,
    onclick: () => { ui.more = moreOpen ? null : q.id; if (moreOpen) ui.expanded = null; redraw(); },
  }, '…'));
  li.append(acts);
  // In the flow of the page (never a floating menu that a card edge can cut off).
  if (moreOpen) li.append(el('div', { class: 'q-more', id: `qm-${q.id}`, role: 'group', 'aria-label': t('queue.moreGroup') }, more));
  if (ui.expanded && ui.expanded.id === q.id) li.append(expandedForm(q));
  return li;
}

/** A step with its way back: the toast offers "Ongedaan maken" for a few seconds. */
function offerUndo(message, undo) {
  toast(message, 'info', { label: t('common.undo'), run: undo });
}

async function markAsked(q) {
  const ack = await updateQ(q.id, { status: 'asked' });
  if (ack.ok) offerUndo(t('queue.askedToast'), () => updateQ(q.id, { status: 'selected' }));
}

const isOpen = (id, mode) => !!(ui.expanded && ui.expanded.id === id && ui.expanded.mode === mode);
function toggleExpand(id, mode) {
  ui.expanded = isOpen(id, mode) ? null : { id, mode };
  ui.dismissReason = '';
  redraw();
  const first = /** @type {HTMLElement|null} */ (document.querySelector(`#q-${CSS.escape(id)} .q-expand [data-fk]`));
  if (first) first.focus();
}

function expandedForm(q) {
  const box = el('div', { class: 'q-expand' });
  if (ui.expanded.mode === 'merge') {
    const targets = [...st.questions.values()].filter((x) => x.id !== q.id && (x.status === 'parked' || x.status === 'selected'));
    if (!targets.length) {
      box.append(el('p', { class: 'hint' }, t('queue.merge.none')));
      return box;
    }
    box.append(el('p', { class: 'hint' }, t('queue.merge.into')));
    const ul = el('ul', { class: 'merge-targets' });
    targets.forEach((x) => ul.append(el('li', null,
      el('button', { type: 'button', class: 'btn ghost small merge-target', 'data-fk': `mt-${q.id}-${x.id}`, dataset: { target: x.id },
        onclick: async () => {
          const before = q.status;
          const ack = await send('question.merge', { into: x.id, ids: [q.id] });
          if (ack.ok) {
            ui.expanded = null; ui.more = null; redraw();
            offerUndo(t('queue.merged'), () => updateQ(q.id, { status: before }));
          }
        } },
      truncate(x.text, 90)))));
    box.append(ul);
  } else if (ui.expanded.mode === 'link') {
    const sel = el('select', { 'data-fk': `lk-${q.id}`, 'aria-label': t('queue.link.label') });
    sel.append(el('option', { value: '' }, t('queue.link.none')));
    st.prepared.forEach((p) => sel.append(el('option', { value: p.id, selected: q.prepared_id === p.id }, truncate(p.text, 80))));
    box.append(el('label', { class: 'stack' }, t('queue.link.label'), sel),
      el('div', { class: 'row' },
        el('button', { type: 'button', class: 'btn small primary', 'data-fk': `lks-${q.id}`, onclick: async () => { const ack = await updateQ(q.id, { prepared_id: sel.value || null }); if (ack.ok) { ui.expanded = null; redraw(); } } }, t('common.save')),
        el('button', { type: 'button', class: 'btn small ghost', onclick: () => toggleExpand(q.id, 'link') }, t('common.cancel'))));
  } else {
    const input = el('input', { 'data-fk': `rs-${q.id}`, maxlength: '200', value: ui.dismissReason, placeholder: t('queue.dismiss.placeholder'), oninput: (e) => { ui.dismissReason = e.target.value; } });
    box.append(el('label', { class: 'stack' }, t('queue.dismiss.reason'), input),
      el('div', { class: 'row' },
        el('button', { type: 'button', class: 'btn small danger', 'data-fk': `rsd-${q.id}`, onclick: async () => {
          const payload = { status: 'dismissed' };
          if (ui.dismissReason.trim()) payload.reason = ui.dismissReason.trim();
          const before = q.status;
          const ack = await updateQ(q.id, payload);
          if (ack.ok) {
            ui.expanded = null; ui.more = null; redraw();
            offerUndo(t('queue.dismissed'), async () => {
              const back = await updateQ(q.id, { status: 'parked', reason: '' });
              if (back.ok && before === 'selected') await updateQ(q.id, { status: 'selected' });
            });
          }
        } }, t('queue.dismiss.ok')),
        el('button', { type: 'button', class: 'btn small ghost', onclick: () => toggleExpand(q.id, 'dismiss') }, t('common.cancel'))));
  }
  return box;
}

export function updateQ(id, fields) {
  return send('question.update', Object.assign({ id }, fields));
}

export function selectedIds() {
  return [...st.questions.values()].filter((q) => q.status === 'selected').sort(byOrder).map((q) => q.id);
}

export async function reorder(ids) {
  // Show the new order at once; the ack (or a refusal + resync) settles it.
  ids.forEach((id, i) => { const q = st.questions.get(id); if (q) st.questions.set(id, Object.assign({}, q, { position: i + 1 })); });
  redraw();
  const ack = await send('question.reorder', { ids });
  if (!ack.ok) hooks.resync();
  return ack;
}

async function move(id, delta) {
  const ids = selectedIds();
  const i = ids.indexOf(id);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= ids.length) return;
  [ids[i], ids[j]] = [ids[j], ids[i]];
  await reorder(ids);
  const btn = /** @type {HTMLButtonElement|null} */ (document.querySelector(`[data-fk="${delta < 0 ? 'up' : 'down'}-${CSS.escape(id)}"]`));
  if (btn && !btn.disabled) btn.focus();
  else { const other = /** @type {HTMLElement|null} */ (document.querySelector(`[data-fk="${delta < 0 ? 'down' : 'up'}-${CSS.escape(id)}"]`)); if (other) other.focus(); }
}

