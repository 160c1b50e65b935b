// Probe plugin (tests only): a scout's tips panel on the participant page.
// Uses only the page manager a plugin module gets: registerPanel, emit, on, t.

export default function setup(manager) {
  manager.registerPanel({
    id: 'probe-tips',
    slot: 'main',
    // Shown to scouts in phases that allow "tip".
    when: (snap) => snap.kind === 'scout' && (snap.phase?.actions?.scout || []).includes('tip'),
    render(el, { snapshot, emit, t }) {
      el.innerHTML = '';
      const h = document.createElement('h2');
      h.textContent = t('tips.title');
      const label = document.createElement('label');
      label.textContent = t('tips.label');
      label.htmlFor = 'probe-tip-text';
      const input = document.createElement('textarea');
      input.id = 'probe-tip-text';
      const send = document.createElement('button');
      send.type = 'button';
      send.textContent = t('tips.send');
      const list = document.createElement('ul');
      list.id = 'probe-tip-list';
      const show = (tips) => {
        list.replaceChildren(...tips.map((tip) => {
          const li = document.createElement('li');
          li.textContent = tip.text;
          return li;
        }));
      };
      show(snapshot.format_data?.tips || []);
      send.addEventListener('click', async () => {
        const text = input.value.trim();
        if (!text) return;
        const ack = await emit('probe.tip', { id: crypto.randomUUID(), text });
        if (ack && ack.ok) {
          input.value = '';
          show([...(snapshot.format_data?.tips || []), ack.tip]);
          snapshot.format_data = { tips: [...(snapshot.format_data?.tips || []), ack.tip] };
        }
      });
      el.append(h, label, input, send, list);
    },
  });
}
