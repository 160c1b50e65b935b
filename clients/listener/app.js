// @ts-check
// Spiegel listener page: /join/<code>. This file only puts the page together: translations,
// the device's store, the panel registry with the core features (each registers exactly as a
// plugin's module does), the plugin modules the snapshot names (`client.modules`), and the
// connection. What each part does is in its own module:
//
//   join.js        the code, the join form, kind messages for unknown or closed meetings
//   connection.js  the socket: snapshot, state, own items' events, events for panels
//   items.js       own notes and questions, and the outbox that carries them
//   chrome.js      header, timer, connection line, language, theme, wake lock
//   features/*.js  the panels: idle/end, prompt, composer, notes, questions, share, turn, poll,
//                  export, erase (nothing of an erased meeting stays on the device)

import { $, announce } from '/static/shared/dom.js';
import { createI18n, loadCatalogues } from '/static/shared/i18n.js';
import { createPanelRegistry, loadModules, loadStyles, textApi } from '/static/shared/panels.js';
import { prefs } from '/static/shared/storage.js';
import { keepAwake, phaseHighlight, renderConn, renderHeader, renderMe, wireChrome, watchWake } from './chrome.js';
import { connHooks, connect, disconnect, restoreCache, watchNetwork } from './connection.js';
import { itemHooks, outbox } from './items.js';
import { joinHooks, loadMeetingInfo, lookUp, show, showJoin, showMessage, takeInvite, wireJoin } from './join.js';
import { S, actions, can, clock, data, hooks, i18n, setI18n } from './state.js';
import { openStore } from './store.js';
import { itemExtras } from './features/item-view.js';
import asking from './features/asking.js';
import composer, { restoreDrafts } from './features/composer.js';
import erase, { hasLocalData, messageShown, wipe } from './features/erase.js';
import exportPanel from './features/export.js';
import idle from './features/idle.js';
import notes from './features/notes.js';
import poll from './features/poll.js';
import prompt from './features/prompt.js';
import questions from './features/questions.js';
import share from './features/share.js';
import turn from './features/turn.js';

/** The core features, set up in this order through the same manager a plugin gets. */
const CORE = [idle, prompt, asking, turn, poll, composer, questions, notes, share, exportPanel, erase];

/** Where panels may draw (manager.slots / manager.selectors). */
const SLOTS = { top: '#slot-top', round: '#slot-round', main: '#slot-main', side: '#slot-side' };

/** Module URLs already set up in this page's life. */
const loaded = new Set();
/** @type {Set<string>} stylesheets linked (client.styles) */
const linked = new Set();

/** The registry (made once the translations are loaded); its manager is what core features
 * and plugin modules get. @type {ReturnType<typeof createPanelRegistry>} */
let registry;

function makeRegistry() {
  return createPanelRegistry({
    page: 'listener',
    slots: SLOTS,
    can,
    api: {
      ...textApi(i18n),
      /** The public state, read-only. */
      state: () =>
        Object.freeze({
          meeting: S.meeting,
          format: S.format,
          phase: S.phase,
          timer: S.timer,
          prompt: S.prompt,
          poll: S.poll,
          asking: S.asking,
          me: S.me,
          kind: S.kind,
          turn: S.turn,
          connected: !!S.conn?.connected,
          synced: S.synced,
          actions: actions(),
        }),
      /** The last snapshot as the server sent it (a format's or plugin's own part is in there). */
      snapshot: () => S.snapshot,
      now: () => clock.now(),
      announce: (/** @type {string} */ text) => hooks.announce(text),
      /** Send now and wait for the answer ({ok, ack} or {ok: false, code}); nothing is kept. */
      send: (/** @type {string} */ event, /** @type {any} */ payload) =>
        S.conn
          ? S.conn.request(event, payload)
          : Promise.resolve({ ok: false, code: 'timeout', error: { code: 'timeout' }, retry: true }),
      /** Keep on the device and send when possible, in order with everything else; resolves with the answer. */
      queue(/** @type {string} */ event, /** @type {any} */ payload) {
        const op = outbox.enqueue(event, payload);
        return outbox.answerOf(op);
      },
      /** Add a control to each own note or question: render(li, item) after the core's own. */
      registerItemControl(
        /** @type {{kind: 'notes'|'questions', render: (li: HTMLElement, item: any) => void}} */ control,
      ) {
        itemExtras.push(control);
      },
      /** Re-render every panel (after a plugin changed its own state). */
      render: () => hooks.render(),
    },
  });
}

/** @param {boolean} [always] also while another screen is shown */
function renderAll(always = false) {
  if (!S.store || ($('screen-meeting').hidden && !always)) return;
  renderHeader();
  registry.render();
  renderConn();
  renderMe();
}

/** Plugin stylesheets and modules the server names for this meeting's format. @param {any} client */
function loadPluginModules(client) {
  loadStyles(client?.styles, linked);
  const urls = Array.isArray(client?.modules) ? client.modules : [];
  if (urls.length) loadModules(urls, registry.manager, loaded).then(() => renderAll());
}

/**
 * The server no longer knows this device's token. If the meeting is gone (erased), nothing of
 * it stays here. If it is still open, join again: every note on this device is sent again
 * under the new identity. If it closed and the server keeps nothing for the token (`wipe`),
 * what is here can never be delivered, so it goes too.
 * @param {boolean} [wipeFlag]
 */
async function identityLost(wipeFlag = false) {
  disconnect();
  show('screen-loading');
  const info = await lookUp();
  if (info.kind === 'unknown') return wipe('erased');
  if (wipeFlag && (info.kind === 'closed' || info.kind === 'not_open')) return wipe('closed');
  data().token = null;
  data().requeueAll = true; // the new identity must receive every note this device holds
  S.store.save();
  if (info.kind === 'open') showJoin(info.meeting, 'join.lost');
  else showMessage(info.kind);
}

function startMeeting() {
  restoreCache(); // render what this device knew last, before the network answers
  if (!prefs.get('lang') && i18n.has(S.meeting?.language)) i18n.setLang(S.meeting.language);
  show('screen-meeting');
  restoreDrafts();
  renderAll();
  loadPluginModules(data().cache?.client);
  connect();
  keepAwake();
}

function registerOfflineShell() {
  // Lets a reload work without Wi-Fi. Browsers allow service workers on HTTPS and on
  // localhost only; on plain http over a LAN the page still works, just not reloaded offline.
  if ('serviceWorker' in navigator && window.isSecureContext) {
    navigator.serviceWorker.register('/sw.js', { scope: '/join/' }).catch(() => {});
  }
}

async function boot() {
  registerOfflineShell();
  const parts = location.pathname.split('/').filter(Boolean);
  S.code = decodeURIComponent(parts[0] === 'join' ? parts[1] || '' : '').trim();
  if (!S.code) {
    location.replace('/');
    return;
  }
  setI18n(createI18n(await loadCatalogues(['/static/shared/i18n', '/static/listener/i18n'])));
  const live = $('live');
  hooks.announce = (text) => announce(live, text);
  hooks.render = (always) => renderAll(always);
  wireChrome();
  wireJoin();
  i18n.onChange(() => renderAll());
  watchNetwork();
  watchWake();

  S.store = openStore(S.code);
  S.kind = data().kind || 'listener';
  takeInvite();
  registry = makeRegistry();
  for (const setup of CORE) setup(registry.manager);
  registry.start();

  connHooks.identityLost = identityLost;
  connHooks.dispatch = (name, payload) => registry.dispatch(name, payload);
  connHooks.snapshot = (snap) => loadPluginModules(snap.client);
  connHooks.phaseChanged = phaseHighlight;
  connHooks.renderConn = renderConn;
  itemHooks.identityLost = () => identityLost(false);
  joinHooks.joined = startMeeting;
  joinHooks.gone = () => wipe('erased');
  joinHooks.hasLocalData = hasLocalData;
  joinHooks.messageShown = messageShown;

  window.addEventListener('storage', (e) => {
    // another tab of this device changed the same meeting: follow it
    if (e.key?.startsWith(`spiegel.listener.${S.code}`)) {
      S.store = openStore(S.code);
      restoreDrafts();
      renderAll();
    }
  });
  if (data().token) startMeeting();
  else loadMeetingInfo(data().requeueAll ? 'join.lost' : null);
}

boot();
