// @ts-check
// AMC, moderator screen: counts against the caps (a calm warning past them, never a
// refusal), and the professionals' submissions: merge duplicates, make one a prepared
// question with one tap, set one aside.

export default async function setup(manager) {
  if (manager.VERSION.split('.')[0] !== '1') throw new Error(`amc needs panel API 1, not ${manager.VERSION}`);
  await manager.loadTranslations(import.meta.url);
  const { el, t } = manager;
  /** @type {Map<string, any>} */
  const subs = new Map();
  let listeners = null;
  let inner = null;
  let selected = /** @type {string|null} */ (null);
  const part = () => manager.snapshot()?.format_data ?? {};
  const take = (s) => {
    const known = subs.get(s.id);
    if (!known || known.version <= s.version) subs.set(s.id, s);
  };
  const slot = manager.slots.includes('side') ? 'side' : manager.slots[0];

  let caps = /** @type {HTMLElement|null} */ (null);
  manager.registerPanel({
    id: 'amc.caps',
    slot,
    order: 5,
    mount: () => {
      const input = el('input', { id: 'amc-inner', type: 'number', min: '0', max: '100', inputmode: 'numeric' });
      input.addEventListener('change', async () => {
        const n = Number(/** @type {HTMLInputElement} */ (input).value || 0);
        const res = await manager.send('meeting.update', { options: { inner_circle: n } });
        if (res.ok) inner = n;
        manager.render();
      });
      caps = el('div', { id: 'amc-caps' });
      return el('section', { class: 'card', 'aria-labelledby': 'amc-caps-h' },
        el('h2', { id: 'amc-caps-h', text: t('amc.caps.title') }),
        el('label', { for: 'amc-inner', text: t('amc.caps.set_inner') }), input, caps);
    },
    render: () => {
      const p = part();
      const counts = { ...(p.counts ?? {}) };
      if (listeners != null) counts.listeners = listeners;
      if (inner != null) counts.inner_circle = inner;
      const limit = p.caps ?? { inner_circle: 12, listeners: 25 };
      const field = /** @type {HTMLInputElement|null} */ (document.getElementById('amc-inner'));
      if (field && document.activeElement !== field) field.value = String(counts.inner_circle ?? 0);
      const line = (key, label) => {
        const over = (counts[key] ?? 0) > limit[key];
        return el('p', { class: over ? 'amc-over' : '', dataset: { cap: key, over: String(over) } },
          t(label, { n: counts[key] ?? 0, cap: limit[key] }), over ? el('span', { class: 'amc-warning', text: ` ${t('amc.caps.over')}` }) : null);
      };
      caps?.replaceChildren(line('inner_circle', 'amc.caps.inner'), line('listeners', 'amc.caps.listeners'));
    },
  });

  let list = /** @type {HTMLElement|null} */ (null);
  manager.registerPanel({
    id: 'amc.submissions',
    slot,
    order: 6,
    mount: () => {
      list = el('ul', { id: 'amc-submissions', class: 'plain' });
      return el('section', { class: 'card', 'aria-labelledby': 'amc-sub-h' },
        el('h2', { id: 'amc-sub-h', text: t('amc.prepare.title') }), list);
    },
    render: () => {
      for (const s of part().submissions ?? []) take(s);
      const act = async (event, body) => {
        const res = await manager.send(event, body);
        if (res.ok) {
          for (const s of [res.ack.submission].filter(Boolean)) take(s);
          selected = null;
        }
        manager.render();
      };
      const open = [...subs.values()].filter((s) => s.status !== 'merged');
      list?.replaceChildren(...(open.length ? open.map((s) => el('li', { dataset: { id: s.id, status: s.status } },
        el('p', { class: 'amc-text', text: s.text }),
        el('p', { class: 'muted', text: t('amc.prepare.from', { who: s.from }) }),
        s.status === 'prepared' ? el('p', { text: t('amc.status.prepared', { text: s.prepared_text ?? s.text }) }) : null,
        s.status === 'sent' ? [
          el('button', { type: 'button', class: 'primary', text: t('amc.prepare.make'), onclick: () => act('amc.prepare', { id: s.id }) }),
          selected && selected !== s.id
            ? el('button', { type: 'button', text: t('amc.prepare.merge'), onclick: () => act('amc.merge', { into: selected, ids: [s.id] }) })
            : el('button', { type: 'button', 'aria-pressed': String(selected === s.id), text: t('amc.prepare.select'), onclick: () => { selected = selected === s.id ? null : s.id; manager.render(); } }),
          el('button', { type: 'button', text: t('amc.prepare.dismiss'), onclick: () => act('amc.set', { id: s.id, status: 'dismissed' }) }),
        ] : null,
        s.status === 'dismissed' ? el('button', { type: 'button', text: t('amc.prepare.restore'), onclick: () => act('amc.set', { id: s.id, status: 'sent' }) }) : null,
      )) : [el('li', { text: t('amc.prepare.none') })]));
    },
  });
  manager.on('amc.submission', (msg) => {
    take(msg.submission);
    manager.render();
  });
  manager.on('presence', (msg) => {
    listeners = msg?.presence?.joined ?? listeners;
    manager.render();
  });
  manager.on('settings', (msg) => {
    inner = msg?.settings?.options?.inner_circle ?? inner;
    manager.render();
  });
}
