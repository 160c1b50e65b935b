// @ts-check
// The admin page's panel registry: where a format's `admin` modules (`/api/formats`, each
// format's `admin_modules`) and any plugin's (`register_admin_modules`: the answer's own
// `admin_modules`) draw, through the same manager as the other pages (../shared/README.md).
// Two slots: `options`, under the format cards of the new-meeting form (a picker for one of
// the format's options), and `library`, a section of the page for the organisation's own data
// (KOOS's question sets, NIK's series), kept through the plugin's administrator actions.
//
// Besides the common manager, an admin module gets:
//   manager.format()                         the format chosen in the new-meeting form
//   manager.action(name, data)               POST /api/admin/actions/<name> → {ok, …}
//   manager.api(method, path, body)          another admin route (/api/admin/series …)
//   manager.provideOptions(format, {fields, read, reset?})
//       the module draws and reads these option fields itself; read() → {values, ok}
//       (ok false: it has said what is wrong and put the focus there)

import { createPanelRegistry, loadModules, loadStyles, textApi } from '/static/shared/panels.js';
import { Spiegel as S } from '/static/moderator/common.js';

/**
 * @typedef {{fields: string[], read: () => {values: Record<string, any>, ok: boolean}, reset?: () => void}} Provider
 */

/**
 * @param {{format: () => string, formats: () => any[], api: (method: string, path: string, body?: any) => Promise<any>}} opts
 */
export function adminPanels(opts) {
  /** @type {Map<string, Provider[]>} */
  const providers = new Map();
  const registry = createPanelRegistry({
    page: 'admin',
    slots: { options: '#slot-options', library: '#slot-library' },
    can: () => true,
    api: {
      ...textApi(S.i18n),
      format: opts.format,
      formats: opts.formats,
      api: opts.api,
      /** @param {string} name @param {any} [data] */
      action: (name, data) => opts.api('POST', `/api/admin/actions/${encodeURIComponent(name)}`, data || {}),
      /** @param {string} format @param {Provider} provider */
      provideOptions(format, provider) {
        if (!provider || !Array.isArray(provider.fields) || typeof provider.read !== 'function') {
          throw new Error('spiegel: provideOptions needs {fields: [...], read()}');
        }
        providers.set(format, [...(providers.get(format) || []), provider]);
      },
      toast: S.toast,
      errorText: S.errorText,
      render: () => render(),
    },
  });
  const render = () => registry.render();
  registry.start();
  /** @type {Set<string>} */
  const loaded = new Set();
  /** @type {Set<string>} */
  const linked = new Set();
  return {
    manager: registry.manager,
    render,
    /**
     * Import every format's admin modules, then the other plugins' (once each).
     * @param {any[]} formats
     * @param {{admin_modules?: string[], admin_styles?: string[], [key: string]: any}} [plugins] `/api/formats`'s own
     */
    async load(formats, plugins = {}) {
      /** @param {any} list @returns {string[]} */
      const urlsOf = (list) => (Array.isArray(list) ? list : []);
      loadStyles([...formats.flatMap((f) => urlsOf(f.admin_styles)), ...urlsOf(plugins.admin_styles)], linked);
      const urls = [...formats.flatMap((f) => urlsOf(f.admin_modules)), ...urlsOf(plugins.admin_modules)];
      if (urls.length) await loadModules(urls, registry.manager, loaded);
      render();
    },
    /** Option names a module of `format` draws itself (the generic form leaves them out). @param {string} format */
    claimed: (format) => new Set((providers.get(format) || []).flatMap((p) => p.fields)),
    /** What the modules of `format` read, merged; ok false when one refused. @param {string} format */
    read(format) {
      let ok = true;
      /** @type {Record<string, any>} */
      const values = {};
      for (const p of providers.get(format) || []) {
        const got = p.read();
        if (!got.ok) ok = false;
        Object.assign(values, got.values);
      }
      return { values, ok };
    },
    /** After a create: each module clears its part of the form. */
    reset() {
      for (const list of providers.values()) list.forEach((p) => p.reset?.());
      render();
    },
  };
}
