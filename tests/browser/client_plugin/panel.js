// A plugin's listener panel, as an organisation would write it: one ES module whose default
// export is setup(manager). Served by tests/browser/test_listener_plugin_panels.py under
// /plugins/demo_panel/static/panel.js. Uses only the manager; it touches nothing of the page.

export default async function setup(manager) {
  if (manager.VERSION.split('.')[0] !== '1') throw new Error(`demo_panel needs panel API 1, not ${manager.VERSION}`);
  // its texts: i18n/nl.json and en.json next to this module
  await manager.loadTranslations(import.meta.url);
  const { el, t } = manager;
  let heard = null;
  let answer = null;
  const render = (m) => {
    document.getElementById('demo-phase').textContent = t('demo_panel.phase', { title: m.pickText(m.state().phase?.titles ?? m.state().phase?.title) });
    document.getElementById('demo-heard').textContent = heard ? t('demo_panel.prompt', { text: heard }) : '';
    document.getElementById('demo-answer').textContent = answer ? t('demo_panel.answer', { code: answer }) : '';
  };
  manager.registerPanel({
    id: 'demo_panel.priorities',
    slot: 'round',
    order: 50,
    actions: ['note'],
    mount: () =>
      el(
        'section',
        { id: 'demo-panel', class: 'card', 'aria-labelledby': 'demo-h' },
        el('h2', { id: 'demo-h', 'data-i18n': 'demo_panel.title', text: t('demo_panel.title') }),
        el('p', { id: 'demo-phase' }),
        el('p', { id: 'demo-heard', role: 'status' }),
        el('button', {
          type: 'button',
          id: 'demo-ask',
          'data-i18n': 'demo_panel.ask',
          text: t('demo_panel.ask'),
          onclick: async () => {
            const res = await manager.send('demo_panel.ping', {});
            answer = res.ok ? 'ok' : res.code;
            manager.render();
          },
        }),
        el('p', { id: 'demo-answer', role: 'status' }),
      ),
    render,
  });
  // a server event, by name: here the core's `state`, which carries the prompt the room sees
  manager.on('state', (payload) => {
    if (payload?.prompt?.text) {
      heard = manager.pickText(payload.prompt.text);
      manager.render();
    }
  });
}
