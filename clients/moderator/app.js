/* Spiegel moderator run screen. Plain JS; state always comes from the server (snapshot, then
 * events); this page only keeps view state (open tab, teleprompter cursor, open inline forms). */
import { Spiegel as S } from '/static/moderator/common.js';
import { pagePanels } from '/static/moderator/plugins.js';

// One function around the page, as before: its early returns (no key, no code) end the page's start.
(function () {
  const { t, el } = S;
  const $ = (id) => document.getElementById(id);

  const meetingId = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() || '');
  const STORE = `spiegel.moderator.${meetingId}`;
  const LANG_STORE = 'spiegel.moderator.lang';

  // ---------------------------------------------------------------- state
  const st = {
    stateVersion: -1,
    role: null,
    me: null,
    meeting: null,
    format: null,
    phase: null,
    timer: null,
    prompt: null,
    poll: null,
    asking: null, // {id, text}: the question put up for the room as "now asking"
    questions: new Map(),
    outcomes: new Map(),
    prepared: [],
    presence: { joined: 0, connected: 0, dropped: [] },
    turns: [],
    pollResults: {},
    settings: {},
    joinUrl: '',
    connected: false,
    everConnected: false,
  };
  const ui = {
    tab: null, // 'questions' | 'outcomes' | 'live'; null = follow the phase
    tabPhase: null,
    cursor: loadCursor(),
    expanded: null, // {id, mode: 'merge'|'link'|'dismiss'}
    more: null, // id of the question whose "…" steps are open
    dismissReason: '',
    peek: false,
    folds: {},
    kind: 'improvement',
    editOutcome: null,
    drag: null,
    userLang: localStorage.getItem(LANG_STORE),
    lastExpiredToast: null,
  };

  function loadCursor() {
    try { return JSON.parse(sessionStorage.getItem(`${STORE}.cursor`) || '{}'); } catch (e) { return {}; }
  }
  function saveCursor() {
    try { sessionStorage.setItem(`${STORE}.cursor`, JSON.stringify(ui.cursor)); } catch (e) { /* ignore */ }
  }

  const can = (right) => st.role === 'moderator' || !!(st.me && Array.isArray(st.me.rights) && st.me.rights.includes(right));
  const isModerator = () => st.role === 'moderator';
  const phases = () => (st.format && Array.isArray(st.format.phases) ? st.format.phases : []);
  const phaseIndex = () => {
    if (!st.phase) return -1;
    const i = phases().findIndex((p) => p.key === st.phase.key);
    return i >= 0 ? i : (st.phase.index ?? -1);
  };
  const listenerActions = () => (st.phase && st.phase.listener_actions) || [];
  const meetingState = () => (st.meeting && st.meeting.state) || '';
  const running = () => !['draft', 'ended', 'archived'].includes(meetingState());

  // ---------------------------------------------------------------- language
  /** A phase's title or rule in the screen's language (the server sends both). */
  const phaseText = (p, field) => (p && p[`${field}s`] && p[`${field}s`][S.lang()]) || (p && p[field]) || '';

  function pickLang() {
    const l = ui.userLang || (st.meeting && st.meeting.language) || 'nl';
    S.setLang(l);
    $('lang').value = S.lang();
    S.applyI18n(document);
    document.title = `${st.meeting ? st.meeting.title + ' · ' : ''}${t('app.title')}`;
  }
  $('lang').addEventListener('change', (e) => {
    ui.userLang = e.target.value;
    try { localStorage.setItem(LANG_STORE, ui.userLang); } catch (err) { /* ignore */ }
    pickLang();
    renderAll();
    renderConn();
  });

  // ---------------------------------------------------------------- messages
  const { toast } = S;

  function fatal(title, text) {
    const box = $('fatal');
    box.replaceChildren(el('h2', null, title), el('p', null, text));
    box.hidden = false;
    $('main').hidden = true;
    $('offline-note').hidden = true;
    document.querySelector('.topbar-tools').hidden = true;
  }

  // ---------------------------------------------------------------- socket
  const key = S.takeKey(STORE);
  pickLang();
  if (!key) {
    fatal(t('fatal.nokey.title'), t('fatal.nokey.text'));
    return;
  }

  const socket = io({ auth: { token: key }, reconnectionDelayMax: 4000 });
  // Plugin panels (client.modules): drawn into #slot-side, told every server event by name.
  const panels = pagePanels({
    page: 'moderator',
    slots: { side: '#slot-side' },
    can: (right) => can(right),
    state: () => ({ meeting: st.meeting, format: st.format, phase: st.phase, me: st.me, role: st.role }),
    snapshot: () => st.snapshot,
    send: (event, payload) => send(event, payload, { quiet: true }),
  });
  socket.onAny((name, payload) => panels.dispatch(name, payload));
  window.spiegelSocket = socket; // for debugging from the console

  function setConn(ok) {
    st.connected = ok;
    renderConn();
    document.body.classList.toggle('offline', !ok);
    // Without a connection nothing a tap does can reach the server: say so and switch the
    // controls off (inert: no clicks, no focus), instead of an error only after a tap.
    $('main').inert = !ok && st.everConnected;
    $('offline-note').hidden = ok || !st.everConnected || !$('fatal').hidden;
    if (ok) st.everConnected = true;
  }

  /** The connection state in the screen's language (again after a language switch). */
  function renderConn() {
    const c = $('conn');
    const ok = st.connected;
    const text = ok ? t('conn.online') : st.everConnected ? t('conn.offline') : t('conn.connecting');
    if (c.textContent !== text) c.textContent = text;
    c.className = `conn ${ok ? 'ok' : 'off'}`;
  }

  socket.on('connect', () => setConn(true));
  socket.on('disconnect', (reason) => {
    setConn(false);
    if (reason === 'io server disconnect' && $('fatal').hidden) socket.connect();
  });
  socket.io.on('reconnect_attempt', () => setConn(false));
  socket.on('connect_error', (err) => {
    setConn(false);
    const code = S.connectErrorCode(err);
    if (code === 'token_unknown' || code === 'not_authenticated') {
      S.forgetKey(STORE);
      fatal(t('fatal.token.title'), t('fatal.token.text'));
      socket.disconnect();
    } else {
      // Refused by the server for another reason (server_full, storage down): try again soon.
      S.retryRefused(socket, err);
    }
  });

  socket.on('snapshot', (snap) => applySnapshot(snap, true));
  socket.on('state', (s) => applyState(s));
  socket.on('question', (m) => { if (m && m.question) upsertQuestion(m.question); renderQueueAndTabs(); });
  socket.on('question.removed', (m) => { if (m) st.questions.delete(m.id); renderQueueAndTabs(); });
  socket.on('queue', (m) => { (m && m.questions || []).forEach(upsertQuestion); renderQueueAndTabs(); });
  socket.on('presence', (m) => { if (m && m.presence) st.presence = m.presence; renderPresence(); if (st.meeting) renderLobby(); });
  socket.on('outcome', (m) => { if (m && m.outcome) upsertOutcome(m.outcome); renderOutcomes(); renderTabs(); });
  socket.on('outcome.removed', (m) => { if (m) st.outcomes.delete(m.id); renderOutcomes(); renderTabs(); });
  socket.on('turns', (m) => { st.turns = (m && m.turns) || []; renderLive(); });
  socket.on('poll.results', (m) => {
    // The server sends {version, poll_id, answers, scores}; the protocol page says {poll_id, results}.
    if (m && m.poll_id) st.pollResults[m.poll_id] = m.results || m;
    renderLive();
  });
  // Staff-only updates the server sends besides the documented ones.
  socket.on('settings', (m) => { if (m && m.settings) st.settings = m.settings; renderQueue(); renderTimerSettings(); });
  socket.on('prepared', (m) => { if (m && Array.isArray(m.prepared)) st.prepared = m.prepared; renderPrompter(); renderQueue(); });
  socket.on('timer.expired', (m) => {
    const key2 = `${m && m.phase}:${m && m.version}`;
    if (ui.lastExpiredToast === key2) return;
    ui.lastExpiredToast = key2;
    toast(t('timer.expired'), 'info');
    renderTimer();
  });

  function send(event, payload, { quiet } = {}) {
    return new Promise((resolve) => {
      if (!socket.connected) {
        resolve({ ok: false, error: { code: 'offline' } });
        return;
      }
      socket.timeout(10000).emit(event, payload || {}, (err, ack) => {
        if (err) resolve({ ok: false, error: { code: 'timeout' } });
        else resolve(ack || { ok: false, error: { code: 'internal_error' } });
      });
    }).then((ack) => {
      if (!ack.ok) {
        if (ack.error && ack.error.code === 'stale_state') {
          toast(t('error.stale_state'), 'error');
          resync();
        } else if (!quiet) {
          toast(S.errorText(ack.error), 'error');
        }
        return ack;
      }
      // Apply what the ack carries at once; the broadcast that follows is then a no-op.
      if (ack.state) applyState(ack.state);
      if (ack.question) upsertQuestion(ack.question);
      if (Array.isArray(ack.questions)) ack.questions.forEach(upsertQuestion);
      if (ack.outcome) upsertOutcome(ack.outcome);
      if (ack.timer) { st.timer = ack.timer; S.clock.update(ack.server_time); }
      if (Array.isArray(ack.prepared)) st.prepared = ack.prepared;
      if (ack.meeting) st.meeting = Object.assign({}, st.meeting, ack.meeting);
      if (ack.poll && ack.poll.id) st.poll = ack.poll.open === false ? null : ack.poll;
      if (ack.results && ack.results.poll_id) st.pollResults[ack.results.poll_id] = ack.results;
      renderAll();
      return ack;
    });
  }

  function resync() {
    socket.timeout(10000).emit('sync', {}, (err, ack) => {
      if (!err && ack && ack.ok && ack.snapshot) applySnapshot(ack.snapshot, false);
    });
  }

  // ---------------------------------------------------------------- applying server data
  function applySnapshot(snap, fromConnect) {
    if (!snap) return;
    if (!fromConnect && typeof snap.version === 'number' && snap.version < st.stateVersion) return;
    st.role = snap.role || (snap.me && snap.me.role);
    if (st.role !== 'moderator' && st.role !== 'assistant') {
      S.forgetKey(STORE);
      socket.disconnect();
      fatal(t('fatal.role.title'), t('fatal.role.text'));
      return;
    }
    if (snap.meeting && meetingId && snap.meeting.id && String(snap.meeting.id) !== meetingId) {
      socket.disconnect();
      fatal(t('fatal.other.title'), t('fatal.other.text'));
      return;
    }
    S.clock.update(snap.server_time);
    st.stateVersion = snap.version ?? 0;
    st.me = snap.me || null;
    st.meeting = snap.meeting || null;
    st.format = snap.format || null;
    st.phase = snap.phase || null;
    st.timer = snap.timer || null;
    st.prompt = snap.prompt || null;
    st.poll = snap.poll || null;
    st.asking = snap.asking || null;
    st.questions = new Map((snap.questions || []).map((q) => [q.id, q]));
    st.outcomes = new Map((snap.outcomes || []).map((o) => [o.id, o]));
    st.prepared = snap.prepared || [];
    st.presence = snap.presence || st.presence;
    st.turns = snap.turns || [];
    st.pollResults = {};
    if (snap.poll_results && snap.poll_results.poll_id) st.pollResults[snap.poll_results.poll_id] = snap.poll_results;
    st.settings = snap.settings || {};
    st.joinUrl = snap.join_url || st.joinUrl;
    st.snapshot = snap;
    panels.load(snap.client);
    $('main').hidden = false;
    document.body.dataset.role = st.role;
    pickLang();
    renderAll();
  }

  function applyState(s) {
    if (!s || (typeof s.version === 'number' && s.version < st.stateVersion)) return;
    S.clock.update(s.server_time);
    st.stateVersion = s.version ?? st.stateVersion;
    const langBefore = st.meeting && st.meeting.language;
    if (s.meeting) st.meeting = Object.assign({}, st.meeting, s.meeting);
    if ('phase' in s) st.phase = s.phase;
    if ('timer' in s) st.timer = s.timer;
    if ('prompt' in s) st.prompt = s.prompt;
    if ('poll' in s) st.poll = s.poll;
    if ('asking' in s) st.asking = s.asking;
    if (s.settings) st.settings = s.settings;
    if (st.meeting && langBefore && st.meeting.language !== langBefore) {
      // Phase and format texts come in the meeting's language: fetch them anew.
      pickLang();
      resync();
    }
    renderAll();
  }

  function upsertQuestion(q) {
    if (!q || !q.id) return;
    const old = st.questions.get(q.id);
    if (old && typeof old.version === 'number' && typeof q.version === 'number' && old.version > q.version) return;
    st.questions.set(q.id, q);
  }
  function upsertOutcome(o) {
    if (!o || !o.id) return;
    const old = st.outcomes.get(o.id);
    if (old && typeof old.version === 'number' && typeof o.version === 'number' && old.version > o.version) return;
    st.outcomes.set(o.id, o);
  }

  // ---------------------------------------------------------------- rendering
  function renderAll() {
    if (!st.meeting) return;
    if (st.snapshot) panels.render();
    renderTop();
    renderPhase();
    renderTimer();
    renderTimerSettings();
    renderPrompter();
    renderTabs();
    renderQueue();
    renderOutcomes();
    renderLive();
    renderPresence();
    renderLobby();
    renderRights();
  }

  // ---- lobby: while people come in, the way in is on the screen
  function renderLobby() {
    const card = $('lobby-card');
    const inLobby = phaseIndex() <= 0 && ['draft', 'open'].includes(meetingState());
    card.hidden = !inLobby;
    $('prompter-card').hidden = inLobby && !promptList().length;
    if (!inLobby) return;
    const code = st.meeting.code;
    const url = st.joinUrl || `${location.origin}/join/${code}`;
    const p = st.presence || {};
    S.rebuild($('lobby-body'), (frag) => {
      frag.append(el('div', { class: 'lobby-grid' },
        el('img', { class: 'lobby-qr', src: `/qr/${encodeURIComponent(code)}.svg`, alt: t('invite.qrAlt', { url }), width: '132', height: '132' }),
        el('div', null,
          el('p', { class: 'eyebrow' }, t('invite.code')),
          el('p', { class: 'lobby-code', id: 'lobby-code' }, code),
          el('p', { class: 'hint' }, url),
          el('p', { class: 'lobby-count' }, st.meeting.expected_listeners
            ? t('lobby.countOf', { n: p.joined || 0, total: st.meeting.expected_listeners })
            : t('lobby.count', { n: p.joined || 0 })))),
      el('div', { class: 'row' },
        el('a', { class: 'btn', href: printUrl(), target: '_blank', rel: 'noopener' }, t('invite.print')),
        isModerator() ? el('button', { type: 'button', class: 'btn ghost', 'data-fk': 'lobby-display', onclick: openDisplayDialog }, t('menu.display')) : null));
    });
  }

  function renderTop() {
    $('meeting-title').textContent = st.meeting.title || '';
    const b = $('meeting-state');
    b.textContent = t(`state.${meetingState()}`);
    b.className = `badge state-${meetingState()}`;
    document.title = `${st.meeting.title} · ${t('app.title')}`;
  }

  function renderRights() {
    const show = (id, ok) => { const n = $(id); if (n) n.hidden = !ok; };
    show('timer-controls', can('run') && running());
    document.querySelector('.timer-card').hidden = !running() && meetingState() !== 'draft';
    show('p-edit', can('setup'));
    show('mi-details', can('setup'));
    show('mi-prepared', can('setup'));
    show('mi-archive', can('setup') && meetingState() === 'ended');
    show('mi-display', isModerator());
    show('mi-assistant', isModerator());
    show('capture', can('outcomes') && meetingState() !== 'archived');
    show('btn-invite', true);
    $('mi-display').parentElement.hidden = !isModerator();
    $('mi-assistant').parentElement.hidden = !isModerator();
    $('mi-details').parentElement.hidden = !can('setup');
    $('mi-prepared').parentElement.hidden = !can('setup');
    $('mi-archive').parentElement.hidden = !(can('setup') && meetingState() === 'ended');
  }

  function phaseDurationText(p) {
    const secs = p.duration;
    if (!secs) return '';
    return t('phase.minutes', { n: Math.round(secs / 60) });
  }

  function renderPhase() {
    const list = phases();
    const idx = phaseIndex();
    S.rebuild($('steps'), (frag) => {
      list.forEach((p, i) => {
        const status = i < idx ? 'done' : i === idx ? 'current' : 'todo';
        frag.append(el('li', { class: `step ${status}`, 'aria-current': i === idx ? 'step' : null },
          el('span', { class: 'step-dot', 'aria-hidden': 'true' }, status === 'done' ? '✓' : String(i + 1)),
          el('span', { class: 'step-label' }, phaseText(p, 'title'),
            el('span', { class: 'sr-only' }, ` (${t(`phase.status.${status}`)})`)),
          p.duration ? el('span', { class: 'step-time' }, phaseDurationText(p)) : null));
      });
    });
    const cur = st.phase || {};
    $('phase-title').textContent = phaseText(cur, 'title');
    $('phase-rule').textContent = phaseText(cur, 'rule');
    document.body.dataset.phase = cur.key || '';
    document.body.classList.toggle('silent', !!cur.silent);

    S.rebuild($('phase-actions'), (frag) => {
      const state = meetingState();
      if (state === 'draft') {
        frag.append(el('p', { class: 'phase-hint' }, t('phase.draft.hint')));
        if (can('run')) {
          frag.append(el('button', { type: 'button', class: 'btn primary big', id: 'btn-open', 'data-fk': 'open', onclick: openMeeting }, t('phase.open')));
        }
        return;
      }
      if (state === 'ended' || state === 'archived') {
        frag.append(el('p', { class: 'phase-hint' }, t(`phase.${state}.hint`)));
        const before = idx > 0 ? list[idx - 1] : null;
        if (state === 'ended' && before && can('run')) {
          frag.append(el('button', {
            type: 'button', class: 'btn', id: 'btn-reopen', 'data-fk': 'reopen', onclick: () => gotoPhase(before, 'back'),
          }, `← ${t('phase.reopen', { title: phaseText(before, 'title') })}`));
        }
        if (state === 'ended' && can('setup')) {
          frag.append(el('button', { type: 'button', class: 'btn ghost', 'data-fk': 'archive', onclick: archiveMeeting }, t('menu.archive')));
        }
        return;
      }
      if (!can('run')) {
        frag.append(el('p', { class: 'phase-hint' }, t('phase.norun')));
        return;
      }
      const prev = idx > 0 ? list[idx - 1] : null;
      const next = idx >= 0 && idx < list.length - 1 ? list[idx + 1] : null;
      if (prev) {
        frag.append(el('button', {
          type: 'button', class: 'btn ghost', id: 'btn-prev', 'data-fk': 'prev',
          onclick: () => gotoPhase(prev, 'back'), 'aria-keyshortcuts': 'B',
        }, `← ${phaseText(prev, 'title')}`));
      }
      if (next) {
        frag.append(el('button', {
          type: 'button', class: `btn primary big${isFinal(next) ? ' final' : ''}`, id: 'btn-next', 'data-fk': 'next',
          onclick: () => gotoPhase(next, 'next'), 'aria-keyshortcuts': 'N',
        }, isFinal(next) ? t('phase.endBtn') : [el('span', { class: 'btn-eyebrow' }, t('phase.next')), ` ${phaseText(next, 'title')} →`]));
      }
    });
  }

  function isFinal(p) {
    const list = phases();
    return p.state === 'ended' || p.key === 'ended' || (list.length && list[list.length - 1].key === p.key);
  }

  async function openMeeting() {
    await send('meeting.open', {});
  }

  async function gotoPhase(target, how) {
    if (!target || !st.phase) return;
    if (isFinal(target)) {
      const ok = await confirmDialog(t('phase.end.title'), t('phase.end.text'), t('phase.end.ok'));
      if (!ok) return;
    }
    const shownBefore = st.prompt && st.prompt.id ? st.prepared.find((p) => p.id === st.prompt.id) : null;
    const ack = await send('phase.goto', { key: target.key, from: st.phase.key });
    if (ack.ok) {
      // A prepared question shown for another phase leaves the room with that phase.
      if (shownBefore && shownBefore.phase && shownBefore.phase !== target.key) {
        await send('prompt.set', { id: null, shown: false }, { quiet: true });
      }
      toast(t(how === 'back' ? 'phase.toast.back' : 'phase.toast.next', { title: phaseText(target, 'title') }));
    }
  }

  async function archiveMeeting() {
    const ok = await confirmDialog(t('archive.title'), t('archive.text'), t('archive.ok'));
    if (ok) await send('meeting.archive', {});
  }

  // ---- timer
  function timerMode() {
    const tm = st.timer;
    if (!tm) return 'idle';
    if (tm.running) return 'running';
    if (typeof tm.remaining_ms === 'number' && typeof tm.duration_ms === 'number' && tm.remaining_ms !== tm.duration_ms) return 'paused';
    return 'idle';
  }

  function renderTimer() {
    const tm = st.timer;
    const box = $('timer');
    const note = $('timer-note');
    const mode = timerMode();
    const rem = S.timerRemaining(tm);
    const over = rem < 0 || !!(tm && tm.running && rem <= 0);
    const unset = !tm || (!tm.running && !tm.duration_ms && !tm.remaining_ms);
    const text = unset ? '' : (rem < 0 ? '+' : '') + S.formatClock(rem);
    if (box.textContent !== text) box.textContent = text;
    box.hidden = unset;
    box.classList.toggle('over', over);
    box.classList.toggle('paused', mode === 'paused');
    box.classList.toggle('idle', mode === 'idle');
    let n = '';
    if (over && mode === 'running') n = t('timer.over');
    else if (mode === 'paused') n = t('timer.paused');
    else if (mode === 'idle') n = tm && tm.duration_ms ? t('timer.idle') : t('timer.none');
    else n = t('timer.running');
    if (note.textContent !== n) note.textContent = n;
    note.classList.toggle('over', over);
    box.closest('.timer-card').dataset.mode = unset ? 'unset' : mode;
    const toggle = $('t-toggle');
    const label = mode === 'running' ? t('timer.pause') : mode === 'paused' ? t('timer.resume') : t('timer.start');
    if (toggle.textContent !== label) toggle.textContent = label;
    toggle.setAttribute('aria-keyshortcuts', 'T');
    // "Opnieuw" said neither what nor to what: name the time it goes back to.
    const planned = st.phase && st.phase.duration ? st.phase.duration * 1000 : (tm && tm.duration_ms) || 0;
    const reset = planned ? t('timer.resetTo', { time: S.formatClock(planned) }) : t('timer.reset');
    if ($('t-reset').textContent !== reset) $('t-reset').textContent = reset;
    $('t-reset').disabled = mode === 'idle';
  }

  /** The moderator's per-meeting timer choices; unset, the format decides per phase. */
  function renderTimerSettings() {
    $('timer-settings').hidden = !can('setup') || !running() && meetingState() !== 'draft';
    const chosen = st.settings && st.settings.timer_with_phase;
    const phaseDefault = phases().some((p) => p.timer_autostart);
    // A box the moderator just ticked keeps its tick until the server has answered.
    if (ui.pendingSetting !== 'timer_with_phase') $('t-with-phase').checked = chosen === undefined || chosen === null ? phaseDefault : !!chosen;
    if (ui.pendingSetting !== 'display_timer') $('t-on-display').checked = !!(st.settings && st.settings.display_timer);
  }
  const setting = (name) => async (e) => {
    const value = e.target.checked;
    ui.pendingSetting = name;
    const ack = await send('meeting.update', { [name]: value });
    ui.pendingSetting = null;
    if (ack.ok) st.settings = Object.assign({}, st.settings, { [name]: value });
    renderTimerSettings();
  };
  $('t-with-phase').addEventListener('change', setting('timer_with_phase'));
  $('t-on-display').addEventListener('change', setting('display_timer'));
  setInterval(() => { if (st.timer) renderTimer(); }, 250);

  async function timerToggle() {
    const mode = timerMode();
    if (mode === 'running') await send('timer.pause', {});
    else if (mode === 'paused') await send('timer.resume', {});
    else await send('timer.start', {});
  }
  $('t-toggle').addEventListener('click', timerToggle);
  $('t-plus').addEventListener('click', () => send('timer.adjust', { seconds: 300 }));
  $('t-minus').addEventListener('click', () => send('timer.adjust', { seconds: -300 }));
  $('t-reset').addEventListener('click', () => send('timer.reset', {}));

  // ---- teleprompter
  function promptList() {
    const key = st.phase && st.phase.key;
    const mine = st.prepared.filter((p) => p.phase === key);
    if (mine.length) return mine;
    return st.prepared.filter((p) => !p.phase);
  }

  function currentPromptIndex(list) {
    const key = (st.phase && st.phase.key) || '';
    if (st.prompt && st.prompt.id) {
      const i = list.findIndex((p) => p.id === st.prompt.id);
      if (i >= 0) { ui.cursor[key] = i; return i; }
    }
    const c = ui.cursor[key] || 0;
    return Math.min(Math.max(0, c), Math.max(0, list.length - 1));
  }

  function renderPrompter() {
    const list = promptList();
    const i = currentPromptIndex(list);
    const cur = list[i];
    const next = list[i + 1];
    const shown = !!(st.prompt && st.prompt.id);
    const shownThis = shown && cur && st.prompt.id === cur.id;
    S.rebuild($('prompter'), (frag) => {
      if (!list.length) {
        frag.append(el('p', { class: 'empty' }, t('prompter.empty')));
        if (shown) frag.append(shownElsewhere());
        return;
      }
      frag.append(
        el('p', { class: 'prompt-count' }, t('prompter.count', { n: i + 1, total: list.length })),
        el('p', { class: `prompt-current${shownThis ? ' on-air' : ''}`, id: 'prompt-current' }, cur.text),
        next
          ? el('p', { class: 'prompt-next' }, el('span', { class: 'eyebrow' }, t('prompter.next')), ' ', next.text)
          : el('p', { class: 'prompt-next done' }, t('prompter.last')));
      const row = el('div', { class: 'prompt-controls' });
      row.append(
        el('button', { type: 'button', class: 'btn ghost', 'data-fk': 'p-prev', disabled: i === 0, onclick: () => movePrompt(-1), 'aria-keyshortcuts': 'K' }, `‹ ${t('prompter.prev')}`),
        el('button', { type: 'button', class: 'btn', id: 'p-next', 'data-fk': 'p-next', disabled: !next, onclick: () => movePrompt(1), 'aria-keyshortcuts': 'J' }, `${t('prompter.nextBtn')} ›`));
      if (can('run') && running()) {
        row.append(el('button', {
          type: 'button', class: `btn toggle${shownThis ? ' on' : ''}`, id: 'p-show', 'data-fk': 'p-show',
          'aria-pressed': shownThis ? 'true' : 'false', onclick: () => toggleShow(cur), 'aria-keyshortcuts': 'S',
        }, shownThis ? t('prompter.hide') : t('prompter.show')));
      }
      frag.append(row);
      if (shownThis) frag.append(el('p', { class: 'on-air-note' }, el('span', { class: 'dot', 'aria-hidden': 'true' }), t('prompter.onair')));
      else if (shown) frag.append(shownElsewhere());
    });
  }

  function shownElsewhere() {
    return el('p', { class: 'on-air-note other' },
      el('span', { class: 'dot', 'aria-hidden': 'true' }),
      t('prompter.onairOther', { text: st.prompt.text || '' }), ' ',
      can('run') ? el('button', { type: 'button', class: 'btn link', onclick: () => send('prompt.set', { id: null, shown: false }) }, t('prompter.hide')) : null);
  }

  async function movePrompt(delta) {
    const list = promptList();
    if (!list.length) return;
    const key = (st.phase && st.phase.key) || '';
    const i = currentPromptIndex(list);
    const j = Math.min(Math.max(0, i + delta), list.length - 1);
    if (j === i) return;
    ui.cursor[key] = j;
    saveCursor();
    const wasShown = st.prompt && st.prompt.id === list[i].id;
    if (wasShown && can('run')) {
      await send('prompt.set', { id: list[j].id, shown: true });
    }
    renderPrompter();
  }

  async function toggleShow(cur) {
    if (!cur) return;
    if (st.prompt && st.prompt.id === cur.id) await send('prompt.set', { id: null, shown: false });
    else await send('prompt.set', { id: cur.id, shown: true });
  }

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

  function activeTab() {
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

  function renderTabs() {
    const tab = activeTab();
    const open = [...st.questions.values()].filter((q) => q.status === 'parked' || q.status === 'selected').length;
    $('tabs').setAttribute('aria-label', t('tabs.label'));
    $('tab-questions').replaceChildren(t('tabs.questions'), ' ', el('span', { class: 'count' }, String(open)));
    $('tab-outcomes').replaceChildren(t('tabs.outcomes'), ' ', el('span', { class: 'count' }, String(st.outcomes.size)));
    const acts = listenerActions();
    const votes = acts.includes('vote') || !!st.poll;
    const turns = acts.includes('turn');
    $('tab-live').textContent = votes && turns ? t('tabs.round') : votes ? t('tabs.poll') : t('tabs.turns');
    $('tab-live').hidden = !liveAvailable();
    document.querySelector('.grid').classList.toggle('wide-right', tab === 'questions' && !(st.phase && st.phase.silent) && running());
    for (const name of ['questions', 'outcomes', 'live']) {
      const b = $(`tab-${name}`);
      b.setAttribute('aria-selected', String(tab === name));
      b.tabIndex = tab === name ? 0 : -1;
      $(`panel-${name}`).hidden = tab !== name;
    }
  }
  function selectTab(name, focus) {
    ui.tab = name;
    ui.tabPhase = st.phase && st.phase.key;
    renderTabs();
    if (focus) $(`tab-${name}`).focus();
  }
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

  function renderQueueAndTabs() { renderQueue(); renderTabs(); }

  // ---- question queue
  const byOrder = (a, b) => (a.position ?? a.order ?? 1e9) - (b.position ?? b.order ?? 1e9) || String(a.created_at).localeCompare(String(b.created_at));
  const byCreated = (a, b) => (a.created_at || 0) - (b.created_at || 0) || String(a.created_at).localeCompare(String(b.created_at));

  function queueVisibility() {
    return (st.settings && st.settings.queue_visibility) || 'count';
  }

  function renderQueue() {
    const panel = $('panel-questions');
    const all = [...st.questions.values()];
    const selected = all.filter((q) => q.status === 'selected').sort(byOrder);
    const parked = all.filter((q) => q.status === 'parked').sort(byCreated);
    const clarifying = parked.filter((q) => !q.triage || q.triage === 'clarifying');
    const other = parked.filter((q) => q.triage && q.triage !== 'clarifying');
    const asked = all.filter((q) => q.status === 'asked').sort((a, b) => (a.asked_at || 0) - (b.asked_at || 0));
    const closed = all.filter((q) => ['dismissed', 'merged', 'withdrawn'].includes(q.status)).sort(byCreated);
    const silent = !!(st.phase && st.phase.silent);
    const vis = queueVisibility();

    S.rebuild(panel, (frag) => {
      frag.append(el('h2', { class: 'sr-only' }, t('tabs.questions')));
      if (silent && !ui.peek && vis !== 'live') {
        const box = el('div', { class: 'queue-quiet' });
        if (vis === 'hidden') {
          box.append(el('p', { class: 'quiet-title' }, t('queue.hidden.title')), el('p', { class: 'hint' }, t('queue.hidden.text')));
        } else {
          box.append(
            el('p', { class: 'quiet-count', id: 'queue-count' }, String(parked.length + selected.length)),
            el('p', { class: 'quiet-title' }, t('queue.count.title', { n: parked.length + selected.length })),
            el('p', { class: 'hint' }, t('queue.count.text')));
        }
        box.append(el('button', { type: 'button', class: 'btn ghost', 'data-fk': 'peek', onclick: () => { ui.peek = true; renderQueue(); } }, t('queue.peek')));
        frag.append(box);
        if (can('setup')) frag.append(visibilitySetting(vis));
        return;
      }
      if (silent && ui.peek) {
        frag.append(el('p', { class: 'peek-bar' }, t('queue.peeking'), ' ',
          el('button', { type: 'button', class: 'btn link', 'data-fk': 'unpeek', onclick: () => { ui.peek = false; renderQueue(); } }, t('queue.unpeek'))));
      }
      const manage = can('questions') && meetingState() !== 'archived';
      // To ask, in asking order
      frag.append(el('h3', { class: 'group-h' }, t('queue.selected'), ' ', el('span', { class: 'count' }, String(selected.length))));
      if (!selected.length) frag.append(el('p', { class: 'empty' }, t(manage ? 'queue.selected.empty' : 'queue.selected.emptyRO')));
      const ol = el('ol', { class: 'qlist selected', id: 'q-selected' });
      selected.forEach((q, i) => ol.append(questionRow(q, 'selected', i, selected, manage)));
      frag.append(ol);

      frag.append(el('h3', { class: 'group-h' }, t('queue.parked'), ' ', el('span', { class: 'count' }, String(clarifying.length))));
      if (!clarifying.length) frag.append(el('p', { class: 'empty' }, t('queue.parked.empty')));
      const ul = el('ul', { class: 'qlist parked', id: 'q-parked' });
      clarifying.forEach((q) => ul.append(questionRow(q, 'parked', 0, clarifying, manage)));
      frag.append(ul);

      if (other.length) {
        frag.append(el('h3', { class: 'group-h' }, t('queue.later'), ' ', el('span', { class: 'count' }, String(other.length))));
        const ul2 = el('ul', { class: 'qlist later', id: 'q-later' });
        other.forEach((q) => ul2.append(questionRow(q, 'later', 0, other, manage)));
        frag.append(ul2);
      }
      if (asked.length) {
        const d = fold('asked', true,
          el('summary', null, t('queue.asked'), ' ', el('span', { class: 'count' }, String(asked.length))));
        const ol2 = el('ol', { class: 'qlist asked', id: 'q-asked' });
        asked.forEach((q) => ol2.append(questionRow(q, 'asked', 0, asked, manage)));
        d.append(ol2);
        frag.append(d);
      }
      if (closed.length) {
        const d = fold('closed', false,
          el('summary', null, t('queue.closed'), ' ', el('span', { class: 'count' }, String(closed.length))));
        const ul3 = el('ul', { class: 'qlist closed' });
        closed.forEach((q) => ul3.append(questionRow(q, 'closed', 0, closed, manage)));
        d.append(ul3);
        frag.append(d);
      }
      if (silent && can('setup')) frag.append(visibilitySetting(vis));
    });
  }

  function fold(name, dflt, summary) {
    const open = name in ui.folds ? ui.folds[name] : dflt;
    const d = el('details', { class: 'fold', open, 'data-fold': name }, summary);
    d.addEventListener('toggle', () => { ui.folds[name] = d.open; });
    return d;
  }

  function visibilitySetting(vis) {
    const box = el('fieldset', { class: 'visibility' }, el('legend', null, t('queue.vis.legend')));
    for (const v of ['count', 'hidden', 'live']) {
      box.append(el('label', { class: 'radio' },
        el('input', { type: 'radio', name: 'qvis', value: v, checked: vis === v, 'data-fk': `qvis-${v}`,
          onchange: () => send('meeting.update', { queue_visibility: v }).then((ack) => { if (ack.ok) st.settings = Object.assign({}, st.settings, { queue_visibility: v }); renderQueue(); }) }),
        ' ', t(`queue.vis.${v}`)));
    }
    return box;
  }

  function preparedText(id) {
    const p = st.prepared.find((x) => x.id === id);
    return p ? p.text : '';
  }

  function questionRow(q, group, i, list, manage) {
    const merged = [...st.questions.values()].filter((x) => x.merged_into === q.id);
    const onScreen = !!(st.asking && st.asking.id === q.id);
    const li = el('li', {
      class: `q ${group}${onScreen ? ' asking' : ''}`, dataset: { id: q.id }, id: `q-${q.id}`,
      draggable: group === 'selected' && manage ? 'true' : null,
    });
    const head = el('div', { class: 'q-main' });
    if (group === 'selected') {
      head.append(el('span', { class: 'q-pos', 'aria-hidden': 'true' }, String(i + 1)));
      if (manage) head.append(el('span', { class: 'grip', 'aria-hidden': 'true', title: t('queue.drag') }, '⋮⋮'));
    }
    const body = el('div', { class: 'q-body' },
      el('p', { class: 'q-text' }, q.text),
      el('p', { class: 'q-meta' },
        q.author ? el('span', null, (q.author_labels && q.author_labels[S.lang()]) || q.author) : null,
        onScreen ? el('span', { class: 'tag on-screen' }, el('span', { class: 'dot', 'aria-hidden': 'true' }), t('queue.onScreen')) : null,
        q.triage && q.triage !== 'clarifying' ? el('span', { class: `tag ${q.triage}` }, t(`triage.${q.triage}`)) : null,
        q.prepared_id ? el('span', { class: 'tag link' }, '↳ ', truncate(preparedText(q.prepared_id), 48)) : null,
        merged.length ? el('span', { class: 'tag merged' }, t('queue.mergedCount', { n: merged.length })) : null,
        q.status === 'dismissed' ? el('span', { class: 'tag' }, t('status.dismissed'), q.reason ? `: ${q.reason}` : '') : null,
        q.status === 'merged' ? el('span', { class: 'tag' }, t('status.merged')) : null,
        q.status === 'withdrawn' ? el('span', { class: 'tag' }, t('status.withdrawn')) : null));
    head.append(body);
    li.append(head);
    if (merged.length && group !== 'closed') {
      li.append(el('ul', { class: 'q-merged', 'aria-label': t('queue.mergedList') }, merged.map((m) => el('li', null, m.text))));
    }
    if (manage && group === 'asked') {
      li.append(el('div', { class: 'q-actions' }, el('button', { type: 'button', class: 'btn small ghost', 'data-fk': `reask-${q.id}`, onclick: () => updateQ(q.id, { status: 'selected' }) }, t('queue.reask'))));
    }
    if (manage && group === 'closed' && q.status === 'dismissed') {
      li.append(el('div', { class: 'q-actions' }, el('button', { type: 'button', class: 'btn small ghost', 'data-fk': `repark-${q.id}`, 'data-action': 'repark', onclick: () => updateQ(q.id, { status: 'parked', reason: '' }) }, t('queue.repark'))));
    }
    if (manage && group === 'closed' && q.status === 'merged') {
      li.append(el('div', { class: 'q-actions' }, el('button', { type: 'button', class: 'btn small ghost', 'data-fk': `unmerge-${q.id}`, 'data-action': 'unmerge', onclick: () => updateQ(q.id, { status: 'parked' }) }, t('queue.unmerge'))));
    }
    if (!manage || group === 'closed' || group === 'asked') return li;

    // One obvious action per question; everything else behind "…", in plain words.
    const label = truncate(q.text, 40);
    const acts = el('div', { class: 'q-actions' });
    const more = [];
    // A step closes the "…" list; one that opens a form below (merge, link, dismiss) keeps it.
    const item = (action, text, onclick, extra) => el('button', Object.assign({
      type: 'button', class: 'btn small ghost', 'data-fk': `${action}-${q.id}`, 'data-action': action,
      onclick: extra ? onclick : () => { ui.more = null; onclick(); },
    }, extra || {}), text);
    if (group === 'selected') {
      acts.append(
        el('button', { type: 'button', class: 'btn icon', 'data-fk': `up-${q.id}`, disabled: i === 0, 'aria-label': t('queue.up', { q: label }), onclick: () => move(q.id, -1) }, '↑'),
        el('button', { type: 'button', class: 'btn icon', 'data-fk': `down-${q.id}`, disabled: i === list.length - 1, 'aria-label': t('queue.down', { q: label }), onclick: () => move(q.id, 1) }, '↓'));
      if (onScreen) {
        acts.append(el('button', { type: 'button', class: 'btn primary small', 'data-fk': `asked-${q.id}`, 'data-action': 'asked', onclick: () => markAsked(q) }, t('queue.markAsked')));
        more.push(item('offscreen', t('queue.offScreen'), () => send('question.asking', { id: null })));
      } else {
        acts.append(el('button', { type: 'button', class: 'btn primary small', 'data-fk': `asknow-${q.id}`, 'data-action': 'asknow', title: t('queue.askNow.hint'), onclick: () => send('question.asking', { id: q.id }) }, t('queue.askNow')));
        more.push(item('asked', t('queue.markAsked'), () => markAsked(q)));
      }
      more.push(item('unselect', t('queue.unselect'), () => updateQ(q.id, { status: 'parked' })));
    } else if (group === 'parked') {
      acts.append(el('button', { type: 'button', class: 'btn primary small', 'data-fk': `sel-${q.id}`, 'data-action': 'select', onclick: () => updateQ(q.id, { status: 'selected' }) }, t('queue.select')));
    } else {
      acts.append(el('button', { type: 'button', class: 'btn small', 'data-fk': `tri-clarifying-${q.id}`, 'data-action': 'triage-clarifying', onclick: () => updateQ(q.id, { triage: 'clarifying' }) }, t('queue.triageTo.clarifying')));
    }
    for (const tr of ['later', 'discussion']) {
      if ((q.triage || 'clarifying') !== tr) more.push(item(`triage-${tr}`, t(`queue.triageTo.${tr}`), () => updateQ(q.id, { triage: tr })));
    }
    more.push(item('merge', t('queue.merge'), () => toggleExpand(q.id, 'merge'), { 'aria-expanded': String(isOpen(q.id, 'merge')) }));
    if (st.prepared.length) more.push(item('link', t('queue.link'), () => toggleExpand(q.id, 'link'), { 'aria-expanded': String(isOpen(q.id, 'link')) }));
    more.push(item('dismiss', t('queue.dismiss'), () => toggleExpand(q.id, 'dismiss'), { 'aria-expanded': String(isOpen(q.id, 'dismiss')) }));
    const moreOpen = ui.more === q.id;
    acts.append(el('button', {
      type: 'button', class: 'btn small more-btn', 'data-fk': `more-${q.id}`, 'data-action': 'more',
      'aria-label': t('queue.more', { q: label }), 'aria-expanded': String(moreOpen), 'aria-controls': `qm-${q.id}`,
      onclick: () => { ui.more = moreOpen ? null : q.id; if (moreOpen) ui.expanded = null; renderQueue(); },
    }, '…'));
    li.append(acts);
    // In the flow of the page (never a floating menu that a card edge can cut off).
    if (moreOpen) li.append(el('div', { class: 'q-more', id: `qm-${q.id}`, role: 'group', 'aria-label': t('queue.moreGroup') }, more));
    if (ui.expanded && ui.expanded.id === q.id) li.append(expandedForm(q));
    return li;
  }

  /** A step with its way back: the toast offers "Ongedaan maken" for a few seconds. */
  function offerUndo(message, undo) {
    toast(message, 'info', { label: t('common.undo'), run: undo });
  }

  async function markAsked(q) {
    const ack = await updateQ(q.id, { status: 'asked' });
    if (ack.ok) offerUndo(t('queue.askedToast'), () => updateQ(q.id, { status: 'selected' }));
  }

  const truncate = (s, n) => (s && s.length > n ? `${s.slice(0, n - 1)}…` : s || '');
  const isOpen = (id, mode) => !!(ui.expanded && ui.expanded.id === id && ui.expanded.mode === mode);
  function toggleExpand(id, mode) {
    ui.expanded = isOpen(id, mode) ? null : { id, mode };
    ui.dismissReason = '';
    renderQueue();
    const first = document.querySelector(`#q-${CSS.escape(id)} .q-expand [data-fk]`);
    if (first) first.focus();
  }

  function expandedForm(q) {
    const box = el('div', { class: 'q-expand' });
    if (ui.expanded.mode === 'merge') {
      const targets = [...st.questions.values()].filter((x) => x.id !== q.id && (x.status === 'parked' || x.status === 'selected'));
      if (!targets.length) {
        box.append(el('p', { class: 'hint' }, t('queue.merge.none')));
        return box;
      }
      box.append(el('p', { class: 'hint' }, t('queue.merge.into')));
      const ul = el('ul', { class: 'merge-targets' });
      targets.forEach((x) => ul.append(el('li', null,
        el('button', { type: 'button', class: 'btn ghost small merge-target', 'data-fk': `mt-${q.id}-${x.id}`, dataset: { target: x.id },
          onclick: async () => {
            const before = q.status;
            const ack = await send('question.merge', { into: x.id, ids: [q.id] });
            if (ack.ok) {
              ui.expanded = null; ui.more = null; renderQueue();
              offerUndo(t('queue.merged'), () => updateQ(q.id, { status: before }));
            }
          } },
        truncate(x.text, 90)))));
      box.append(ul);
    } else if (ui.expanded.mode === 'link') {
      const sel = el('select', { 'data-fk': `lk-${q.id}`, 'aria-label': t('queue.link.label') });
      sel.append(el('option', { value: '' }, t('queue.link.none')));
      st.prepared.forEach((p) => sel.append(el('option', { value: p.id, selected: q.prepared_id === p.id }, truncate(p.text, 80))));
      box.append(el('label', { class: 'stack' }, t('queue.link.label'), sel),
        el('div', { class: 'row' },
          el('button', { type: 'button', class: 'btn small primary', 'data-fk': `lks-${q.id}`, onclick: async () => { const ack = await updateQ(q.id, { prepared_id: sel.value || null }); if (ack.ok) { ui.expanded = null; renderQueue(); } } }, t('common.save')),
          el('button', { type: 'button', class: 'btn small ghost', onclick: () => toggleExpand(q.id, 'link') }, t('common.cancel'))));
    } else {
      const input = el('input', { 'data-fk': `rs-${q.id}`, maxlength: '200', value: ui.dismissReason, placeholder: t('queue.dismiss.placeholder'), oninput: (e) => { ui.dismissReason = e.target.value; } });
      box.append(el('label', { class: 'stack' }, t('queue.dismiss.reason'), input),
        el('div', { class: 'row' },
          el('button', { type: 'button', class: 'btn small danger', 'data-fk': `rsd-${q.id}`, onclick: async () => {
            const payload = { status: 'dismissed' };
            if (ui.dismissReason.trim()) payload.reason = ui.dismissReason.trim();
            const before = q.status;
            const ack = await updateQ(q.id, payload);
            if (ack.ok) {
              ui.expanded = null; ui.more = null; renderQueue();
              offerUndo(t('queue.dismissed'), async () => {
                const back = await updateQ(q.id, { status: 'parked', reason: '' });
                if (back.ok && before === 'selected') await updateQ(q.id, { status: 'selected' });
              });
            }
          } }, t('queue.dismiss.ok')),
          el('button', { type: 'button', class: 'btn small ghost', onclick: () => toggleExpand(q.id, 'dismiss') }, t('common.cancel'))));
    }
    return box;
  }

  function updateQ(id, fields) {
    return send('question.update', Object.assign({ id }, fields));
  }

  function selectedIds() {
    return [...st.questions.values()].filter((q) => q.status === 'selected').sort(byOrder).map((q) => q.id);
  }

  async function reorder(ids) {
    // Show the new order at once; the ack (or a refusal + resync) settles it.
    ids.forEach((id, i) => { const q = st.questions.get(id); if (q) st.questions.set(id, Object.assign({}, q, { position: i + 1 })); });
    renderQueue();
    const ack = await send('question.reorder', { ids });
    if (!ack.ok) resync();
    return ack;
  }

  async function move(id, delta) {
    const ids = selectedIds();
    const i = ids.indexOf(id);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    await reorder(ids);
    const btn = document.querySelector(`[data-fk="${delta < 0 ? 'up' : 'down'}-${CSS.escape(id)}"]`);
    if (btn && !btn.disabled) btn.focus();
    else { const other = document.querySelector(`[data-fk="${delta < 0 ? 'down' : 'up'}-${CSS.escape(id)}"]`); if (other) other.focus(); }
  }

  // drag and drop (selected list)
  const panelQ = $('panel-questions');
  panelQ.addEventListener('dragstart', (e) => {
    const li = e.target.closest && e.target.closest('li.q.selected');
    if (!li) return;
    ui.drag = li.dataset.id;
    li.classList.add('dragging');
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', ui.drag);
  });
  panelQ.addEventListener('dragover', (e) => {
    if (!ui.drag) return;
    const li = e.target.closest && e.target.closest('li.q.selected');
    if (!li) return;
    e.preventDefault();
    panelQ.querySelectorAll('.drop-before, .drop-after').forEach((n) => n.classList.remove('drop-before', 'drop-after'));
    const r = li.getBoundingClientRect();
    li.classList.add(e.clientY < r.top + r.height / 2 ? 'drop-before' : 'drop-after');
  });
  panelQ.addEventListener('dragend', () => {
    ui.drag = null;
    panelQ.querySelectorAll('.dragging, .drop-before, .drop-after').forEach((n) => n.classList.remove('dragging', 'drop-before', 'drop-after'));
  });
  panelQ.addEventListener('drop', (e) => {
    if (!ui.drag) return;
    const li = e.target.closest && e.target.closest('li.q.selected');
    e.preventDefault();
    const dragged = ui.drag;
    ui.drag = null;
    if (!li || li.dataset.id === dragged) { renderQueue(); return; }
    const r = li.getBoundingClientRect();
    const after = e.clientY >= r.top + r.height / 2;
    const ids = selectedIds().filter((x) => x !== dragged);
    let at = ids.indexOf(li.dataset.id);
    if (after) at += 1;
    ids.splice(at, 0, dragged);
    reorder(ids);
  });

  // ---- outcomes
  const KINDS = ['improvement', 'decision', 'priority', 'action'];
  function renderKinds() {
    S.rebuild($('kinds'), (frag) => {
      KINDS.forEach((k) => frag.append(el('label', { class: `seg kind-${k}` },
        el('input', { type: 'radio', name: 'kind', value: k, checked: ui.kind === k, 'data-fk': `kind-${k}`, onchange: () => { ui.kind = k; renderKinds(); } }),
        el('span', null, t(`kind.${k}`)))));
    });
    $('cap-extra').hidden = ui.kind !== 'action';
    $('cap-text').placeholder = t(`outcome.placeholder.${ui.kind}`);
  }

  $('capture').addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = $('cap-text').value.trim();
    if (!text) { $('cap-text').focus(); return; }
    const payload = { id: S.uuid(), kind: ui.kind, text };
    if (ui.kind === 'action') {
      if ($('cap-owner').value.trim()) payload.owner = $('cap-owner').value.trim();
      if ($('cap-due').value) payload.due = $('cap-due').value;
    }
    const ack = await send('outcome.add', payload);
    if (ack.ok) {
      $('cap-text').value = '';
      $('cap-owner').value = '';
      $('cap-due').value = '';
      $('cap-text').focus();
      toast(t('outcome.added', { kind: t(`kind.${payload.kind}`) }));
    }
  });
  $('cap-text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $('capture').requestSubmit();
    }
  });

  function renderOutcomes() {
    renderKinds();
    const list = [...st.outcomes.values()].sort((a, b) => (b.created_at || 0) - (a.created_at || 0));
    const manage = can('outcomes');
    S.rebuild($('outcomes'), (frag) => {
      if (!list.length) { frag.append(el('p', { class: 'empty' }, t('outcome.empty'))); return; }
      const ul = el('ul', { class: 'olist', id: 'outcome-list' });
      list.forEach((o) => {
        if (ui.editOutcome === o.id) { ul.append(outcomeEditor(o)); return; }
        ul.append(el('li', { class: `o kind-${o.kind}`, dataset: { id: o.id } },
          el('span', { class: `tag kind kind-${o.kind}` }, t(`kind.${o.kind}`)),
          el('div', { class: 'o-body' },
            el('p', { class: 'o-text' }, o.text),
            o.owner || o.due ? el('p', { class: 'q-meta' }, o.owner ? el('span', null, `${t('outcome.owner')}: ${o.owner}`) : null, o.due ? el('span', null, `${t('outcome.due')}: ${o.due}`) : null) : null),
          manage ? el('div', { class: 'o-actions' },
            el('button', { type: 'button', class: 'btn ghost small', 'data-fk': `oe-${o.id}`, 'aria-label': t('outcome.editLabel', { text: truncate(o.text, 40) }), onclick: () => { ui.editOutcome = o.id; renderOutcomes(); const f = document.querySelector('[data-fk="oet"]'); if (f) f.focus(); } }, t('common.edit')),
            el('button', { type: 'button', class: 'btn ghost small', 'data-fk': `od-${o.id}`, 'aria-label': t('outcome.deleteLabel', { text: truncate(o.text, 40) }), onclick: () => deleteOutcome(o) }, t('common.delete'))) : null));
      });
      frag.append(ul);
    });
  }

  function outcomeEditor(o) {
    // The draft lives in ui, so an update arriving while typing does not undo the typing.
    if (!ui.editDraft || ui.editDraft.id !== o.id) ui.editDraft = { id: o.id, kind: o.kind, text: o.text, owner: o.owner || '', due: o.due || '' };
    const d = ui.editDraft;
    const kind = el('select', { 'data-fk': 'oek', 'aria-label': t('outcome.kind'), onchange: (e) => { d.kind = e.target.value; } }, KINDS.map((k) => el('option', { value: k, selected: d.kind === k }, t(`kind.${k}`))));
    const text = el('textarea', { 'data-fk': 'oet', rows: '3', maxlength: '2000', 'aria-label': t('outcome.text'), oninput: (e) => { d.text = e.target.value; } }, d.text);
    const owner = el('input', { 'data-fk': 'oeo', value: d.owner, maxlength: '120', oninput: (e) => { d.owner = e.target.value; } });
    const due = el('input', { 'data-fk': 'oed', type: 'date', value: d.due, oninput: (e) => { d.due = e.target.value; } });
    return el('li', { class: 'o editing' },
      el('div', { class: 'o-edit' }, kind, text,
        el('div', { class: 'row' }, el('label', null, t('outcome.owner'), ' ', owner), el('label', null, t('outcome.due'), ' ', due)),
        el('div', { class: 'row' },
          el('button', { type: 'button', class: 'btn primary small', onclick: async () => {
            const ack = await send('outcome.edit', { id: o.id, kind: kind.value, text: text.value.trim(), owner: owner.value.trim() || null, due: due.value || null });
            if (ack.ok) { ui.editOutcome = null; ui.editDraft = null; renderOutcomes(); }
          } }, t('common.save')),
          el('button', { type: 'button', class: 'btn ghost small', onclick: () => { ui.editOutcome = null; ui.editDraft = null; renderOutcomes(); } }, t('common.cancel')))));
  }

  async function deleteOutcome(o) {
    const ok = await confirmDialog(t('outcome.delete.title'), truncate(o.text, 160), t('common.delete'));
    if (!ok) return;
    const ack = await send('outcome.delete', { id: o.id });
    if (ack.ok) { st.outcomes.delete(o.id); renderOutcomes(); renderTabs(); }
  }

  // ---- poll / turns
  function renderLive() {
    const panel = $('panel-live');
    const acts = listenerActions();
    S.rebuild(panel, (frag) => {
      if (acts.includes('turn') || (st.turns && st.turns.length)) {
        frag.append(el('h2', { class: 'group-h' }, t('turns.heading')));
        const order = { speaking: 0, waiting: 1, done: 2 };
        const list = (st.turns || []).filter((x) => x.state && x.state !== 'none')
          .sort((a, b) => (order[a.state] ?? 3) - (order[b.state] ?? 3) || (a.since || 0) - (b.since || 0));
        if (!list.length) frag.append(el('p', { class: 'empty' }, t('turns.empty')));
        else {
          frag.append(el('ol', { class: 'turns', id: 'turns' }, list.map((x) =>
            el('li', { class: `turn ${x.state}` }, el('span', null, x.label), el('span', { class: `tag turn-${x.state}` }, t(`turns.${x.state}`))))));
        }
      }
      if (acts.includes('vote') || st.poll) {
        frag.append(el('h2', { class: 'group-h' }, t('poll.heading')));
        if (st.poll) {
          const res = st.pollResults[st.poll.id] || {};
          const opts = st.poll.options || [];
          const scores = (res && res.scores) || {};
          const counts = opts.map((o) => Number(scores[o.id] || 0));
          const total = counts.reduce((a, b) => a + b, 0) || 0;
          frag.append(el('p', { class: 'poll-title' }, st.poll.title),
            el('p', { class: 'hint' }, t(st.poll.kind === 'rank' ? 'poll.answersRank' : 'poll.answers', { n: (res && res.answers) || 0 })),
            el('ul', { class: 'poll-results', id: 'poll-results' }, opts.map((o, i) => {
              const label = o.text || o.id;
              const pct = total ? Math.round((counts[i] / total) * 100) : 0;
              return el('li', null, el('span', { class: 'pr-label' }, label), el('span', { class: 'pr-bar', 'aria-hidden': 'true' }, el('span', { style: `width:${pct}%` })), el('span', { class: 'pr-n' }, String(counts[i])));
            })),
            can('run') ? el('button', { type: 'button', class: 'btn', 'data-fk': 'poll-close', onclick: () => send('poll.close', { id: st.poll.id }).then((a) => { if (a.ok) { st.poll = null; renderLive(); } }) }, t('poll.close')) : null);
        } else if (can('run')) {
          const title = el('input', { id: 'poll-title', 'data-fk': 'poll-title', maxlength: '200' });
          const opts = el('textarea', { id: 'poll-options', 'data-fk': 'poll-options', rows: '4' });
          const multi = el('input', { type: 'checkbox', id: 'poll-multi', 'data-fk': 'poll-multi' }); // ranking instead of a vote
          frag.append(el('div', { class: 'poll-form' },
            el('label', { class: 'stack' }, t('poll.title'), title),
            el('label', { class: 'stack' }, t('poll.options'), opts),
            el('label', { class: 'check' }, multi, ' ', t('poll.multi')),
            el('button', { type: 'button', class: 'btn primary', 'data-fk': 'poll-open', onclick: async () => {
              const options = opts.value.split('\n').map((x) => x.trim()).filter(Boolean).slice(0, 20).map((text) => ({ id: S.uuid().slice(0, 8), text }));
              if (!title.value.trim() || options.length < 2) { toast(t('poll.invalid'), 'error'); return; }
              await send('poll.open', { id: S.uuid(), kind: multi.checked ? 'rank' : 'vote', title: title.value.trim(), options });
            } }, t('poll.open'))));
        } else {
          frag.append(el('p', { class: 'empty' }, t('poll.none')));
        }
      }
    });
  }

  // ---- presence
  function renderPresence() {
    const p = st.presence || {};
    const dropped = (p.dropped || []).length;
    const chip = $('presence');
    chip.replaceChildren(...[
      el('span', { class: 'dot ok', 'aria-hidden': 'true' }),
      el('span', { id: 'presence-connected' }, t('presence.connected', { n: p.connected || 0 })),
      el('span', { class: 'sep', 'aria-hidden': 'true' }, '·'),
      el('span', { id: 'presence-joined' }, t('presence.joined', { n: p.joined || 0 })),
      dropped ? el('span', { class: 'dropped', id: 'presence-dropped' }, el('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), t('presence.dropped', { n: dropped })) : null].filter(Boolean));
    chip.classList.toggle('warn', dropped > 0);
  }
  $('presence').addEventListener('click', () => {
    const p = st.presence || {};
    const body = el('div', null,
      el('dl', { class: 'facts' },
        el('dt', null, t('presence.joinedL')), el('dd', null, String(p.joined || 0)),
        el('dt', null, t('presence.connectedL')), el('dd', null, String(p.connected || 0)),
        el('dt', null, t('presence.droppedL')), el('dd', null, String((p.dropped || []).length))),
      (p.dropped || []).length
        ? el('ul', { class: 'dropped-list' }, p.dropped.map((d) => el('li', null, (d.labels && d.labels[S.lang()]) || d.label || t('presence.anon'))))
        : el('p', { class: 'hint' }, t('presence.noneDropped')),
      st.meeting && st.meeting.expected_listeners ? el('p', { class: 'hint' }, t('presence.expected', { n: st.meeting.expected_listeners })) : null);
    openDialog({ title: t('presence.title'), body, actions: [{ label: t('common.close'), primary: true }] });
  });

  // ---------------------------------------------------------------- dialogs
  const dlg = $('dlg');
  let dlgActions = [];
  let dlgResolve = null;
  function openDialog({ title, body, actions, wide }) {
    $('dlg-title').textContent = title;
    $('dlg-body').replaceChildren(body);
    dlg.classList.toggle('wide', !!wide);
    dlgActions = actions || [];
    S.rebuild($('dlg-foot'), (frag) => {
      dlgActions.forEach((a, i) => frag.append(el('button', {
        type: a.primary ? 'submit' : 'button', class: `btn ${a.primary ? 'primary' : 'ghost'}${a.danger ? ' danger' : ''}`,
        id: a.id || null, 'data-i': String(i),
        onclick: a.primary ? null : (e) => { e.preventDefault(); runAction(a); },
      }, a.label)));
    });
    if (!dlg.open) dlg.showModal();
    const first = $('dlg-body').querySelector('input, textarea, select, button') || $('dlg-foot').querySelector('button');
    if (first) first.focus();
    return new Promise((resolve) => { dlgResolve = resolve; });
  }
  async function runAction(a) {
    let keep = false;
    if (a.onClick) keep = (await a.onClick()) === false;
    if (!keep) closeDialog(a.value);
  }
  function closeDialog(value) {
    if (dlg.open) dlg.close();
    const r = dlgResolve;
    dlgResolve = null;
    if (r) r(value);
  }
  $('dlg-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const a = dlgActions.find((x) => x.primary);
    if (a) runAction(a); else closeDialog();
  });
  $('dlg-x').addEventListener('click', () => closeDialog(undefined));
  dlg.addEventListener('cancel', (e) => { e.preventDefault(); closeDialog(undefined); });

  function confirmDialog(title, text, okLabel) {
    return openDialog({
      title,
      body: el('p', null, text),
      actions: [{ label: t('common.cancel'), value: false }, { label: okLabel, primary: true, value: true, id: 'dlg-ok' }],
    }).then((v) => v === true);
  }

  // invite
  function printUrl() {
    const code = st.meeting.code;
    return `/static/moderator/print.html?code=${encodeURIComponent(code)}&url=${encodeURIComponent(st.joinUrl || `${location.origin}/join/${code}`)}`;
  }
  function openInvite() {
    const code = st.meeting.code;
    const url = st.joinUrl || `${location.origin}/join/${code}`;
    const field = el('input', { readonly: true, value: url, id: 'invite-url', 'aria-label': t('invite.link') });
    const body = el('div', { class: 'invite' },
      el('div', { class: 'invite-qr' }, el('img', { src: `/qr/${encodeURIComponent(code)}.svg`, alt: t('invite.qrAlt', { url }), width: '220', height: '220' })),
      el('div', { class: 'invite-text' },
        el('p', { class: 'eyebrow' }, t('invite.code')),
        el('p', { class: 'invite-code', id: 'invite-code' }, code),
        el('label', { class: 'stack' }, t('invite.link'), el('div', { class: 'copy-row' }, field,
          el('button', { type: 'button', class: 'btn', onclick: async () => toast(await S.copy(url, field) ? t('common.copied') : t('common.copyFailed')) }, t('common.copy')))),
        el('p', { class: 'hint' }, t('invite.hint')),
        el('div', { class: 'row' },
          el('a', { class: 'btn', href: printUrl(), target: '_blank', rel: 'noopener', id: 'invite-print' }, t('invite.print')),
          isModerator() ? el('button', { type: 'button', class: 'btn ghost', onclick: () => { closeDialog(); openDisplayDialog(); } }, t('menu.display')) : null)));
    openDialog({ title: t('invite.title'), body, wide: true, actions: [{ label: t('common.close'), primary: true }] });
  }
  $('btn-invite').addEventListener('click', openInvite);

  function openDisplayDialog() {
    const out = el('div', { class: 'once', id: 'display-out' });
    const body = el('div', null, el('p', null, t('display.text')), el('p', { class: 'hint' }, t('display.warn')), out);
    openDialog({
      title: t('menu.display'), body,
      actions: [
        { label: t('common.close') },
        { label: t('display.create'), primary: true, id: 'display-create', onClick: async () => {
          const ack = await send('display.link', {});
          if (ack.ok) showOnce(out, ack.url, t('display.open'));
          return false;
        } },
      ],
    });
  }

  function showOnce(out, url, openLabel) {
    const field = el('input', { readonly: true, value: url, class: 'once-url', 'aria-label': t('common.link') });
    out.replaceChildren(...[
      el('p', { class: 'once-warn' }, t('once.warn')),
      el('div', { class: 'copy-row' }, field,
        el('button', { type: 'button', class: 'btn', onclick: async () => toast(await S.copy(url, field) ? t('common.copied') : t('common.copyFailed')) }, t('common.copy'))),
      openLabel ? el('a', { class: 'btn primary', href: url, target: '_blank', rel: 'noopener', id: 'once-open' }, openLabel) : null].filter(Boolean));
    field.focus();
    field.select();
  }

  function openAssistantDialog() {
    const out = el('div', { class: 'once', id: 'assistant-out' });
    const rights = ['run', 'questions', 'outcomes'];
    const defaults = { run: false, questions: true, outcomes: true };
    const boxes = rights.map((r) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', value: r, checked: defaults[r], name: 'right' }), ' ',
      el('span', null, el('strong', null, t(`right.${r}`)), el('span', { class: 'hint block' }, t(`right.${r}.text`)))));
    const label = el('input', { maxlength: '60', id: 'assistant-label', placeholder: t('assistant.labelPh') });
    const body = el('div', null, el('p', null, t('assistant.text')),
      el('fieldset', { class: 'checks' }, el('legend', null, t('assistant.rights')), boxes),
      el('label', { class: 'stack' }, t('assistant.label'), label), out);
    openDialog({
      title: t('menu.assistant'), body,
      actions: [
        { label: t('common.close') },
        { label: t('assistant.create'), primary: true, id: 'assistant-create', onClick: async () => {
          const chosen = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
          if (!chosen.length) { toast(t('assistant.none'), 'error'); return false; }
          const payload = { rights: chosen };
          if (label.value.trim()) payload.label = label.value.trim();
          const ack = await send('assistant.create', payload);
          if (ack.ok) showOnce(out, ack.url, null);
          return false;
        } },
      ],
    });
  }

  function openDetails() {
    const m = st.meeting;
    const f = (id, lab, input) => el('label', { class: 'stack' }, lab, input);
    const title = el('input', { id: 'd-title', value: m.title || '', maxlength: '200', required: true });
    const theme = el('textarea', { id: 'd-theme', rows: '2', maxlength: '1000' }, m.theme || '');
    const when = el('input', { id: 'd-date', type: 'datetime-local', value: toLocalInput(m.scheduled_for) });
    const lang = el('select', { id: 'd-lang' }, ['nl', 'en'].map((l) => el('option', { value: l, selected: m.language === l }, t(`lang.${l}`))));
    const expected = el('input', { id: 'd-expected', type: 'number', min: '0', max: '500', value: m.expected_listeners ?? '' });
    const durs = phases().filter((p) => p.key !== 'ended').map((p) => ({ p, input: el('input', { type: 'number', min: '0', max: '600', step: '1', value: p.duration ? Math.round(p.duration / 60) : '', 'aria-label': t('details.durationFor', { phase: phaseText(p, 'title') }) }) }));
    const body = el('div', { class: 'form-grid' },
      f('title', t('field.title'), title), f('theme', t('field.theme'), theme),
      el('div', { class: 'row' }, f('date', t('field.date'), when), f('lang', t('field.language'), lang), f('exp', t('field.expected'), expected)),
      el('fieldset', { class: 'durations' }, el('legend', null, t('field.durations')),
        durs.map(({ p, input }) => el('label', { class: 'dur' }, el('span', null, phaseText(p, 'title')), input, el('span', { class: 'unit' }, t('unit.min'))))));
    openDialog({
      title: t('menu.details'), body, wide: true,
      actions: [{ label: t('common.cancel') }, { label: t('common.save'), primary: true, onClick: async () => {
        const payload = { title: title.value.trim(), theme: theme.value.trim(), language: lang.value };
        if (!payload.title) { title.focus(); return false; }
        if (when.value) payload.scheduled_for = new Date(when.value).toISOString();
        if (expected.value !== '') payload.expected_listeners = Number(expected.value);
        const durations = {};
        durs.forEach(({ p, input }) => { if (input.value !== '') durations[p.key] = Math.round(Number(input.value) * 60); });
        if (Object.keys(durations).length) payload.durations = durations;
        const ack = await send('meeting.update', payload);
        if (ack.ok) { toast(t('common.saved')); return true; }
        return false;
      } }],
    });
  }

  function toLocalInput(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '';
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }

  function openPreparedEditor() {
    let items = st.prepared.map((p) => Object.assign({}, p));
    const list = el('ol', { class: 'prep-list', id: 'prep-list' });
    const phaseOpts = phases().filter((p) => p.key !== 'ended');
    const draw = () => {
      S.rebuild(list, (frag) => {
        items.forEach((it, i) => {
          const sel = el('select', { 'aria-label': t('prepared.phaseFor', { n: i + 1 }), 'data-fk': `pp-${it.id}`, onchange: (e) => { it.phase = e.target.value || null; } },
            el('option', { value: '' }, t('prepared.anyPhase')),
            phaseOpts.map((p) => el('option', { value: p.key, selected: it.phase === p.key }, phaseText(p, 'title'))));
          frag.append(el('li', { class: 'prep' },
            el('textarea', { rows: '2', maxlength: '500', 'data-fk': `pt-${it.id}`, 'aria-label': t('prepared.textFor', { n: i + 1 }), oninput: (e) => { it.text = e.target.value; } }, it.text),
            el('div', { class: 'prep-tools' }, sel,
              el('button', { type: 'button', class: 'btn icon', 'data-fk': `pu-${it.id}`, disabled: i === 0, 'aria-label': t('prepared.up', { n: i + 1 }), onclick: () => { items.splice(i - 1, 0, items.splice(i, 1)[0]); draw(); } }, '↑'),
              el('button', { type: 'button', class: 'btn icon', 'data-fk': `pd-${it.id}`, disabled: i === items.length - 1, 'aria-label': t('prepared.down', { n: i + 1 }), onclick: () => { items.splice(i + 1, 0, items.splice(i, 1)[0]); draw(); } }, '↓'),
              el('button', { type: 'button', class: 'btn ghost small', 'aria-label': t('prepared.remove', { n: i + 1 }), onclick: () => { items.splice(i, 1); draw(); } }, t('common.delete')))));
        });
      });
    };
    draw();
    const add = el('button', { type: 'button', class: 'btn', id: 'prep-add', onclick: () => {
      items.push({ id: S.uuid(), text: '', phase: (st.phase && st.phase.key !== 'lobby' && st.phase.key) || null });
      draw();
      const areas = list.querySelectorAll('textarea');
      if (areas.length) areas[areas.length - 1].focus();
    } }, `+ ${t('prepared.add')}`);
    openDialog({
      title: t('menu.prepared'), body: el('div', null, el('p', { class: 'hint' }, t('prepared.hint')), list, add), wide: true,
      actions: [{ label: t('common.cancel') }, { label: t('common.save'), primary: true, onClick: async () => {
        const clean = items.map((x) => ({ id: x.id, text: (x.text || '').trim(), phase: x.phase || null })).filter((x) => x.text);
        const ack = await send('prepared.set', { items: clean });
        if (ack.ok) { if (Array.isArray(ack.prepared)) st.prepared = ack.prepared; else st.prepared = clean; renderPrompter(); toast(t('common.saved')); return true; }
        return false;
      } }],
    });
  }
  $('p-edit').addEventListener('click', openPreparedEditor);

  function openHelp() {
    const rows = [
      ['N', 'keys.next'], ['B', 'keys.back'], ['T', 'keys.timer'], ['+', 'keys.plus'], ['−', 'keys.minus'],
      ['J', 'keys.promptNext'], ['K', 'keys.promptPrev'], ['S', 'keys.show'], ['O', 'keys.outcome'],
      ['V', 'keys.questions'], ['I', 'keys.invite'], ['?', 'keys.help'], ['Esc', 'keys.close'],
    ];
    const body = el('div', null, el('p', { class: 'hint' }, t('keys.intro')),
      el('dl', { class: 'keys', id: 'keys-list' }, rows.map(([k, label]) => [el('dt', null, el('kbd', null, k)), el('dd', null, t(label))])));
    openDialog({ title: t('keys.title'), body, actions: [{ label: t('common.close'), primary: true }] });
  }
  $('btn-help').addEventListener('click', openHelp);

  // menu
  const menuBtn = $('btn-menu');
  const menuList = $('menu-list');
  function setMenu(open) {
    menuList.hidden = !open;
    menuBtn.setAttribute('aria-expanded', String(open));
    if (open) { const first = [...menuList.querySelectorAll('button')].find((b) => !b.closest('li').hidden); if (first) first.focus(); }
  }
  menuBtn.addEventListener('click', () => setMenu(menuList.hidden));
  menuList.addEventListener('keydown', (e) => {
    const items = [...menuList.querySelectorAll('button')].filter((b) => !b.closest('li').hidden);
    const i = items.indexOf(document.activeElement);
    if (e.key === 'ArrowDown') { items[(i + 1) % items.length].focus(); e.preventDefault(); }
    else if (e.key === 'ArrowUp') { items[(i - 1 + items.length) % items.length].focus(); e.preventDefault(); }
    else if (e.key === 'Escape') { setMenu(false); menuBtn.focus(); e.stopPropagation(); }
  });
  document.addEventListener('click', (e) => { if (!$('menu').contains(e.target)) setMenu(false); });
  const menuAction = (id, fn) => $(id).addEventListener('click', () => { setMenu(false); fn(); });
  menuAction('mi-details', openDetails);
  menuAction('mi-prepared', openPreparedEditor);
  menuAction('mi-display', openDisplayDialog);
  menuAction('mi-assistant', openAssistantDialog);
  menuAction('mi-help', openHelp);
  menuAction('mi-report', () => window.open(`/moderate/${encodeURIComponent(meetingId)}/report`, '_blank', 'noopener'));
  menuAction('mi-archive', archiveMeeting);
  menuAction('mi-forget', forgetLink);

  // On a shared laptop: take the key off this device; the meeting itself goes on.
  async function forgetLink() {
    if (!(await confirmDialog(t('forget.title'), t('forget.text'), t('forget.ok')))) return;
    S.forgetKey(STORE);
    socket.disconnect();
    fatal(t('forget.done.title'), t('forget.done.text'));
  }

  // ---------------------------------------------------------------- keyboard
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || dlg.open || !st.meeting || !$('fatal').hidden || !st.connected) return;
    const tgt = e.target;
    const typing = tgt && (tgt.isContentEditable || /^(TEXTAREA|SELECT)$/.test(tgt.tagName)
      || (tgt.tagName === 'INPUT' && !/^(radio|checkbox|button|submit)$/.test(tgt.type)));
    if (typing) return;
    const k = e.key;
    const list = phases();
    const idx = phaseIndex();
    const act = (fn) => { e.preventDefault(); fn(); };
    if (k === '?') return act(openHelp);
    if (k === 'i' || k === 'I') return act(openInvite);
    if (k === 'v' || k === 'V') return act(() => selectTab('questions', true));
    if (k === 'o' || k === 'O') {
      if (!can('outcomes')) return;
      return act(() => { selectTab('outcomes'); $('cap-text').focus(); });
    }
    if (k === 'j' || k === 'J') return act(() => movePrompt(1));
    if (k === 'k' || k === 'K') return act(() => movePrompt(-1));
    if (!can('run') || !running()) return;
    if (k === 'n' || k === 'N') { if (idx >= 0 && idx < list.length - 1) act(() => gotoPhase(list[idx + 1], 'next')); return; }
    if (k === 'b' || k === 'B') { if (idx > 0) act(() => gotoPhase(list[idx - 1], 'back')); return; }
    if (k === 't' || k === 'T') return act(timerToggle);
    if (k === ' ' && (tgt === document.body || tgt === $('main'))) return act(timerToggle);
    if (k === '+' || k === '=') return act(() => send('timer.adjust', { seconds: 300 }));
    if (k === '-' || k === '_') return act(() => send('timer.adjust', { seconds: -300 }));
    if (k === 's' || k === 'S') {
      const l = promptList();
      if (l.length) act(() => toggleShow(l[currentPromptIndex(l)]));
    }
  });

  // The phase bar sticks under the top bar; when the page scrolls it folds its step list away
  // (two thresholds, so folding, which moves the page, never flips it back).
  const topbar = document.querySelector('.topbar');
  const measureTop = () => document.documentElement.style.setProperty('--topbar-h', `${topbar.offsetHeight}px`);
  if (window.ResizeObserver) new ResizeObserver(measureTop).observe(topbar);
  measureTop();
  window.addEventListener('scroll', () => {
    const y = window.scrollY;
    if (y > 160) document.body.classList.add('scrolled');
    else if (y < 24) document.body.classList.remove('scrolled');
  }, { passive: true });

  setConn(false);
})();
