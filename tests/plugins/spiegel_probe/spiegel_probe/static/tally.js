// Probe plugin (tests only): the cheer tally and the scouts' tips on the moderator screen.
// Uses only the panel manager a plugin module gets (clients/shared/README.md).

export default async function setup(manager) {
  await manager.loadTranslations(import.meta.url);
  const { el, t } = manager;
  let cheers = null; // from the tally event, newer than the snapshot
  const tips = new Map();
  manager.registerPanel({
    id: 'probe.tally',
    slot: 'side',
    visible: (m) => m.state().format?.name === 'probe',
    mount: () =>
      el(
        'section',
        { id: 'probe-tally', class: 'card', 'aria-labelledby': 'probe-tally-h' },
        el('h2', { id: 'probe-tally-h', 'data-i18n': 'tally.title', text: t('tally.title') }),
        el('p', { id: 'probe-cheers', role: 'status' }),
        el('ul', { id: 'probe-tips' }),
      ),
    render: (m) => {
      const part = m.snapshot()?.format_data || {};
      for (const tip of part.tips || []) tips.set(tip.id, tip);
      document.getElementById('probe-cheers').textContent = t('tally.count', { n: cheers ?? part.cheers ?? 0 });
      document.getElementById('probe-tips').replaceChildren(...[...tips.values()].map((tip) => el('li', { text: tip.text })));
    },
  });
  manager.on('probe.tally', (msg) => {
    cheers = msg.cheers;
    manager.render();
  });
  manager.on('probe.tip', (msg) => {
    if (msg?.tip) tips.set(msg.tip.id, msg.tip);
    manager.render();
  });
}
