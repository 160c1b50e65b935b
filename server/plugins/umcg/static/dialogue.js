// @ts-check
// UMCG, moderator screen: the parties of the project; decisions on the spot (who decided,
// recorded now, shown to the room when the moderator chooses); the improvement plan
// (actions with an owner) for the project group.

export default async function setup(manager) {
  if (manager.VERSION.split('.')[0] !== '1') throw new Error(`umcg needs panel API 1, not ${manager.VERSION}`);
  await manager.loadTranslations(import.meta.url);
  const { el, t } = manager;
  /** @type {Map<string, any>} */
  const decisions = new Map();
  /** @type {Map<string, any>} */
  const plan = new Map();
  let shownId = /** @type {string|null|undefined} */ (undefined);
  const part = () => manager.snapshot()?.format_data ?? {};
  const slot = manager.slots.includes('side') ? 'side' : manager.slots[0];
  const deciding = () => ['dialogue', 'plan'].includes(manager.state()?.phase?.key);
  const time = (iso) => new Date(iso).toLocaleTimeString(manager.lang(), { hour: '2-digit', minute: '2-digit' });
  const field = (id, label, attrs = {}) => [el('label', { for: id, text: label }), el('input', { id, name: id, ...attrs })];
  const value = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id)).value.trim();

  manager.registerPanel({
    id: 'umcg.parties',
    slot,
    order: 4,
    mount: () => el('section', { class: 'card', 'aria-labelledby': 'umcg-parties-h' },
      el('h2', { id: 'umcg-parties-h', text: t('umcg.parties.title') }), el('dl', { id: 'umcg-parties' })),
    render: () => {
      const parties = part().parties ?? {};
      document.getElementById('umcg-parties')?.replaceChildren(...Object.entries(parties).filter(([, v]) => v)
        .flatMap(([k, v]) => [el('dt', { text: t(`umcg.party.${k}`) }), el('dd', { text: v })]));
    },
  });

  manager.registerPanel({
    id: 'umcg.decide',
    slot,
    order: 5,
    visible: deciding,
    mount: () => {
      const form = el('form', { id: 'umcg-decide', class: 'stack' },
        field('umcg-decision-text', t('umcg.decide.text'), { required: true, maxlength: '2000' }),
        field('umcg-decided-by', t('umcg.decide.by'), { required: true, maxlength: '120' }),
        el('button', { type: 'submit', value: 'save', text: t('umcg.decide.save') }),
        el('button', { type: 'submit', value: 'show', class: 'primary', id: 'umcg-save-show', text: t('umcg.decide.save_show') }),
        el('p', { id: 'umcg-decide-status', role: 'status' }));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const submitter = /** @type {HTMLButtonElement|null} */ (/** @type {SubmitEvent} */ (ev).submitter);
        const res = await manager.send('umcg.decide', {
          id: manager.uuid ? manager.uuid() : crypto.randomUUID(),
          text: value('umcg-decision-text'), decided_by: value('umcg-decided-by'), show: submitter?.value === 'show',
        });
        const status = document.getElementById('umcg-decide-status');
        if (res.ok) {
          decisions.set(res.ack.decision.id, res.ack.decision);
          if (submitter?.value === 'show') shownId = res.ack.decision.id;
          /** @type {HTMLFormElement} */ (form).reset();
          if (status) status.textContent = t('umcg.decide.saved');
        } else if (status) status.textContent = t(`error.${res.code}`);
        manager.render();
      });
      return el('section', { class: 'card', 'aria-labelledby': 'umcg-decide-h' },
        el('h2', { id: 'umcg-decide-h', text: t('umcg.decide.title') }), form,
        el('h3', { text: t('umcg.decide.list') }), el('ul', { id: 'umcg-decisions', class: 'plain' }));
    },
    render: () => {
      for (const d of part().decisions ?? []) if (!decisions.has(d.id)) decisions.set(d.id, d);
      if (shownId === undefined) shownId = part().shown?.id ?? null;
      const items = [...decisions.values()];
      document.getElementById('umcg-decisions')?.replaceChildren(...(items.length ? items.map((d) => el('li', { dataset: { id: d.id } },
        el('p', { text: d.text }),
        el('p', { class: 'muted', text: t('umcg.decide.meta', { by: d.decided_by, time: time(d.decided_at) }) }),
        el('button', { type: 'button', 'aria-pressed': String(shownId === d.id), text: t(shownId === d.id ? 'umcg.decide.hide' : 'umcg.decide.show'),
          onclick: async () => {
            const res = await manager.send('umcg.show', { id: shownId === d.id ? null : d.id });
            if (res.ok) shownId = res.ack.shown?.id ?? null;
            manager.render();
          } }))) : [el('li', { text: t('umcg.decide.none') })]));
    },
  });

  manager.registerPanel({
    id: 'umcg.plan',
    slot,
    order: 6,
    visible: deciding,
    mount: () => {
      const form = el('form', { id: 'umcg-plan', class: 'stack' },
        field('umcg-plan-text', t('umcg.plan.text'), { required: true, maxlength: '2000' }),
        field('umcg-plan-owner', t('umcg.plan.owner'), { required: true, maxlength: '120' }),
        field('umcg-plan-due', t('umcg.plan.due'), { maxlength: '40' }),
        el('button', { type: 'submit', text: t('umcg.plan.add') }));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const res = await manager.send('umcg.plan', { text: value('umcg-plan-text'), owner: value('umcg-plan-owner'), due: value('umcg-plan-due') || null });
        if (res.ok) {
          plan.set(res.ack.action.id, res.ack.action);
          /** @type {HTMLFormElement} */ (form).reset();
        }
        manager.render();
      });
      return el('section', { class: 'card', 'aria-labelledby': 'umcg-plan-h' },
        el('h2', { id: 'umcg-plan-h', text: t('umcg.plan.title') }), form, el('ul', { id: 'umcg-plan-items', class: 'plain' }));
    },
    render: () => {
      for (const a of part().plan ?? []) if (!plan.has(a.id)) plan.set(a.id, a);
      const items = [...plan.values()];
      document.getElementById('umcg-plan-items')?.replaceChildren(...(items.length
        ? items.map((a) => el('li', { text: t('umcg.plan.item', { text: a.text, owner: a.owner }) }))
        : [el('li', { text: t('umcg.plan.none') })]));
    },
  });
  manager.on('umcg.decision', (msg) => {
    decisions.set(msg.decision.id, msg.decision);
    manager.render();
  });
  manager.on('umcg.shown', (msg) => {
    shownId = msg.decision?.id ?? null;
    manager.render();
  });
  manager.on('outcome', (msg) => {
    if (msg.outcome?.kind === 'action') plan.set(msg.outcome.id, msg.outcome);
    manager.render();
  });
}
