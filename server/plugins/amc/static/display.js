// @ts-check
// AMC, room display: during the after-talk a calm thank-you instead of the phase rule.

export default async function setup(manager) {
  if (manager.VERSION.split('.')[0] !== '1') throw new Error(`amc needs panel API 1, not ${manager.VERSION}`);
  await manager.loadTranslations(import.meta.url);
  const { el, t } = manager;
  manager.registerPanel({
    id: 'amc.aftertalk',
    slot: manager.slots.includes('main') ? 'main' : manager.slots[0],
    order: 50,
    visible: () => manager.state()?.phase?.key === 'aftertalk',
    mount: () => el('p', { id: 'amc-aftertalk', class: 'display-message', text: t('amc.display.aftertalk') }),
  });
}
