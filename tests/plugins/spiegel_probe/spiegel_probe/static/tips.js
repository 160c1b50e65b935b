// Probe plugin (tests only): a scout's tips panel on the participant page. Uses only the panel
// manager a plugin module gets (clients/shared/README.md): its texts, a panel in the `main`
// slot shown while the phase lets scouts send a tip, the outbox (a tip written without Wi-Fi
// is kept and sent later) and the server event `probe.tip`.

export default async function setup(manager) {
  await manager.loadTranslations(import.meta.url);
  const { el, t } = manager;
  /** tips the server confirmed, by id (the snapshot's own part, then `probe.tip` events) */
  const tips = new Map();
  let status = '';
  const take = (list) => {
    for (const tip of list || []) tips.set(tip.id, tip);
  };

  async function send() {
    const box = document.getElementById('probe-tip-text');
    const text = box.value.trim();
    if (!text) return;
    box.value = '';
    status = t('tips.kept');
    manager.render();
    const answer = await manager.queue('probe.tip', { id: manager.uuid(), text });
    if (answer.ok) take([answer.ack.tip]);
    status = answer.ok ? t('tips.sent') : t('tips.refused', { code: answer.code });
    manager.render();
  }

  manager.registerPanel({
    id: 'probe.tips',
    slot: 'main',
    order: 20,
    actions: ['tip'],
    mount: () =>
      el(
        'section',
        { id: 'probe-tips', class: 'card', 'aria-labelledby': 'probe-tips-h' },
        el('h2', { id: 'probe-tips-h', 'data-i18n': 'tips.title', text: t('tips.title') }),
        el('label', { for: 'probe-tip-text', class: 'big-label', 'data-i18n': 'tips.label', text: t('tips.label') }),
        el('textarea', { id: 'probe-tip-text', rows: 3, maxlength: 300 }),
        el('div', { class: 'submit-row' },
          el('button', { type: 'button', class: 'primary', id: 'probe-tip-send', 'data-i18n': 'tips.send', text: t('tips.send'), onclick: send })),
        el('p', { id: 'probe-tip-status', class: 'form-status', role: 'status' }),
        el('ul', { id: 'probe-tip-list' }),
      ),
    render: (m) => {
      take(m.snapshot()?.format_data?.tips);
      document.getElementById('probe-tip-status').textContent = status;
      document.getElementById('probe-tip-list').replaceChildren(...[...tips.values()].map((tip) => el('li', { text: tip.text })));
    },
  });
  // the server's word that a tip is stored (also from another tab of the same scout)
  manager.on('probe.tip', (msg) => {
    take([msg?.tip]);
    manager.render();
  });
}
