// Probe plugin (tests only): the cheer tally and tips on the moderator screen.

export default function setup(manager) {
  let cheers = 0;
  let out = null;
  manager.registerPanel({
    id: 'probe-tally',
    slot: 'side',
    when: (snap) => snap.format?.name === 'probe',
    render(el, { snapshot, t }) {
      cheers = snapshot.format_data?.cheers || 0;
      el.innerHTML = '';
      const h = document.createElement('h2');
      h.textContent = t('tally.title');
      out = document.createElement('p');
      out.id = 'probe-cheers';
      out.textContent = t('tally.count', { n: cheers });
      const tips = document.createElement('ul');
      tips.id = 'probe-tips';
      for (const tip of snapshot.format_data?.tips || []) {
        const li = document.createElement('li');
        li.textContent = tip.text;
        tips.append(li);
      }
      el.append(h, out, tips);
    },
  });
  manager.on('probe.tally', (msg) => {
    cheers = msg.cheers;
    if (out) out.textContent = manager.t('tally.count', { n: cheers });
  });
}
