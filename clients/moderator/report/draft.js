// @ts-check
// The report draft: every item with its edit and remove controls. Outcomes are edited as
// outcomes (actions: owner, due date, status, progress; priorities: score); other items get
// report edits. After each change the caller reloads the draft from the server.

import { api } from './api.js';
import { el } from './dom.js';

const KINDS = ['well', 'improvement', 'wish', 'decision', 'priority', 'action'];
const STATUSES = ['open', 'in_progress', 'done', 'dropped'];

/**
 * Build the draft into `root`. `ctx` = {t, report, final, reload, notify, lang}.
 */
export function renderDraft(root, ctx) {
  const { t, report } = ctx;
  const sections = [];
  for (const { kind, title } of kindsOf(report, ctx)) {
    const sec = section(`kind-${kind}`, title, report.outcomes[kind] || [], ctx);
    if (!ctx.final) sec.append(addForm(kind, title, ctx));
    sections.push(sec);
  }
  sections.push(section('questions', t('questions'), report.questions, ctx));
  const groups = report.shared_notes.filter((g) => g.items.length);
  sections.push(el('section', { class: 'card', 'aria-labelledby': 'h-notes' },
    el('h2', { id: 'h-notes' }, t('notes')),
    groups.length ? groups.map((g) => [el('h3', null, t(`tag.${g.tag}`)), itemList(g.items, ctx)]) : el('p', { class: 'empty' }, t('none'))));
  for (const s of report.extra_sections) sections.push(section(`extra-${s.key}`, s.title[ctx.lang] || s.title.nl, s.items, ctx));
  root.replaceChildren(...sections);
}

function section(id, title, items, ctx) {
  return el('section', { class: 'card', id: `sec-${id}`, 'aria-labelledby': `h-${id}` },
    el('h2', { id: `h-${id}` }, title),
    items.length ? itemList(items, ctx) : el('p', { class: 'empty' }, ctx.t('none')));
}

/**
 * The report's outcome kinds in section order with their headings: the core kinds from this
 * page's catalogue, the format's own from the report (`outcome_kinds`, schema 2; a report
 * frozen under schema 1 has only the core kinds).
 */
function kindsOf(report, ctx) {
  const listed = report.outcome_kinds || KINDS.map((kind) => ({ kind, core: true }));
  return listed.map((k) => ({
    kind: k.kind,
    title: k.core ? ctx.t(`kind.${k.kind}`) : (k.heading?.[ctx.lang] || k.heading?.nl || k.kind),
  }));
}

/** Write a new outcome of `kind` after the meeting (e.g. what went well, a wish). */
function addForm(kind, title, ctx) {
  const { t } = ctx;
  const area = el('textarea', { rows: '2', 'aria-label': t('item.addLabel', { kind: title }), class: 'item-editor' });
  const add = el('button', {
    type: 'button',
    onclick: async () => {
      if (!area.value.trim()) { area.focus(); return; }
      if (await change(ctx, 'POST', '/outcomes', { kind, text: area.value })) /** @type {HTMLElement|null} */ (document.querySelector(`#sec-kind-${kind} textarea.item-editor`))?.focus();
    },
  }, t('item.add'));
  return el('div', { class: 'add-form' }, area, el('div', { class: 'item-controls' }, add));
}

function itemList(items, ctx) {
  return el('ul', { class: 'items' }, items.map((item) => el('li', {
    class: `item${item.removed ? ' removed' : ''}`, dataset: { key: item.key },
  }, itemBody(item, ctx))));
}

async function change(ctx, method, path, body) {
  const answer = await api(method, path, body);
  if (!answer.ok) ctx.notify(answer.error);
  await ctx.reload();
  return answer.ok;
}

function itemBody(item, ctx) {
  const { t, final } = ctx;
  const text = el('p', { class: 'item-text' }, item.text);
  const meta = [];
  if (item.removed) meta.push(el('span', { class: 'badge' }, t('item.removed')));
  if (item.phase_title) meta.push(el('span', { class: 'muted' }, t('item.phase', { phase: item.phase_title })));
  const controls = el('div', { class: 'item-controls' });
  const body = [text, meta.length ? el('p', { class: 'item-meta' }, meta) : null, controls];
  if (final) return body;
  const path = `/report/items/${encodeURIComponent(item.key)}`;
  const edit = el('button', { type: 'button', class: 'quiet', onclick: () => openEditor() }, t('item.edit'));
  const remove = item.removed
    ? el('button', { type: 'button', class: 'quiet', onclick: () => change(ctx, 'PATCH', path, { removed: false }) }, t('item.restore'))
    : el('button', { type: 'button', class: 'quiet', onclick: () => change(ctx, 'PATCH', path, { removed: true }) }, t('item.remove'));
  controls.append(edit, remove);

  function openEditor() {
    const area = el('textarea', { rows: '3', 'aria-label': t('item.editLabel'), class: 'item-editor' });
    area.value = item.text;
    const save = el('button', { type: 'button', class: 'primary', onclick: () => change(ctx, 'PATCH', path, { text: area.value }) }, t('item.save'));
    const cancel = el('button', { type: 'button', class: 'quiet', onclick: () => { editor.replaceWith(text); controls.hidden = false; edit.focus(); } }, t('item.cancel'));
    const editor = el('div', { class: 'editor' }, area, el('div', { class: 'item-controls' }, save, cancel));
    text.replaceWith(editor);
    controls.hidden = true;
    area.focus();
  }

  if (item.kind === 'action') body.push(actionFields(item, ctx));
  if (item.kind === 'priority') body.push(priorityFields(item, ctx));
  return body;
}

function field(label, input) {
  return el('label', { class: 'field' }, el('span', null, label), input);
}

function actionFields(item, ctx) {
  const { t } = ctx;
  const owner = el('input', { type: 'text', maxlength: '120', value: item.owner || '' });
  const due = el('input', { type: 'text', maxlength: '40', value: item.due || '', placeholder: t('action.duePlaceholder') });
  const status = el('select', null, STATUSES.map((s) => el('option', { value: s, selected: s === item.status }, t(`st.${s}`))));
  const save = el('button', { type: 'button', onclick: () => change(ctx, 'PATCH', `/outcomes/${item.id}`, { owner: owner.value, due: due.value, status: status.value }) }, t('action.saveFields'));
  const note = el('textarea', { rows: '2', 'aria-label': t('action.progressLabel') });
  const add = el('button', { type: 'button', onclick: () => note.value.trim() && change(ctx, 'POST', `/outcomes/${item.id}/progress`, { text: note.value }) }, t('action.progressAdd'));
  const steps = (item.progress || []).map((p) => el('li', null, `${(p.at || '').slice(0, 10)} · ${p.status ? t(`st.${p.status}`) : ''}${p.status && p.text ? ' · ' : ''}${p.text}`));
  return el('div', { class: 'action-fields' },
    el('div', { class: 'row' }, field(t('action.owner'), owner), field(t('action.due'), due), field(t('action.status'), status), save),
    steps.length ? [el('h4', null, t('action.progress')), el('ul', { class: 'progress' }, steps)] : null,
    el('div', { class: 'row' }, field(t('action.progressLabel'), note), add));
}

function priorityFields(item, ctx) {
  const { t } = ctx;
  const score = el('input', { type: 'number', step: 'any', value: item.score == null ? '' : String(item.score) });
  const save = el('button', { type: 'button', onclick: () => change(ctx, 'PATCH', `/outcomes/${item.id}`, { score: score.value === '' ? null : Number(score.value) }) }, t('item.save'));
  return el('div', { class: 'row' }, field(t('priority.score'), score), save);
}
