// @ts-check
// What a reflection meeting gathered, drawn the same way on the moderator screen and the room
// display: per source meeting, its team and title, the improvement points and shared notes.

export function materialView(m, material) {
  if (!material?.length) return m.el('p', { text: m.t('koos.reflect.none') });
  return m.el('div', { class: 'koos-material' }, ...material.map((src) => m.el('article', {},
    m.el('h3', { text: [src.meeting.team, src.meeting.title].filter(Boolean).join(' – ') }),
    m.el('ul', {}, ...src.outcomes.map((o) => m.el('li', { text: o.text })),
      ...src.shared_notes.map((text) => m.el('li', { class: 'koos-shared', text }))))));
}
