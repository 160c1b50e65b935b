// @ts-check
// The listener's card panel: shown while the phase offers "thank".
export default async function setup(manager) {
  if (manager.VERSION.split('.')[0] !== '1') throw new Error(`thanks needs panel API 1, not ${manager.VERSION}`);
  await manager.loadTranslations(import.meta.url);
  const { el, t } = manager;
  let status = '';
  manager.registerPanel({
    id: 'thanks.card',
    slot: 'round',
    actions: ['thank'],
    mount: () => {
      const text = el('textarea', { id: 'thanks-text', rows: '3', maxlength: '280' });
      const form = el('form', { id: 'thanks-form' }, el('label', { for: 'thanks-text', text: t('thanks.label') }), text,
        el('button', { type: 'submit', text: t('thanks.send') }), el('p', { id: 'thanks-status', role: 'status' }));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const res = await manager.send('thanks.write', { id: crypto.randomUUID(), text: /** @type {HTMLTextAreaElement} */ (text).value });
        status = res.ok ? t('thanks.sent') : t('thanks.failed');
        manager.render();
      });
      return el('section', { class: 'card' }, el('h2', { text: t('thanks.title') }), form);
    },
    render: () => {
      const node = document.getElementById('thanks-status');
      if (node) node.textContent = status;
    },
  });
}
