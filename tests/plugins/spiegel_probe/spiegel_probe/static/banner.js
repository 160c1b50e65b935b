// Probe plugin (tests only): a banner staff show on the room display (`probe.shout`, which
// reaches the whole meeting as `probe.banner`). Uses only the panel manager.

export default async function setup(manager) {
  await manager.loadTranslations(import.meta.url);
  const { el, t } = manager;
  let text = '';
  manager.registerPanel({
    id: 'probe.banner',
    slot: 'main',
    visible: () => !!text,
    mount: () =>
      el('aside', { id: 'probe-banner', class: 'probe-banner', 'aria-label': t('banner.title') }, el('p', { id: 'probe-banner-text' })),
    render: () => {
      document.getElementById('probe-banner-text').textContent = text;
    },
  });
  manager.on('probe.banner', (msg) => {
    text = msg?.text || '';
    manager.render();
  });
}
