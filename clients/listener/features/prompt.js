// @ts-check
// "Now being discussed": the prepared question the moderator shows to the room, so a note
// can be linked to it.

import { $ } from '/static/shared/dom.js';
import { S, i18n, meetingEnded, pickText } from '../state.js';
import { mountTemplate } from './mount.js';

function render() {
  const p = S.prompt;
  const visible = !!p?.text && !meetingEnded();
  $('prompt').hidden = !visible;
  $('prompt-text').textContent = visible ? pickText(p.text, i18n.lang) : '';
}

/** @param {any} manager */
export default function setup(manager) {
  manager.registerPanel({ id: 'prompt', slot: 'top', order: 20, mount: () => mountTemplate('tpl-prompt'), render });
}
