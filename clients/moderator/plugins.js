// @ts-check
// The panel registry of a staff page (moderator screen, room display): the place where a
// format's or plugin's modules (`client.modules` of the snapshot) draw, through the same
// manager as on the listener page (../shared/README.md). A page's own features come in `core`:
// setup(manager) functions called before the registry starts, exactly as a plugin's module is
// (the moderator screen's features in run/ register this way).

import { createPanelRegistry, loadModules, textApi } from '/static/shared/panels.js';
import { Spiegel as S } from '/static/moderator/common.js';

/**
 * @param {{page: string, slots: Record<string, string>, can: (right: string) => boolean,
 *          state: () => any, snapshot: () => any, send: (event: string, payload: any) => Promise<any>,
 *          core?: ((manager: any) => void)[]}} opts
 */
export function pagePanels(opts) {
  const registry = createPanelRegistry({
    page: opts.page,
    slots: opts.slots,
    can: opts.can,
    api: {
      ...textApi(S.i18n),
      state: opts.state,
      snapshot: opts.snapshot,
      send: opts.send,
      now: () => S.clock.now(),
      render: () => registry.render(),
    },
  });
  for (const setup of opts.core || []) setup(registry.manager);
  registry.start();
  /** @type {Set<string>} */
  const loaded = new Set();
  return {
    manager: registry.manager,
    render: () => registry.render(),
    /** @param {string} name @param {any} payload */
    dispatch: (name, payload) => registry.dispatch(name, payload),
    /** Import the modules the server names for this page (once each). @param {any} client */
    load(client) {
      const urls = Array.isArray(client?.modules) ? client.modules : [];
      if (urls.length) loadModules(urls, registry.manager, loaded).then(() => registry.render());
    },
  };
}
