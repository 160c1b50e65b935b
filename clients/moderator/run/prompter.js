// @ts-check
// The teleprompter: the prepared questions of the current phase (or those for any phase), the
// one to ask now and the next, and "show in the room" (the room display and the tablets). The
// cursor is this window's own and follows the question shown in the room. Also the editor of
// the prepared questions (menu, or "Bewerken" on the card).

import { openDialog } from './dialogs.js';
import { $, S, can, el, phaseText, phases, running, saveCursor, send, st, t, toast, ui } from './state.js';

// ---- teleprompter
export function promptList() {
  const key = st.phase && st.phase.key;
  const mine = st.prepared.filter((p) => p.phase === key);
  if (mine.length) return mine;
  return st.prepared.filter((p) => !p.phase);
}

export function currentPromptIndex(list) {
  const key = (st.phase && st.phase.key) || '';
  if (st.prompt && st.prompt.id) {
    const i = list.findIndex((p) => p.id === st.prompt.id);
    if (i >= 0) { ui.cursor[key] = i; return i; }
  }
  const c = ui.cursor[key] || 0;
  return Math.min(Math.max(0, c), Math.max(0, list.length - 1));
}

function renderPrompter() {
  const list = promptList();
  const i = currentPromptIndex(list);
  const cur = list[i];
  const next = list[i + 1];
  const shown = !!(st.prompt && st.prompt.id);
  const shownThis = shown && cur && st.prompt.id === cur.id;
  S.rebuild($('prompter'), (frag) => {
    if (!list.length) {
      frag.append(el('p', { class: 'empty' }, t('prompter.empty')));
      if (shown) frag.append(shownElsewhere());
      return;
    }
    frag.append(
      el('p', { class: 'prompt-count' }, t('prompter.count', { n: i + 1, total: list.length })),
      el('p', { class: `prompt-current${shownThis ? ' on-air' : ''}`, id: 'prompt-current' }, cur.text),
      next
        ? el('p', { class: 'prompt-next' }, el('span', { class: 'eyebrow' }, t('prompter.next')), ' ', next.text)
        : el('p', { class: 'prompt-next done' }, t('prompter.last')));
    const row = el('div', { class: 'prompt-controls' });
    row.append(
      el('button', { type: 'button', class: 'btn ghost', 'data-fk': 'p-prev', disabled: i === 0, onclick: () => movePrompt(-1), 'aria-keyshortcuts': 'K' }, `‹ ${t('prompter.prev')}`),
      el('button', { type: 'button', class: 'btn', id: 'p-next', 'data-fk': 'p-next', disabled: !next, onclick: () => movePrompt(1), 'aria-keyshortcuts': 'J' }, `${t('prompter.nextBtn')} ›`));
    if (can('run') && running()) {
      row.append(el('button', {
        type: 'button', class: `btn toggle${shownThis ? ' on' : ''}`, id: 'p-show', 'data-fk': 'p-show',
        'aria-pressed': shownThis ? 'true' : 'false', onclick: () => toggleShow(cur), 'aria-keyshortcuts': 'S',
      }, shownThis ? t('prompter.hide') : t('prompter.show')));
    }
    frag.append(row);
    if (shownThis) frag.append(el('p', { class: 'on-air-note' }, el('span', { class: 'dot', 'aria-hidden': 'true' }), t('prompter.onair')));
    else if (shown) frag.append(shownElsewhere());
  });
}

function shownElsewhere() {
  return el('p', { class: 'on-air-note other' },
    el('span', { class: 'dot', 'aria-hidden': 'true' }),
    t('prompter.onairOther', { text: st.prompt.text || '' }), ' ',
    can('run') ? el('button', { type: 'button', class: 'btn link', onclick: () => send('prompt.set', { id: null, shown: false }) }, t('prompter.hide')) : null);
}

export async function movePrompt(delta) {
  const list = promptList();
  if (!list.length) return;
  const key = (st.phase && st.phase.key) || '';
  const i = currentPromptIndex(list);
  const j = Math.min(Math.max(0, i + delta), list.length - 1);
  if (j === i) return;
  ui.cursor[key] = j;
  saveCursor();
  const wasShown = st.prompt && st.prompt.id === list[i].id;
  if (wasShown && can('run')) {
    await send('prompt.set', { id: list[j].id, shown: true });
  }
  renderPrompter();
}

export async function toggleShow(cur) {
  if (!cur) return;
  if (st.prompt && st.prompt.id === cur.id) await send('prompt.set', { id: null, shown: false });
  else await send('prompt.set', { id: cur.id, shown: true });
}

export function openPreparedEditor() {
  let items = st.prepared.map((p) => Object.assign({}, p));
  const list = el('ol', { class: 'prep-list', id: 'prep-list' });
  const phaseOpts = phases().filter((p) => p.key !== 'ended');
  const draw = () => {
    S.rebuild(list, (frag) => {
      items.forEach((it, i) => {
        const sel = el('select', { 'aria-label': t('prepared.phaseFor', { n: i + 1 }), 'data-fk': `pp-${it.id}`, onchange: (e) => { it.phase = e.target.value || null; } },
          el('option', { value: '' }, t('prepared.anyPhase')),
          phaseOpts.map((p) => el('option', { value: p.key, selected: it.phase === p.key }, phaseText(p, 'title'))));
        frag.append(el('li', { class: 'prep' },
          el('textarea', { rows: '2', maxlength: '500', 'data-fk': `pt-${it.id}`, 'aria-label': t('prepared.textFor', { n: i + 1 }), oninput: (e) => { it.text = e.target.value; } }, it.text),
          el('div', { class: 'prep-tools' }, sel,
            el('button', { type: 'button', class: 'btn icon', 'data-fk': `pu-${it.id}`, disabled: i === 0, 'aria-label': t('prepared.up', { n: i + 1 }), onclick: () => { items.splice(i - 1, 0, items.splice(i, 1)[0]); draw(); } }, '↑'),
            el('button', { type: 'button', class: 'btn icon', 'data-fk': `pd-${it.id}`, disabled: i === items.length - 1, 'aria-label': t('prepared.down', { n: i + 1 }), onclick: () => { items.splice(i + 1, 0, items.splice(i, 1)[0]); draw(); } }, '↓'),
            el('button', { type: 'button', class: 'btn ghost small', 'aria-label': t('prepared.remove', { n: i + 1 }), onclick: () => { items.splice(i, 1); draw(); } }, t('common.delete')))));
      });
    });
  };
  draw();
  const add = el('button', { type: 'button', class: 'btn', id: 'prep-add', onclick: () => {
    items.push({ id: S.uuid(), text: '', phase: (st.phase && st.phase.key !== 'lobby' && st.phase.key) || null });
    draw();
    const areas = list.querySelectorAll('textarea');
    if (areas.length) areas[areas.length - 1].focus();
  } }, `+ ${t('prepared.add')}`);
  openDialog({
    title: t('menu.prepared'), body: el('div', null, el('p', { class: 'hint' }, t('prepared.hint')), list, add), wide: true,
    actions: [{ label: t('common.cancel') }, { label: t('common.save'), primary: true, onClick: async () => {
      const clean = items.map((x) => ({ id: x.id, text: (x.text || '').trim(), phase: x.phase || null })).filter((x) => x.text);
      const ack = await send('prepared.set', { items: clean });
      if (ack.ok) { st.prepared = Array.isArray(ack.ack.prepared) ? ack.ack.prepared : clean; renderPrompter(); toast(t('common.saved')); return true; }
      return false;
    } }],
  });
}

/** @param {any} manager */
export default function setup(manager) {
  $('p-edit').addEventListener('click', openPreparedEditor);
  manager.on('prepared', (/** @type {any} */ m) => { if (m && Array.isArray(m.prepared)) st.prepared = m.prepared; renderPrompter(); });
  manager.registerPanel({
    id: 'prompter',
    slot: 'left',
    order: 30,
    mount: () => $('prompter-card'),
    render() {
      renderPrompter();
      $('p-edit').hidden = !can('setup');
    },
  });
}
