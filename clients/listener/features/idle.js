// @ts-check
// The calm card for phases without anything to do: the lobby, a phase with no listener
// actions, and the end of the meeting (with the format's own words when it has them).

import { $ } from '/static/shared/dom.js';
import { S, actions, i18n, meetingEnded, pickText, t } from '../state.js';
import { mountTemplate } from './mount.js';

function render() {
  let kind = null;
  if (meetingEnded()) kind = 'ended';
  else if (actions().length === 0) {
    const lobby = (S.phase?.index === 0 || S.phase?.key === 'lobby') && S.kind === 'listener';
    kind = lobby ? 'lobby' : 'none';
  }
  $('idle').hidden = !kind;
  if (!kind) return;
  const rule = S.phase ? pickText(S.phase.rules ?? S.phase.rule, i18n.lang) : '';
  $('idle-title').textContent = t(`idle.${kind}.title`);
  // the format's own words for the end say it best; the lobby gets our explanation under its rule
  $('idle-body').textContent = kind === 'ended' && rule ? rule : t(`idle.${kind}.body`);
  if (kind === 'ended' && rule) $('phase-rule').hidden = true;
}

/** @param {any} manager */
export default function setup(manager) {
  manager.registerPanel({ id: 'idle', slot: 'top', order: 10, mount: () => mountTemplate('tpl-idle'), render });
}
