// Probe plugin (tests only): a panel on the admin page from a plugin's `register_admin_modules`
// (not a format's `modules["admin"]`): a library section with the number of tips in all
// meetings, read through the probe's administrator action. Uses only the panel manager.

export default async function setup(manager) {
  if (manager.VERSION.split('.')[0] !== '1') throw new Error('needs panel API 1');
  await manager.loadTranslations(import.meta.url);
  const { el, t } = manager;
  /** @type {number|null} */
  let tips = null;
  manager.registerPanel({
    id: 'probe.library',
    slot: 'library',
    mount: () =>
      el('section', { class: 'card probe-library', id: 'probe-library', 'aria-labelledby': 'probe-library-h' },
        el('h2', { id: 'probe-library-h' }), el('p', { id: 'probe-library-count' })),
    render: () => {
      document.getElementById('probe-library-h').textContent = t('library.title');
      document.getElementById('probe-library-count').textContent =
        tips === null ? t('library.loading') : t('library.count', { n: tips });
    },
  });
  const ans = await manager.action('probe.count');
  if (ans.ok) tips = ans.tips;
  manager.render();
}
