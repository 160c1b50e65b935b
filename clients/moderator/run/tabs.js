// @ts-check
// The three tabs on the right: questions, outcomes and the live round (poll or turns). The tab
// is chosen once when a phase starts and never switched under the moderator's hands later.

import { $, S, el, listenerActions, running, st, t, ui } from './state.js';

// ---- tabs
function defaultTab() {
  if (!running()) return 'outcomes';
  const acts = listenerActions();
  if ((acts.includes('vote') || acts.includes('turn')) && st.phase && !st.phase.silent) return 'live';
  if (st.phase && st.phase.silent) return 'outcomes';
  if (acts.includes('question')) return 'questions';
  const open = [...st.questions.values()].some((q) => q.status === 'parked' || q.status === 'selected');
  return open ? 'questions' : 'outcomes';
}

export function activeTab() {
  // Chosen once when a phase starts; never switched under the moderator's hands later.
  const key = st.phase && st.phase.key;
  if (ui.tabPhase !== key) { ui.tabPhase = key; ui.tab = defaultTab(); ui.peek = false; }
  const liveOk = liveAvailable();
  let tab = ui.tab || defaultTab();
  if (tab === 'live' && !liveOk) tab = 'questions';
  return tab;
}

function liveAvailable() {
  const acts = listenerActions();
  return acts.includes('vote') || acts.includes('turn') || !!st.poll || (st.turns && st.turns.length > 0 && acts.includes('turn'));
}

export function renderTabs() {
  const tab = activeTab();
  const open = [...st.questions.values()].filter((q) => q.status === 'parked' || q.status === 'selected').length;
  $('tabs').setAttribute('aria-label', t('tabs.label'));
  S.rebuild($('tab-questions'), (f) => f.append(t('tabs.questions'), ' ', el('span', { class: 'count' }, String(open))));
  S.rebuild($('tab-outcomes'), (f) => f.append(t('tabs.outcomes'), ' ', el('span', { class: 'count' }, String(st.outcomes.size))));
  const acts = listenerActions();
  const votes = acts.includes('vote') || !!st.poll;
  const turns = acts.includes('turn');
  const live = votes && turns ? t('tabs.round') : votes ? t('tabs.poll') : t('tabs.turns');
  if ($('tab-live').textContent !== live) $('tab-live').textContent = live;
  $('tab-live').hidden = !liveAvailable();
  document.querySelector('.grid').classList.toggle('wide-right', tab === 'questions' && !(st.phase && st.phase.silent) && running());
  for (const name of ['questions', 'outcomes', 'live']) {
    const b = $(`tab-${name}`);
    b.setAttribute('aria-selected', String(tab === name));
    b.tabIndex = tab === name ? 0 : -1;
    $(`panel-${name}`).hidden = tab !== name;
  }
}
export function selectTab(name, focus) {
  ui.tab = name;
  ui.tabPhase = st.phase && st.phase.key;
  renderTabs();
  if (focus) $(`tab-${name}`).focus();
}
/** @param {any} manager */
export default function setup(manager) {
  ['questions', 'outcomes', 'live'].forEach((name) => {
    $(`tab-${name}`).addEventListener('click', () => selectTab(name));
  });
  $('tabs').addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const names = ['questions', 'outcomes', 'live'].filter((n) => !$(`tab-${n}`).hidden);
    const i = names.indexOf(activeTab());
    const j = (i + (e.key === 'ArrowRight' ? 1 : -1) + names.length) % names.length;
    selectTab(names[j], true);
    e.preventDefault();
  });
  manager.registerPanel({
    id: 'tabs',
    slot: 'right',
    order: 10,
    mount: () => $('tabs'),
    render: renderTabs,
  });
}
