// @ts-check
// NIK on the admin page: the series its meetings belong to ("NIK Utrecht, ronde 3, 2024"),
// listed, added and corrected (the report's series, /api/admin/series), and the pick of a
// series with its round and year when a NIK meeting is created (the `series` option).
// Panel API 1, admin page.

export default async function setup(m) {
  if (m.VERSION.split('.')[0] !== '1') throw new Error('needs panel API 1');
  await m.loadTranslations(import.meta.url);
  const { el, t } = m;
  /** @type {{id: string, organisation: string, region: string, title: string, rounds: number}[]} */
  let series = [];
  /** @type {string|null} */
  let editing = null;
  let loaded = false;
  const NEW = 'new';
  const label = (s) => [s.organisation, s.region].filter(Boolean).join(' ') + (s.title ? ` · ${s.title}` : '');

  async function reload() {
    const ans = await m.api('GET', '/api/admin/series');
    if (ans.ok) { series = ans.series; loaded = true; }
    m.render();
  }

  /** A labelled input with an error line under it. */
  function field(id, text, attrs) {
    const input = /** @type {HTMLInputElement} */ (el('input', { id, 'aria-describedby': `${id}-error`, ...attrs }));
    const error = el('p', { class: 'error field-error', id: `${id}-error`, hidden: true });
    const box = el('div', { class: 'stack' }, el('label', { for: id, 'data-i18n': text }, t(text)), input, error);
    const clear = () => { error.hidden = true; input.removeAttribute('aria-invalid'); };
    input.addEventListener('input', clear);
    return { input, box, clear, fail(message) { error.textContent = message; error.hidden = false; input.setAttribute('aria-invalid', 'true'); } };
  }

  // ------------------------------------------------------------ the series
  const list = el('ul', { class: 'mlist', id: 'nik-series' });
  const org = field('nik-s-org', 'nik.admin.organisation', { maxlength: '200' });
  const region = field('nik-s-region', 'nik.admin.region', { maxlength: '200' });
  const title = field('nik-s-title', 'nik.admin.title_field', { maxlength: '200' });
  const formTitle = el('h3', { id: 'nik-s-form-h' });
  const save = el('button', { type: 'submit', class: 'btn primary', id: 'nik-s-save' });
  const cancel = el('button', { type: 'button', class: 'btn ghost', id: 'nik-s-cancel', hidden: true, onclick: () => edit(null) });

  function edit(id) {
    editing = id;
    const row = series.find((s) => s.id === id);
    org.input.value = row ? row.organisation : '';
    region.input.value = row ? row.region : '';
    title.input.value = row ? row.title : '';
    org.clear();
    m.render();
    if (id) org.input.focus();
  }

  async function submit(e) {
    e.preventDefault();
    org.clear();
    if (!org.input.value.trim()) { org.fail(t('nik.admin.need_organisation')); org.input.focus(); return; }
    const body = { organisation: org.input.value.trim(), region: region.input.value.trim(), title: title.input.value.trim() };
    const ans = editing ? await m.api('PATCH', `/api/admin/series/${encodeURIComponent(editing)}`, body)
      : await m.api('POST', '/api/admin/series', body);
    if (!ans.ok) { org.fail(m.errorText(ans.error)); org.input.focus(); return; }
    m.toast(t('nik.admin.saved', { name: label(ans.series) }));
    await reload();
    edit(null);
  }

  m.registerPanel({
    id: 'nik.series',
    slot: 'library',
    order: 30,
    mount: () => el('section', { class: 'card', id: 'nik-library', 'aria-labelledby': 'nik-library-h' },
      el('h2', { id: 'nik-library-h', 'data-i18n': 'nik.admin.heading' }, t('nik.admin.heading')),
      el('p', { class: 'hint', 'data-i18n': 'nik.admin.hint' }, t('nik.admin.hint')),
      list,
      el('form', { id: 'nik-s-form', novalidate: true, 'aria-labelledby': 'nik-s-form-h', onsubmit: submit },
        formTitle,
        el('div', { class: 'form-grid two' }, org.box, region.box),
        title.box,
        el('div', { class: 'row' }, save, cancel))),
    render: () => {
      formTitle.textContent = editing ? t('nik.admin.edit_title') : t('nik.admin.new_title');
      save.textContent = editing ? t('nik.admin.save') : t('nik.admin.add');
      cancel.textContent = t('nik.admin.cancel');
      cancel.hidden = !editing;
      list.replaceChildren(...(!series.length
        ? [el('li', { class: 'empty' }, loaded ? t('nik.admin.empty') : '')]
        : series.map((s) => el('li', { class: 'm', dataset: { series: s.id } },
          el('div', { class: 'm-body' }, el('p', { class: 'm-title' }, label(s)),
            el('p', { class: 'q-meta' }, t('nik.admin.rounds', { n: s.rounds }))),
          el('div', { class: 'm-actions' },
            el('button', { type: 'button', class: 'btn small', 'aria-label': t('nik.admin.edit_label', { name: label(s) }), onclick: () => edit(s.id) }, t('nik.admin.edit')))))));
    },
  });

  // ------------------------------------------------------------ the pick when creating
  const pick = /** @type {HTMLSelectElement} */ (el('select', { id: 'nik-pick', 'aria-describedby': 'nik-pick-hint' }));
  const newOrg = field('nik-new-org', 'nik.admin.organisation', { maxlength: '120' });
  const newRegion = field('nik-new-region', 'nik.admin.region', { maxlength: '120' });
  const round = field('nik-round', 'nik.admin.round', { type: 'number', min: '1', max: '100', step: '1', inputmode: 'numeric' });
  const year = field('nik-year', 'nik.admin.year', { type: 'number', min: '1990', max: '2200', step: '1', inputmode: 'numeric' });
  const fresh = el('div', { class: 'form-grid two', id: 'nik-new-series' }, newOrg.box, newRegion.box);
  const place = el('div', { class: 'form-grid two' }, round.box, year.box);
  pick.addEventListener('change', () => {
    const row = series.find((s) => s.id === pick.value);
    round.input.value = row ? String(row.rounds + 1) : pick.value === NEW ? '1' : '';
    if (pick.value && !year.input.value) year.input.value = String(new Date().getFullYear());
    m.render();
  });

  m.registerPanel({
    id: 'nik.pick',
    slot: 'options',
    order: 10,
    visible: () => m.format() === 'nik',
    mount: () => el('fieldset', { class: 'opt-group', id: 'nik-pick-box' },
      el('legend', { 'data-i18n': 'nik.admin.pick' }, t('nik.admin.pick')),
      el('div', { class: 'stack' }, el('label', { for: 'nik-pick', 'data-i18n': 'nik.admin.pick_label' }, t('nik.admin.pick_label')), pick,
        el('span', { class: 'hint', id: 'nik-pick-hint', 'data-i18n': 'nik.admin.pick_hint' }, t('nik.admin.pick_hint'))),
      fresh, place),
    render: () => {
      const chosen = pick.value;
      pick.replaceChildren(el('option', { value: '' }, t('nik.admin.pick_none')),
        ...series.map((s) => el('option', { value: s.id, selected: s.id === chosen }, `${label(s)} (${t('nik.admin.rounds', { n: s.rounds })})`)),
        el('option', { value: NEW, selected: chosen === NEW }, t('nik.admin.pick_new')));
      fresh.hidden = pick.value !== NEW;
      place.hidden = !pick.value;
    },
  });

  /** A whole number in [lo, hi] from `f`, or null after saying what is wrong. */
  function whole(f, lo, hi) {
    const n = Number(f.input.value);
    if (f.input.value.trim() === '' || !Number.isInteger(n) || n < lo || n > hi) {
      f.fail(t('nik.admin.between', { lo, hi }));
      return null;
    }
    return n;
  }

  m.provideOptions('nik', {
    fields: ['series'],
    read() {
      [newOrg, round, year].forEach((f) => f.clear());
      if (!pick.value) return { values: { series: null }, ok: true };
      const row = series.find((s) => s.id === pick.value);
      const organisation = row ? row.organisation : newOrg.input.value.trim();
      const bad = [];
      if (!organisation) { newOrg.fail(t('nik.admin.need_organisation')); bad.push(newOrg.input); }
      const r = whole(round, 1, 100);
      if (r === null) bad.push(round.input);
      const y = whole(year, 1990, 2200);
      if (y === null) bad.push(year.input);
      if (bad.length) { bad[0].focus(); return { values: {}, ok: false }; }
      return { values: { series: { organisation, region: row ? row.region : newRegion.input.value.trim(), round: r, year: y } }, ok: true };
    },
    reset() {
      pick.value = '';
      [newOrg, newRegion, round, year].forEach((f) => { f.input.value = ''; f.clear(); });
      reload();
    },
  });

  await reload();
}
