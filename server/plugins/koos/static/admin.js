// @ts-check
// KOOS on the admin page: the organisation's library of prepared question sets (drawn up from
// its guiding principles) kept through KOOS's administrator actions, and the pick of a set when
// a KOOS meeting is created (the `question_set` option). Panel API 1, admin page.

const PHASES = ['first_round', 'outer_ring', 'closing'];

export default async function setup(m) {
  if (m.VERSION.split('.')[0] !== '1') throw new Error('needs panel API 1');
  await m.loadTranslations(import.meta.url);
  const { el, t } = m;
  /** @type {{id: string, name: string, principle: string, items: {text: string, phase: string|null}[]}[]} */
  let sets = [];
  /** @type {string|null} the set being changed, or null for a new one */
  let editing = null;
  let loaded = false;

  async function reload() {
    const ans = await m.action('koos.question_sets.list');
    if (ans.ok) { sets = ans.sets; loaded = true; }
    m.render();
  }

  // ------------------------------------------------------------ the library
  const list = el('ul', { class: 'mlist', id: 'koos-sets' });
  const name = /** @type {HTMLInputElement} */ (el('input', { id: 'koos-set-name', maxlength: '120', 'aria-describedby': 'koos-set-error' }));
  const principle = /** @type {HTMLTextAreaElement} */ (el('textarea', { id: 'koos-set-principle', rows: '2', maxlength: '1000' }));
  const questions = /** @type {HTMLTextAreaElement} */ (el('textarea', { id: 'koos-set-questions', rows: '5', 'aria-describedby': 'koos-set-questions-hint koos-set-error' }));
  const phase = /** @type {HTMLSelectElement} */ (el('select', { id: 'koos-set-phase' }));
  const error = el('p', { class: 'error field-error', id: 'koos-set-error', role: 'alert', hidden: true });
  const formTitle = el('h3', { id: 'koos-set-form-h' });
  const save = el('button', { type: 'submit', class: 'btn primary', id: 'koos-set-save' });
  const cancel = el('button', { type: 'button', class: 'btn ghost', id: 'koos-set-cancel', hidden: true, onclick: () => edit(null) });

  function edit(id) {
    editing = id;
    const row = sets.find((s) => s.id === id);
    name.value = row ? row.name : '';
    principle.value = row ? row.principle : '';
    questions.value = row ? row.items.map((i) => i.text).join('\n') : '';
    phase.value = row && row.items[0] && row.items[0].phase ? row.items[0].phase : 'first_round';
    error.hidden = true;
    name.removeAttribute('aria-invalid');
    questions.removeAttribute('aria-invalid');
    m.render();
    if (id) name.focus();
  }

  function fail(input, message) {
    error.textContent = message;
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }

  async function submit(e) {
    e.preventDefault();
    error.hidden = true;
    name.removeAttribute('aria-invalid');
    questions.removeAttribute('aria-invalid');
    const lines = questions.value.split('\n').map((l) => l.trim()).filter(Boolean);
    if (!name.value.trim()) return fail(name, t('koos.admin.need_name'));
    if (!lines.length) return fail(questions, t('koos.admin.need_questions'));
    if (lines.some((l) => l.length > 500)) return fail(questions, t('koos.admin.too_long'));
    // A question that stays keeps its phase; a new one goes to the chosen phase.
    const before = new Map((sets.find((s) => s.id === editing)?.items || []).map((i) => [i.text, i.phase]));
    const items = lines.slice(0, 50).map((text) => ({ text, phase: before.has(text) ? before.get(text) : phase.value || null }));
    const ans = await m.action('koos.question_sets.save', { ...(editing ? { id: editing } : {}), name: name.value.trim(), principle: principle.value.trim(), items });
    if (!ans.ok) return fail(name, m.errorText(ans.error));
    m.toast(t('koos.admin.saved', { name: ans.set.name }));
    await reload();
    edit(null);
  }

  async function remove(row) {
    const ans = await m.action('koos.question_sets.delete', { id: row.id });
    if (!ans.ok) { m.toast(m.errorText(ans.error), 'error'); return; }
    m.toast(t('koos.admin.deleted', { name: row.name }));
    if (editing === row.id) edit(null);
    await reload();
  }

  m.registerPanel({
    id: 'koos.library',
    slot: 'library',
    order: 20,
    mount: () => el('section', { class: 'card', id: 'koos-library', 'aria-labelledby': 'koos-library-h' },
      el('h2', { id: 'koos-library-h', 'data-i18n': 'koos.admin.title' }, t('koos.admin.title')),
      el('p', { class: 'hint', 'data-i18n': 'koos.admin.hint' }, t('koos.admin.hint')),
      list,
      el('form', { id: 'koos-set-form', novalidate: true, 'aria-labelledby': 'koos-set-form-h', onsubmit: submit },
        formTitle,
        el('div', { class: 'stack' }, el('label', { for: 'koos-set-name', 'data-i18n': 'koos.admin.name' }, t('koos.admin.name')), name),
        el('div', { class: 'stack' }, el('label', { for: 'koos-set-principle', 'data-i18n': 'koos.admin.principle' }, t('koos.admin.principle')), principle),
        el('div', { class: 'stack' }, el('label', { for: 'koos-set-questions', 'data-i18n': 'koos.admin.questions' }, t('koos.admin.questions')), questions,
          el('span', { class: 'hint', id: 'koos-set-questions-hint', 'data-i18n': 'koos.admin.questions_hint' }, t('koos.admin.questions_hint'))),
        el('div', { class: 'stack' }, el('label', { for: 'koos-set-phase', 'data-i18n': 'koos.admin.phase' }, t('koos.admin.phase')), phase),
        error,
        el('div', { class: 'row' }, save, cancel))),
    render: () => {
      const f = m.formats().find((x) => x.name === 'koos');
      const titles = Object.fromEntries((f ? f.phases : []).map((p) => [p.key, p.title]));
      const chosen = phase.value || 'first_round';
      phase.replaceChildren(...PHASES.map((k) => el('option', { value: k, selected: k === chosen }, titles[k] || k)));
      formTitle.textContent = editing ? t('koos.admin.edit_title') : t('koos.admin.new_title');
      save.textContent = editing ? t('koos.admin.save') : t('koos.admin.add');
      cancel.textContent = t('koos.admin.cancel');
      cancel.hidden = !editing;
      list.replaceChildren(...(!sets.length
        ? [el('li', { class: 'empty' }, loaded ? t('koos.admin.empty') : '')]
        : sets.map((s) => el('li', { class: 'm', dataset: { set: s.id } },
          el('div', { class: 'm-body' },
            el('p', { class: 'm-title' }, s.name),
            el('p', { class: 'q-meta' }, t('koos.admin.count', { n: s.items.length }), s.principle ? ` · ${s.principle}` : '')),
          el('div', { class: 'm-actions' },
            el('button', { type: 'button', class: 'btn small', 'aria-label': t('koos.admin.edit_label', { name: s.name }), onclick: () => edit(s.id) }, t('koos.admin.edit')),
            el('button', { type: 'button', class: 'btn ghost small', 'aria-label': t('koos.admin.delete_label', { name: s.name }), onclick: () => remove(s) }, t('koos.admin.delete')))))));
    },
  });

  // ------------------------------------------------------------ the pick when creating
  const pick = /** @type {HTMLSelectElement} */ (el('select', { id: 'koos-pick', 'aria-describedby': 'koos-pick-hint' }));
  m.registerPanel({
    id: 'koos.pick',
    slot: 'options',
    visible: () => m.format() === 'koos',
    mount: () => el('div', { class: 'stack opt', id: 'koos-pick-box' },
      el('label', { for: 'koos-pick', 'data-i18n': 'koos.admin.pick' }, t('koos.admin.pick')), pick,
      el('span', { class: 'hint', id: 'koos-pick-hint', 'data-i18n': 'koos.admin.pick_hint' }, t('koos.admin.pick_hint'))),
    render: () => {
      const chosen = pick.value;
      pick.replaceChildren(el('option', { value: '' }, t('koos.admin.pick_none')),
        ...sets.map((s) => el('option', { value: s.id, selected: s.id === chosen }, `${s.name} (${t('koos.admin.count', { n: s.items.length })})`)));
    },
  });
  m.provideOptions('koos', {
    fields: ['question_set'],
    read: () => ({ values: { question_set: pick.value || null }, ok: true }),
    reset: () => { pick.value = ''; },
  });

  await reload();
}
