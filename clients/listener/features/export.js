// @ts-check
// Taking the notes home: copy them, or save them as a text file. Only the listener has them;
// they are offered after the silent listening (during it they would only pull attention).

import { $, el } from '/static/shared/dom.js';
import { sortedItems } from '../items.js';
import { S, data, i18n, localTime, meetingEnded, pickText, t } from '../state.js';
import { questionStatus } from './item-view.js';
import { mountTemplate } from './mount.js';

export function exportText() {
  const lines = [t('export.title', { title: S.meeting?.title || '' })];
  if (S.meeting?.theme) lines.push(S.meeting.theme);
  lines.push('', t('export.notes'), '-'.repeat(t('export.notes').length));
  const notes = sortedItems('notes').filter((n) => !n.deleted).reverse();
  if (!notes.length) lines.push(t('export.none'));
  for (const n of notes) {
    const head = [localTime(n.created_at), ...(n.tags || []).map((/** @type {string} */ tag) => t(`tag.${tag}`))];
    if (n.prompt_text) head.push(t('item.linked', { text: pickText(n.prompt_text, i18n.lang) }));
    lines.push(`[${head.filter(Boolean).join(' · ')}]`, n.text, '');
  }
  const questions = sortedItems('questions').filter((q) => !q.deleted);
  if (questions.length) {
    lines.push('', t('export.questions'), '-'.repeat(t('export.questions').length));
    for (const q of questions) lines.push(`[${localTime(q.created_at)} · ${questionStatus(q)}]`, q.text, '');
  }
  return lines.join('\n').trim() + '\n';
}

function render() {
  const hasAny = Object.values(data().notes).some((n) => !n.deleted) || Object.values(data().questions).some((q) => !q.deleted);
  $('export').hidden = !hasAny || !!S.phase?.silent;
  $('export').classList.toggle('ended', meetingEnded());
}

async function copyExport() {
  const text = exportText();
  const status = $('export-status');
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = t('export.copied');
  } catch {
    // no Clipboard API on plain http: show the text, selected, and try the old way
    const area = /** @type {HTMLTextAreaElement} */ ($('export-text'));
    area.hidden = false;
    area.value = text;
    area.focus();
    area.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    status.textContent = ok ? t('export.copied') : t('export.copy_failed');
  }
}

function downloadExport() {
  const url = URL.createObjectURL(new Blob([exportText()], { type: 'text/plain;charset=utf-8' }));
  const a = el('a', { href: url, download: `${t('export.filename')}-${S.code}.txt` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

/** @param {any} manager */
export default function setup(manager) {
  manager.registerPanel({
    id: 'export',
    slot: 'side',
    order: 30,
    mount: () => {
      const root = mountTemplate('tpl-export');
      root.querySelector('#export-copy')?.addEventListener('click', copyExport);
      root.querySelector('#export-download')?.addEventListener('click', downloadExport);
      return root;
    },
    render,
  });
}
