// @ts-check
// "Now asking": the clarifying question the moderator put up for the room (`state.asking`,
// its text only, never who wrote it). A calm line above the composer: no sound, no animation,
// no focus move. The author's own tablet says it is theirs, and only suggests they speak when
// the phase says the asker does (`phase.asker_speaks`); otherwise the moderator reads it out.

import { $ } from '/static/shared/dom.js';
import { S, data, t } from '../state.js';
import { mountTemplate } from './mount.js';

function render() {
  const asking = S.asking;
  const show = !!asking?.text && !S.phase?.silent;
  $('asking').hidden = !show;
  if (!show) return;
  $('asking-text').textContent = t('asking.now', { text: asking.text });
  const mine = !!data().questions[asking.id];
  const own = $('asking-own');
  own.hidden = !mine;
  if (mine) own.textContent = `${t('asking.mine')} ${t(S.phase?.asker_speaks ? 'asking.mine.speak' : 'asking.mine.read')}`;
}

/** @param {any} manager */
export default function setup(manager) {
  manager.registerPanel({ id: 'asking', slot: 'top', order: 30, mount: () => mountTemplate('tpl-asking'), render });
}
