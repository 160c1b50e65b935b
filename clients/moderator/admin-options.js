// @ts-check
// A format's creation options on the admin page, drawn from what `/api/formats` says of them
// (`format.options`: name, type, title, help, limits, choices, nested fields), so that any
// plugin's options appear without the page knowing them. The form checks what it can before
// sending (the server checks again with the format's own class) and says what is wrong next
// to the field, in the admin's language.

import { Spiegel as S } from '/static/moderator/common.js';

const { t, el } = S;

/**
 * @typedef {{name: string, type: string, title: string, help?: string, default?: any,
 *   nullable?: boolean, required?: boolean, editable?: boolean, min?: number, max?: number,
 *   min_length?: number, max_length?: number, choices?: {value: any, title: string}[],
 *   fields?: OptionField[]}} OptionField
 */

/** @typedef {{value: string|boolean, error: string|null}} Typed a field as typed, and its message */

/**
 * Draw `fields` into `container` and return a reader.
 * @param {HTMLElement} container
 * @param {OptionField[]} fields
 * @param {{prefix: string, values?: Record<string, any>, typed?: Record<string, Typed>}} opts
 *   `prefix` keeps ids unique per form; `typed` is what an earlier drawing's fields held and
 *   said (its `typed()`), put back as it was, so a redraw keeps half-typed and invalid input
 *   and the message beside it
 * @returns {{read: () => {values: Record<string, any>, ok: boolean}, typed: () => Record<string, Typed>, showErrors: (details: {field: string}[]) => boolean}}
 */
export function optionsForm(container, fields, opts) {
  /** @type {{path: string[], field: OptionField, input: HTMLInputElement|HTMLSelectElement, error: HTMLElement}[]} */
  const inputs = [];
  const values = opts.values || {};

  /** @param {OptionField} f @param {string[]} path @param {any} value */
  function one(f, path, value) {
    const id = `${opts.prefix}-${path.join('-')}`;
    if (f.type === 'object') {
      return el('fieldset', { class: 'opt-group', 'data-option': path.join('.') },
        el('legend', null, f.title),
        f.help ? el('p', { class: 'hint' }, f.help) : null,
        el('div', { class: 'form-grid two' }, (f.fields || []).map((sub) => one(sub, [...path, sub.name], value ? value[sub.name] : undefined))));
    }
    const error = el('p', { class: 'error field-error', id: `${id}-error`, hidden: true });
    const help = f.help ? el('span', { class: 'hint', id: `${id}-help` }, f.help) : null;
    const described = [help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(' ');
    const current = value !== undefined && value !== null ? value : f.default;
    /** @type {HTMLInputElement|HTMLSelectElement} */
    let input;
    if (f.type === 'boolean') {
      input = /** @type {HTMLInputElement} */ (el('input', { type: 'checkbox', id, checked: !!current, 'aria-describedby': described }));
      inputs.push({ path, field: f, input, error });
      return el('div', { class: 'stack opt', 'data-option': path.join('.') },
        el('label', { class: 'radio', for: id }, input, ' ', f.title), help, error);
    }
    if (f.type === 'choice') {
      input = /** @type {HTMLSelectElement} */ (el('select', { id, 'aria-describedby': described },
        f.nullable ? el('option', { value: '' }, t('admin.options.none')) : null,
        (f.choices || []).map((c) => el('option', { value: String(c.value), selected: c.value === current }, c.title))));
    } else if (f.type === 'integer') {
      input = /** @type {HTMLInputElement} */ (el('input', { type: 'number', id, step: '1', inputmode: 'numeric',
        min: f.min != null ? String(f.min) : null, max: f.max != null ? String(f.max) : null,
        value: current != null ? String(current) : '',
        'aria-describedby': described }));
    } else {
      input = /** @type {HTMLInputElement} */ (el('input', { id, maxlength: f.max_length != null ? String(f.max_length) : null,
        value: current != null ? String(current) : '', 'aria-describedby': described }));
    }
    input.addEventListener('input', () => clear({ input, error }));
    inputs.push({ path, field: f, input, error });
    return el('div', { class: 'stack opt', 'data-option': path.join('.') },
      el('label', { for: id }, f.title), input, help, error);
  }

  /** @param {{input: HTMLElement, error: HTMLElement}} it */
  function clear(it) {
    it.error.hidden = true;
    it.input.removeAttribute('aria-invalid');
  }
  /** @param {{input: HTMLElement, error: HTMLElement}} it @param {string} message */
  function fail(it, message) {
    it.error.textContent = message;
    it.error.hidden = false;
    it.input.setAttribute('aria-invalid', 'true');
  }

  /** @param {OptionField} f @param {HTMLInputElement|HTMLSelectElement} input @returns {[any, string|null]} */
  function parse(f, input) {
    if (f.type === 'boolean') return [/** @type {HTMLInputElement} */ (input).checked, null];
    const raw = input.value.trim();
    if (f.type === 'choice') {
      if (raw === '') return [null, f.nullable ? null : t('admin.options.needed')];
      const choice = (f.choices || []).find((c) => String(c.value) === raw);
      return [choice ? choice.value : raw, null];
    }
    if (f.type === 'integer') {
      if (raw === '') return [null, f.nullable || !f.required ? null : t('admin.options.needed')];
      const n = Number(raw);
      if (!Number.isInteger(n)) return [null, t('admin.options.whole')];
      if (f.min != null && n < f.min) return [null, t('admin.options.atLeast', { n: f.min })];
      if (f.max != null && n > f.max) return [null, t('admin.options.atMost', { n: f.max })];
      return [n, null];
    }
    if (raw === '') return [f.nullable ? null : '', f.required || (f.min_length || 0) > 0 ? t('admin.options.needed') : null];
    if (f.max_length != null && raw.length > f.max_length) return [null, t('admin.options.tooLong', { n: f.max_length })];
    return [raw, null];
  }

  // A redraw must not take the focus away from the field the admin was in (or was sent to by
  // a message): the new field with the same id gets it back.
  const active = document.activeElement;
  const focusedId = active && active.id && container.contains(active) ? active.id : null;
  container.replaceChildren(...fields.map((f) => one(f, [f.name], values[f.name])));
  for (const it of inputs) {
    const was = opts.typed && opts.typed[it.path.join('.')];
    if (!was) continue;
    if (typeof was.value === 'boolean') /** @type {HTMLInputElement} */ (it.input).checked = was.value;
    else it.input.value = was.value;
    if (was.error) fail(it, was.error);
  }
  if (focusedId) {
    const again = inputs.find((it) => it.input.id === focusedId);
    if (again) again.input.focus({ preventScroll: true });
  }

  return {
    /** What each field holds as typed, unchecked, and the message shown beside it, by its
     * path (`series.round`). */
    typed() {
      /** @type {Record<string, Typed>} */
      const out = {};
      for (const it of inputs) {
        const box = it.input instanceof HTMLInputElement && it.input.type === 'checkbox';
        out[it.path.join('.')] = {
          value: box ? /** @type {HTMLInputElement} */ (it.input).checked : it.input.value,
          error: it.error.hidden ? null : it.error.textContent,
        };
      }
      return out;
    },
    /** What the fields hold, checked; what is wrong is said next to its field. */
    read() {
      /** @type {Record<string, any>} */
      const out = {};
      let ok = true;
      /** @type {HTMLElement|null} */
      let first = null;
      for (const f of fields) {
        const mine = inputs.filter((it) => it.path[0] === f.name);
        if (f.type === 'object') {
          // An object that may be null is left out while all its fields are empty: asking for
          // "a series" means filling it in, not half of it.
          const parsed = mine.map((it) => ({ it, raw: it.input.value.trim() }));
          if (f.nullable && parsed.every((p) => p.raw === '')) { out[f.name] = null; mine.forEach(clear); continue; }
          /** @type {Record<string, any>} */
          const obj = {};
          for (const it of mine) {
            const [v, problem] = parse(it.field, it.input);
            if (problem) { fail(it, problem); ok = false; first = first || it.input; } else { clear(it); if (v !== null && v !== '') obj[it.path[1]] = v; }
          }
          out[f.name] = obj;
          continue;
        }
        const it = mine[0];
        if (!it) continue;
        const [v, problem] = parse(f, it.input);
        if (problem) { fail(it, problem); ok = false; first = first || it.input; continue; }
        clear(it);
        if (v !== null) out[f.name] = v;
      }
      if (first) { first.focus(); first.scrollIntoView({ block: 'center' }); }
      return { values: out, ok };
    },
    /** The server's refusal (`details[].field` like `options.series.round`) next to its field. */
    showErrors(details) {
      let shown = false;
      for (const d of details || []) {
        const path = String(d.field || '').replace(/^options\./, '').split('.');
        const it = inputs.find((x) => x.path.join('.') === path.join('.')) || inputs.find((x) => x.path[0] === path[0]);
        if (!it || !String(d.field || '').startsWith('options')) continue;
        fail(it, t('admin.options.refused'));
        if (!shown) it.input.focus();
        shown = true;
      }
      return shown;
    },
  };
}
