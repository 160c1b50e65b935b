// Probe plugin (tests only): a banner staff show on the room display.

export default function setup(manager) {
  let box = null;
  manager.registerPanel({
    id: 'probe-banner',
    slot: 'main',
    when: (snap) => snap.format?.name === 'probe',
    render(el) {
      box = el;
      el.hidden = true;
    },
  });
  manager.on('probe.banner', (msg) => {
    if (!box) return;
    box.hidden = false;
    box.textContent = msg.text;
  });
}
