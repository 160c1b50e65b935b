// @ts-check
// UMCG, room display: the parties of the project, and the decision on the spot the
// moderator chose to show (live, through `umcg.shown`).

export default async function setup(manager) {
  if (manager.VERSION.split('.')[0] !== '1') throw new Error(`umcg needs panel API 1, not ${manager.VERSION}`);
  await manager.loadTranslations(import.meta.url);
  const { el, t } = manager;
  let shown = /** @type {any} */ (undefined);
  const slot = manager.slots.includes('main') ? 'main' : manager.slots[0];
  manager.registerPanel({
    id: 'umcg.shown',
    slot,
    order: 20,
    visible: () => Boolean(current()),
    mount: () => el('section', { id: 'umcg-shown', class: 'display-decision', 'aria-live': 'polite' },
      el('h2', { text: t('umcg.display.decided') }), el('p', { id: 'umcg-shown-text' }), el('p', { id: 'umcg-shown-by' })),
    render: () => {
      const d = current();
      const text = document.getElementById('umcg-shown-text');
      const by = document.getElementById('umcg-shown-by');
      if (text) text.textContent = d?.text ?? '';
      if (by) by.textContent = d ? t('umcg.display.by', { by: d.decided_by }) : '';
    },
  });
  manager.registerPanel({
    id: 'umcg.parties',
    slot,
    order: 90,
    visible: () => Object.values(manager.snapshot()?.format_data?.parties ?? {}).some(Boolean),
    mount: () => el('p', { id: 'umcg-display-parties', class: 'muted' }),
    render: () => {
      const parties = manager.snapshot()?.format_data?.parties ?? {};
      const node = document.getElementById('umcg-display-parties');
      if (node) node.textContent = Object.values(parties).filter(Boolean).join(' · ');
    },
  });
  function current() {
    return shown === undefined ? manager.snapshot()?.format_data?.shown ?? null : shown;
  }
  manager.on('umcg.shown', (msg) => {
    shown = msg.decision ?? null;
    manager.render();
  });
}
