// @ts-check
/* Spiegel admin page: sign in, prepare meetings (format, questions, durations), list and duplicate. */
import { Spiegel as S } from '/static/moderator/common.js';
import { optionsForm } from '/static/moderator/admin-options.js';
import { adminPanels } from '/static/moderator/admin-panels.js';
import { pickedBeforeStart } from '/static/shared/i18n.js';

// One function around the page, as before: its early returns (no key, no code) end the page's start.
(function () {
  const { t, el } = S;
  const $ = (id) => document.getElementById(id);
  const LANG_STORE = 'spiegel.admin.lang';

  let formats = [];
  let prepared = [];
  let durations = {};
  let submitMode = 'draft';
  let optionsReader = null; // the new-meeting form's options of the chosen format
  let editReader = null; // the meeting dialog's options that may still change
  let panels = null; // the formats' admin modules (made after sign-in)

  function setLang(l) {
    S.setLang(l);
    /** @type {HTMLSelectElement} */ ($('lang')).value = S.lang();
    S.applyI18n(document);
    document.title = `Spiegel · ${t('admin.title')}`;
  }
  const early = pickedBeforeStart(/** @type {HTMLSelectElement} */ ($('lang')));
  if (early) try { localStorage.setItem(LANG_STORE, early); } catch (err) { /* private mode */ }
  setLang(early || localStorage.getItem(LANG_STORE) || 'nl');
  $('lang').addEventListener('change', async (e) => {
    try { localStorage.setItem(LANG_STORE, /** @type {HTMLSelectElement} */ (e.target).value); } catch (err) { /* ignore */ }
    setLang(/** @type {HTMLSelectElement} */ (e.target).value);
    if ($('app').hidden) return;
    renderMeetings(); // the page's own words at once; the server's (formats) follow below
    // Format cards, phase names and durations come from the server in one language: fetch
    // them anew, or they stay in the language the page was loaded in.
    await loadFormats();
    renderMeetings(); // the list names each meeting's format: in the new language at once
    loadMeetings();
  });

  const { toast } = S;

  /**
   * The server's JSON answer with its HTTP status; `{ok: false, error}` when none came.
   * @param {string} method @param {string} path @param {any} [body]
   * @returns {Promise<{status: number, ok?: boolean, error?: any, [key: string]: any}>}
   */
  async function api(method, path, body) {
    try {
      const r = await fetch(path, {
        method,
        headers: body ? { 'Content-Type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
        credentials: 'same-origin',
      });
      /** @type {Record<string, any>} */
      let data = {};
      try { data = await r.json(); } catch (e) { data = { ok: false, error: { code: 'internal_error' } }; }
      if (r.status === 401) showLogin();
      return Object.assign({ status: r.status }, data);
    } catch (e) {
      return { ok: false, status: 0, error: { code: 'offline' } };
    }
  }

  // ---------------------------------------------------------------- session
  function showLogin() {
    $('login').hidden = false;
    $('app').hidden = true;
    $('logout').hidden = true;
    $('password').focus();
  }
  async function showApp() {
    $('login').hidden = true;
    $('app').hidden = false;
    $('logout').hidden = false;
    await loadFormats();
    loadMeetings();
  }
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const ans = await api('POST', '/api/admin/login', { password: /** @type {HTMLInputElement} */ ($('password')).value });
    if (ans.ok) {
      /** @type {HTMLInputElement} */ ($('password')).value = '';
      $('login-error').hidden = true;
      showApp();
    } else {
      $('login-error').textContent = ans.status === 401 ? t('admin.login.wrong') : S.errorText(ans.error);
      $('login-error').hidden = false;
      $('password').focus();
    }
  });
  $('logout').addEventListener('click', async () => {
    await api('POST', '/api/admin/logout');
    showLogin();
  });

  // ---------------------------------------------------------------- formats and durations
  async function loadFormats() {
    const lang = S.lang();
    const ans = await api('GET', `/api/formats?lang=${lang}`);
    if (lang !== S.lang()) return; // switched again meanwhile: the newer answer draws
    const list = ans.formats || (Array.isArray(ans) ? ans : []);
    formats = Array.isArray(list) ? list : Object.values(list);
    renderFormats();
    renderDurations();
    renderPrepared();
    if (!panels) {
      panels = adminPanels({ format: () => currentFormat().name, formats: () => formats, api });
      // The formats' own fields are still coming: the form says so until it is drawn with them.
      $('create').setAttribute('aria-busy', 'true');
      try {
        await panels.load(formats, ans); // the formats' admin modules, then other plugins'
      } finally {
        renderOptions();
        $('create').removeAttribute('aria-busy');
      }
      return;
    }
    renderOptions();
  }
  const currentFormat = () => {
    const chosen = /** @type {HTMLInputElement|null} */ (document.querySelector('input[name="format"]:checked'));
    const name = chosen ? chosen.value : 'common';
    return formats.find((f) => f.name === name) || formats[0] || { name: 'common', phases: [] };
  };
  function phaseTitle(p) {
    if (p.title && typeof p.title === 'object') return p.title[S.lang()] || p.title.nl || p.key;
    return p.title || p.key;
  }
  const text = (v) => (v && typeof v === 'object' ? v[S.lang()] || v.nl || '' : v || '');

  function renderFormats() {
    const chosen = /** @type {HTMLInputElement|null} */ (document.querySelector('input[name="format"]:checked'))?.value || 'common';
    S.rebuild($('formats'), (frag) => {
      if (!formats.length) { frag.append(el('p', { class: 'hint' }, t('admin.formats.none'))); return; }
      formats.forEach((f) => {
        const id = `fmt-${f.name}`;
        frag.append(el('label', { class: 'format-card', for: id },
          el('input', { type: 'radio', name: 'format', value: f.name, id, checked: f.name === chosen || (formats.length === 1), 'data-fk': id,
            onchange: () => { durations = {}; renderDurations(); renderPrepared(); renderOptions(); } }),
          el('span', { class: 'fc-body' },
            el('span', { class: 'fc-title' }, text(f.title) || f.name),
            el('span', { class: 'fc-desc' }, text(f.description)),
            el('ol', { class: 'fc-phases', 'aria-label': t('admin.phasePlan') }, (f.phases || []).map((p) =>
              el('li', null, phaseTitle(p), p.duration ? el('span', { class: 'fc-min' }, ` · ${t('phase.minutes', { n: Math.round(p.duration / 60) })}`) : null))))));
      });
    });
    if (!document.querySelector('input[name="format"]:checked')) {
      const first = /** @type {HTMLInputElement|null} */ (document.querySelector('input[name="format"]'));
      if (first) first.checked = true;
    }
  }

  // ---------------------------------------------------------------- the format's options
  // Fields a format's admin module draws itself (a picker from its library) are its own; the
  // rest the page draws from their description.
  const generic = (f) => (f.options || []).filter((o) => !(panels && panels.claimed(f.name).has(o.name)));
  let optionsOf = null; // the format the options were drawn for
  function renderOptions() {
    const f = currentFormat();
    const fields = generic(f);
    // Drawn again for the same format (the language changed, the format's admin module came
    // in after the admin began typing): keep what was typed as typed, a wrong number included.
    const typed = optionsReader && optionsOf === f.name ? optionsReader.typed() : {};
    optionsOf = f.name;
    optionsReader = optionsForm($('f-options'), fields, { prefix: 'opt', typed });
    if (panels) panels.render();
    const extra = $('slot-options');
    $('options-box').hidden = !fields.length && !(extra && [...extra.children].some((c) => !(/** @type {HTMLElement} */ (c)).hidden));
  }

  function timedPhases() {
    return (currentFormat().phases || []).filter((p) => p.key !== 'ended' && (p.duration || p.key !== 'lobby'));
  }

  function renderDurations() {
    S.rebuild($('durations'), (frag) => {
      timedPhases().forEach((p) => {
        const val = durations[p.key] != null ? durations[p.key] : p.duration ? Math.round(p.duration / 60) : '';
        frag.append(el('label', { class: 'dur' }, el('span', null, phaseTitle(p)),
          el('input', { type: 'number', min: '0', max: '600', value: val, 'data-fk': `dur-${p.key}`, 'data-phase': p.key,
            'aria-label': t('details.durationFor', { phase: phaseTitle(p) }),
            oninput: (e) => { durations[p.key] = e.target.value; } }),
          el('span', { class: 'unit' }, t('unit.min'))));
      });
    });
  }

  // ---------------------------------------------------------------- prepared questions
  function defaultPhaseKey() {
    const ph = currentFormat().phases || [];
    const silent = ph.find((p) => p.silent);
    return silent ? silent.key : ph[1] ? ph[1].key : null;
  }
  function renderPrepared() {
    const ph = (currentFormat().phases || []).filter((p) => p.key !== 'ended');
    S.rebuild($('prep-list'), (frag) => {
      prepared.forEach((it, i) => {
        frag.append(el('li', { class: 'prep' },
          el('textarea', { rows: '2', maxlength: '500', 'data-fk': `pt-${it.id}`, 'aria-label': t('prepared.textFor', { n: i + 1 }), oninput: (e) => { it.text = e.target.value; } }, it.text),
          el('div', { class: 'prep-tools' },
            el('select', { 'aria-label': t('prepared.phaseFor', { n: i + 1 }), 'data-fk': `pp-${it.id}`, onchange: (e) => { it.phase = e.target.value || null; } },
              el('option', { value: '' }, t('prepared.anyPhase')),
              ph.map((p) => el('option', { value: p.key, selected: it.phase === p.key }, phaseTitle(p)))),
            el('button', { type: 'button', class: 'btn icon', 'data-fk': `pu-${it.id}`, disabled: i === 0, 'aria-label': t('prepared.up', { n: i + 1 }), onclick: () => { prepared.splice(i - 1, 0, prepared.splice(i, 1)[0]); renderPrepared(); } }, '↑'),
            el('button', { type: 'button', class: 'btn icon', 'data-fk': `pd-${it.id}`, disabled: i === prepared.length - 1, 'aria-label': t('prepared.down', { n: i + 1 }), onclick: () => { prepared.splice(i + 1, 0, prepared.splice(i, 1)[0]); renderPrepared(); } }, '↓'),
            el('button', { type: 'button', class: 'btn ghost small', 'aria-label': t('prepared.remove', { n: i + 1 }), onclick: () => { prepared.splice(i, 1); renderPrepared(); } }, t('common.delete')))));
      });
    });
  }
  $('prep-add').addEventListener('click', () => {
    prepared.push({ id: S.uuid(), text: '', phase: defaultPhaseKey() });
    renderPrepared();
    const areas = $('prep-list').querySelectorAll('textarea');
    areas[areas.length - 1].focus();
  });

  // ---------------------------------------------------------------- create
  $('save-draft').addEventListener('click', () => { submitMode = 'draft'; });
  $('f-title').addEventListener('input', () => {
    if (/** @type {HTMLInputElement} */ ($('f-title')).value.trim()) { $('f-title-error').hidden = true; $('f-title').removeAttribute('aria-invalid'); }
  });
  $('save-open').addEventListener('click', () => { submitMode = 'open'; });
  $('create').addEventListener('submit', async (e) => {
    e.preventDefault();
    const submitter = /** @type {HTMLButtonElement|null} */ (/** @type {SubmitEvent} */ (e).submitter);
    if (submitter && submitter.value) submitMode = submitter.value;
    const err = $('create-error');
    err.hidden = true;
    const title = /** @type {HTMLInputElement} */ ($('f-title')).value.trim();
    if (!title) {
      // Next to the field, where the eye goes with the focus (not at the foot of the form).
      $('f-title-error').textContent = t('admin.new.needTitle');
      $('f-title-error').hidden = false;
      $('f-title').setAttribute('aria-invalid', 'true');
      $('f-title').focus();
      $('f-title').scrollIntoView({ block: 'center' });
      return;
    }
    $('f-title').removeAttribute('aria-invalid');
    const body = {
      title,
      format: currentFormat().name,
      language: /** @type {HTMLInputElement|null} */ (document.querySelector('input[name="language"]:checked'))?.value || 'nl',
      open: submitMode === 'open',
    };
    const theme = /** @type {HTMLTextAreaElement} */ ($('f-theme')).value.trim();
    if (theme) body.theme = theme;
    if (/** @type {HTMLInputElement} */ ($('f-date')).value) body.scheduled_for = new Date(/** @type {HTMLInputElement} */ ($('f-date')).value).toISOString();
    if (/** @type {HTMLInputElement} */ ($('f-expected')).value !== '') body.expected_listeners = Number(/** @type {HTMLInputElement} */ ($('f-expected')).value);
    const items = prepared.map((p) => ({ id: p.id, text: (p.text || '').trim(), phase: p.phase || undefined })).filter((p) => p.text);
    if (items.length) body.prepared = items;
    const durs = {};
    document.querySelectorAll('#durations input[data-phase]').forEach((/** @type {HTMLInputElement} */ input) => {
      if (input.value !== '') durs[input.dataset.phase] = Math.round(Number(input.value) * 60);
    });
    if (Object.keys(durs).length) body.durations = durs;
    const own = optionsReader ? optionsReader.read() : { values: {}, ok: true };
    const theirs = panels ? panels.read(body.format) : { values: {}, ok: true };
    if (!own.ok || !theirs.ok) return; // said next to the field, the focus is there
    const options = Object.fromEntries(Object.entries({ ...own.values, ...theirs.values }).filter(([, v]) => v !== null));
    if (Object.keys(options).length) body.options = options;
    const ans = await api('POST', '/api/admin/meetings', body);
    if (!ans.ok) {
      if (optionsReader && optionsReader.showErrors(ans.error && ans.error.details)) return;
      const details = ans.error && ans.error.details ? ` (${ans.error.details.map((d) => d.field).join(', ')})` : '';
      err.textContent = S.errorText(ans.error) + details;
      err.hidden = false;
      err.scrollIntoView({ block: 'center' });
      return;
    }
    showCreated(ans);
    /** @type {HTMLFormElement} */ ($('create')).reset();
    prepared = [];
    durations = {};
    renderFormats();
    renderDurations();
    renderPrepared();
    if (panels) panels.reset();
    optionsOf = null;
    renderOptions();
    loadMeetings();
  });

  function showCreated(ans) {
    const box = $('created');
    const modUrl = ans.moderator_url || '';
    const joinUrl = ans.join_url || '';
    const code = (ans.meeting && ans.meeting.code) || '';
    /** @type {HTMLInputElement} */ ($('mod-url')).value = modUrl;
    /** @type {HTMLInputElement} */ ($('join-url')).value = joinUrl;
    $('created-code').textContent = code;
    /** @type {HTMLAnchorElement} */ ($('open-mod')).href = modUrl;
    /** @type {HTMLAnchorElement} */ ($('open-print')).href = `/static/moderator/print.html?code=${encodeURIComponent(code)}&url=${encodeURIComponent(joinUrl)}`;
    box.hidden = false;
    box.scrollIntoView({ block: 'start' });
    box.focus();
  }
  $('copy-mod').addEventListener('click', async () => toast(await S.copy(/** @type {HTMLInputElement} */ ($('mod-url')).value, /** @type {HTMLInputElement} */ ($('mod-url'))) ? t('common.copied') : t('common.copyFailed')));
  $('copy-join').addEventListener('click', async () => toast(await S.copy(/** @type {HTMLInputElement} */ ($('join-url')).value, /** @type {HTMLInputElement} */ ($('join-url'))) ? t('common.copied') : t('common.copyFailed')));
  $('created-done').addEventListener('click', () => {
    // The key is shown once: clear it from the page.
    /** @type {HTMLInputElement} */ ($('mod-url')).value = '';
    $('open-mod').removeAttribute('href');
    $('created').hidden = true;
    $('f-title').focus();
  });

  // ---------------------------------------------------------------- list
  let meetings = null; // the list as the server sent it last
  async function loadMeetings() {
    const ans = await api('GET', '/api/admin/meetings');
    if (!ans.ok) return;
    meetings = ans.meetings || [];
    renderMeetings();
  }
  function renderMeetings() {
    if (!meetings) return;
    const list = meetings.slice().sort((a, b) => String(b.scheduled_for || b.created_at || '').localeCompare(String(a.scheduled_for || a.created_at || '')));
    S.rebuild($('meetings'), (frag) => {
      if (!list.length) { frag.append(el('p', { class: 'empty' }, t('admin.list.empty'))); return; }
      const ul = el('ul', { class: 'mlist', id: 'meeting-list' });
      list.forEach((m) => {
        const fmt = formats.find((f) => f.name === (m.format || m.format_name));
        ul.append(el('li', { class: 'm', dataset: { id: m.id } },
          el('div', { class: 'm-body' },
            el('p', { class: 'm-title' }, m.title),
            el('p', { class: 'q-meta' },
              el('span', { class: `badge state-${m.state}` }, t(`state.${m.state}`)),
              m.scheduled_for ? el('span', null, S.fmtDate(m.scheduled_for))
                : m.created_at ? el('span', null, t('admin.list.created', { date: S.fmtDate(m.created_at) })) : null,
              fmt ? el('span', null, text(fmt.title)) : m.format_title ? el('span', null, m.format_title) : null,
              m.code ? el('span', { class: 'mono' }, m.code) : null)),
          el('div', { class: 'm-actions' },
            el('button', { type: 'button', class: 'btn primary small', 'data-fk': `edit-${m.id}`, 'aria-label': t('admin.list.editLabel', { title: m.title }), onclick: () => openMeeting(m) }, t('admin.list.edit')),
            m.code ? el('a', { class: 'btn ghost small', target: '_blank', rel: 'noopener', href: printHref(m) }, t('admin.list.print')) : null,
            el('button', { type: 'button', class: 'btn small', 'data-fk': `dup-${m.id}`, 'aria-label': t('admin.list.duplicateLabel', { title: m.title }), onclick: () => duplicate(m) }, t('admin.list.duplicate')),
            el('button', { type: 'button', class: 'btn ghost small', 'data-fk': `erase-${m.id}`, 'aria-label': t('admin.list.eraseLabel', { title: m.title }), onclick: () => askErase(m) }, t('admin.list.erase')))));
      });
      frag.append(ul);
    });
  }

  const printHref = (m) => `/static/moderator/print.html?code=${encodeURIComponent(m.code)}${m.join_url ? `&url=${encodeURIComponent(m.join_url)}` : ''}`;

  // ---------------------------------------------------------------- one meeting: edit, open, new moderator link
  const meetingDlg = /** @type {HTMLDialogElement} */ ($('meeting-dlg'));
  let current = null;
  function fillMeeting(m) {
    current = m;
    const fmt = formats.find((f) => f.name === m.format);
    $('meeting-dlg-title').textContent = m.title;
    $('meeting-facts').replaceChildren(
      el('span', { class: `badge state-${m.state}` }, t(`state.${m.state}`)),
      el('span', null, fmt ? text(fmt.title) : m.format_title || m.format),
      el('span', { class: 'mono' }, m.code));
    /** @type {HTMLInputElement} */ ($('e-title')).value = m.title || '';
    /** @type {HTMLTextAreaElement} */ ($('e-theme')).value = m.theme || '';
    /** @type {HTMLInputElement} */ ($('e-date')).value = S.toLocalInput(m.scheduled_for);
    /** @type {HTMLSelectElement} */ ($('e-lang')).value = m.language || 'nl';
    /** @type {HTMLInputElement} */ ($('e-expected')).value = m.expected_listeners ?? '';
    $('e-title-error').hidden = true;
    $('e-title').removeAttribute('aria-invalid');
    // Options the format still reads after the meeting was made; the others were used once.
    const editable = fmt ? (fmt.options || []).filter((o) => o.editable !== false) : [];
    editReader = optionsForm($('e-options'), editable, { prefix: 'eopt', values: m.options || {} });
    $('e-options-box').hidden = !editable.length;
    $('meeting-open').hidden = m.state !== 'draft';
    /** @type {HTMLAnchorElement} */ ($('meeting-print')).href = printHref(m);
    $('modlink-out').hidden = true;
    /** @type {HTMLInputElement} */ ($('modlink-url')).value = '';
  }
  function openMeeting(m) {
    fillMeeting(m);
    meetingDlg.showModal();
    $('e-title').focus();
  }
  function closeMeeting() {
    /** @type {HTMLInputElement} */ ($('modlink-url')).value = ''; // a moderator key is shown once and leaves the page with the dialog
    $('modlink-open').removeAttribute('href');
    meetingDlg.close();
  }
  $('meeting-x').addEventListener('click', closeMeeting);
  meetingDlg.addEventListener('cancel', (e) => { e.preventDefault(); closeMeeting(); });
  $('meeting-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const title = /** @type {HTMLInputElement} */ ($('e-title')).value.trim();
    if (!title) {
      $('e-title-error').textContent = t('admin.new.needTitle');
      $('e-title-error').hidden = false;
      $('e-title').setAttribute('aria-invalid', 'true');
      $('e-title').focus();
      return;
    }
    const body = { title, theme: /** @type {HTMLTextAreaElement} */ ($('e-theme')).value.trim(), language: /** @type {HTMLSelectElement} */ ($('e-lang')).value,
      scheduled_for: /** @type {HTMLInputElement} */ ($('e-date')).value ? new Date(/** @type {HTMLInputElement} */ ($('e-date')).value).toISOString() : null,
      expected_listeners: /** @type {HTMLInputElement} */ ($('e-expected')).value !== '' ? Number(/** @type {HTMLInputElement} */ ($('e-expected')).value) : null };
    const own = editReader ? editReader.read() : { values: {}, ok: true };
    if (!own.ok) return;
    if (Object.keys(own.values).length) body.options = own.values;
    const ans = await api('PATCH', `/api/admin/meetings/${encodeURIComponent(current.id)}`, body);
    if (!ans.ok) {
      if (!(editReader && editReader.showErrors(ans.error && ans.error.details))) toast(S.errorText(ans.error), 'error');
      return;
    }
    toast(t('common.saved'));
    closeMeeting();
    loadMeetings();
  });
  $('meeting-open').addEventListener('click', async () => {
    const ans = await api('POST', `/api/admin/meetings/${encodeURIComponent(current.id)}/open`, {});
    if (!ans.ok) { toast(S.errorText(ans.error), 'error'); return; }
    fillMeeting(Object.assign({}, current, ans.meeting));
    toast(t('admin.opened'));
    loadMeetings();
  });
  $('modlink-new').addEventListener('click', async () => {
    const ans = await api('POST', `/api/admin/meetings/${encodeURIComponent(current.id)}/moderator-link`, {});
    if (!ans.ok) { toast(S.errorText(ans.error), 'error'); return; }
    /** @type {HTMLInputElement} */ ($('modlink-url')).value = ans.moderator_url;
    /** @type {HTMLAnchorElement} */ ($('modlink-open')).href = ans.moderator_url;
    $('modlink-out').hidden = false;
    $('modlink-url').focus();
    /** @type {HTMLInputElement} */ ($('modlink-url')).select();
  });
  $('modlink-copy').addEventListener('click', async () => toast(await S.copy(/** @type {HTMLInputElement} */ ($('modlink-url')).value, /** @type {HTMLInputElement} */ ($('modlink-url'))) ? t('common.copied') : t('common.copyFailed')));

  async function duplicate(m) {
    const ans = await api('POST', `/api/admin/meetings/${encodeURIComponent(m.id)}/duplicate`, {});
    if (!ans.ok) { toast(S.errorText(ans.error), 'error'); return; }
    showCreated(ans);
    loadMeetings();
  }

  // Erasing is final and removes what people wrote: ask once, in a dialog that names the meeting.
  const eraseDlg = /** @type {HTMLDialogElement} */ ($('erase-dlg'));
  let erasing = null;
  function askErase(m) {
    erasing = m;
    $('erase-title').textContent = t('admin.erase.title', { title: m.title });
    eraseDlg.showModal();
    $('erase-cancel').focus();
  }
  $('erase-cancel').addEventListener('click', () => eraseDlg.close());
  $('erase-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const m = erasing;
    eraseDlg.close();
    if (!m) return;
    const ans = await api('DELETE', `/api/admin/meetings/${encodeURIComponent(m.id)}`);
    if (!ans.ok) { toast(S.errorText(ans.error), 'error'); return; }
    toast(t('admin.erase.done', { title: m.title }));
    loadMeetings();
  });

  // ---------------------------------------------------------------- start
  api('GET', '/api/admin/session').then((ans) => {
    if (ans.ok && ans.signed_in) showApp();
    else showLogin();
  });
})();
