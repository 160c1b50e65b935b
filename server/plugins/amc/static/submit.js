// @ts-check
// AMC, participant page of an invited professional: send topics and questions before the
// meeting and see what became of each. Written against the page's panel manager only
// (clients/shared/README.md); texts from i18n/ next to this module.

/** @typedef {{id: string, kind: string, text: string, status: string, prepared: boolean, prepared_text: string|null, version: number}} Submission */

export default async function setup(manager) {
  if (manager.VERSION.split('.')[0] !== '1') throw new Error(`amc needs panel API 1, not ${manager.VERSION}`);
  await manager.loadTranslations(import.meta.url);
  const { el, t } = manager;
  /** @type {Map<string, Submission>} */
  const mine = new Map();
  let status = '';
  const isProfessional = () => manager.snapshot()?.kind === 'professional';
  const take = (/** @type {Submission} */ s) => {
    const known = mine.get(s.id);
    if (!known || known.version <= s.version) mine.set(s.id, s);
  };
  const fate = (/** @type {Submission} */ s) => {
    if (s.status === 'prepared') return t('amc.status.prepared', { text: s.prepared_text ?? s.text });
    if (s.status === 'merged') return s.prepared ? t('amc.status.merged_prepared', { text: s.prepared_text ?? '' }) : t('amc.status.merged');
    return t(`amc.status.${s.status}`);
  };
  let list = /** @type {HTMLElement|null} */ (null);
  let form = /** @type {HTMLFormElement|null} */ (null);

  manager.registerPanel({
    id: 'amc.submit',
    slot: 'round',
    order: 10,
    visible: isProfessional,
    mount: () => {
      const text = el('textarea', { id: 'amc-text', name: 'text', rows: '4', maxlength: '1000', required: true });
      form = /** @type {HTMLFormElement} */ (el('form', { id: 'amc-form', class: 'stack' },
        el('fieldset', {},
          el('legend', { text: t('amc.submit.kind') }),
          el('label', {}, el('input', { type: 'radio', name: 'kind', value: 'topic', checked: true }), ' ', t('amc.submit.topic')),
          el('label', {}, el('input', { type: 'radio', name: 'kind', value: 'question' }), ' ', t('amc.submit.question'))),
        el('label', { for: 'amc-text', text: t('amc.submit.text') }), text,
        el('button', { type: 'submit', id: 'amc-send', class: 'primary', text: t('amc.submit.send') }),
        el('p', { id: 'amc-status', role: 'status' })));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const data = new FormData(/** @type {HTMLFormElement} */ (form));
        const body = { id: manager.uuid ? manager.uuid() : crypto.randomUUID(), kind: String(data.get('kind')), text: String(data.get('text') || '').trim() };
        if (!body.text) return;
        const res = await manager.send('amc.submit', body);
        if (res.ok) {
          take(res.ack.submission);
          /** @type {HTMLTextAreaElement} */ (text).value = '';
          status = t('amc.submit.sent');
          manager.announce?.(status);
        } else {
          status = res.code === 'not_allowed_in_phase' ? t('amc.submit.closed') : t(`error.${res.code}`);
        }
        manager.render();
      });
      list = el('ul', { id: 'amc-mine', class: 'plain' });
      return el('section', { class: 'card', 'aria-labelledby': 'amc-h' },
        el('h2', { id: 'amc-h', text: t('amc.submit.title') }),
        el('p', { text: t('amc.submit.intro') }),
        form,
        el('h3', { text: t('amc.submit.mine') }),
        list);
    },
    render: () => {
      for (const s of manager.snapshot()?.format_data?.submissions ?? []) take(s);
      if (form) form.hidden = !manager.can('submit');
      const statusEl = document.getElementById('amc-status');
      if (statusEl) statusEl.textContent = manager.can('submit') ? status : t('amc.submit.closed');
      if (!list) return;
      const items = [...mine.values()];
      list.replaceChildren(...(items.length ? items.map((s) => el('li', { dataset: { id: s.id, status: s.status } },
        el('p', { class: 'amc-text', text: s.text }),
        el('p', { class: 'amc-fate', text: fate(s) }))) : [el('li', { text: t('amc.submit.none') })]));
    },
  });
  manager.on('amc.submission', (msg) => {
    take(msg.submission);
    manager.render();
  });
}
