// @ts-check
/* Spiegel room display: read only, for a projector or TV. Shows nothing listeners wrote. */
import { Spiegel as S } from '/static/moderator/common.js';
import { pagePanels } from '/static/moderator/plugins.js';

// One function around the page, as before: its early returns (no key, no code) end the page's start.
(function () {
  const { t } = S;
  const $ = (id) => document.getElementById(id);
  const code = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() || '');
  const STORE = `spiegel.display.${code}`;
  const st = { version: -1, meeting: null, format: null, phase: null, timer: null, prompt: null, asking: null, room: {}, joinUrl: '' };

  function show(which) {
    for (const id of ['lobby', 'stage', 'message']) $(id).hidden = id !== which;
    document.body.dataset.view = which;
  }
  function message(title, text) {
    $('message-title').textContent = title;
    $('message-text').textContent = text;
    show('message');
  }

  S.setLang('nl');
  S.applyI18n(document);
  const key = S.takeKey(STORE);
  if (!key) {
    message(t('display.nokey.title'), t('display.nokey.text'));
    return;
  }

  // `io`: the vendored socket.io client's global (/static/shared/vendor/socket.io.min.js)
  const socket = /** @type {any} */ (globalThis).io({ auth: { token: key }, reconnectionDelayMax: 4000 });
  // Plugin panels (client.modules) draw into #slot-main on the stage; the display sends nothing.
  const panels = pagePanels({
    page: 'display',
    slots: { main: '#slot-main' },
    can: () => false,
    state: () => ({ meeting: st.meeting, format: st.format, phase: st.phase }),
    snapshot: () => st.snapshot,
    send: () => Promise.resolve({ ok: false, code: 'forbidden_role', error: { code: 'forbidden_role' } }),
  });
  socket.onAny((name, payload) => panels.dispatch(name, payload));
  socket.on('connect', () => { $('conn').hidden = true; });
  socket.on('disconnect', (reason) => {
    $('conn').hidden = false;
    $('conn').textContent = t('conn.offline');
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (err) => {
    const c = S.connectErrorCode(err);
    if (c === 'token_unknown' || c === 'not_authenticated') {
      S.forgetKey(STORE);
      socket.disconnect();
      message(t('display.token.title'), t('display.token.text'));
    } else {
      $('conn').hidden = false;
      $('conn').textContent = t('conn.offline');
      S.retryRefused(socket, err);
    }
  });
  socket.on('snapshot', (snap) => {
    if (!snap) return;
    if (snap.role !== 'display' && snap.role !== 'moderator' && snap.role !== 'assistant') {
      socket.disconnect();
      message(t('display.token.title'), t('display.role.text'));
      return;
    }
    S.clock.update(snap.server_time);
    st.version = snap.version ?? 0;
    st.meeting = snap.meeting;
    st.format = snap.format;
    st.phase = snap.phase;
    st.timer = snap.timer;
    st.prompt = snap.prompt;
    st.asking = snap.asking || null;
    st.room = snap.room || {};
    st.joinUrl = snap.join_url || st.joinUrl;
    st.snapshot = snap;
    panels.load(snap.client);
    render();
  });
  socket.on('state', (s) => {
    if (!s || (typeof s.version === 'number' && s.version < st.version)) return;
    S.clock.update(s.server_time);
    st.version = s.version ?? st.version;
    if (s.meeting) st.meeting = Object.assign({}, st.meeting, s.meeting);
    if ('phase' in s) st.phase = s.phase;
    if ('timer' in s) st.timer = s.timer;
    if ('prompt' in s) st.prompt = s.prompt;
    if ('asking' in s) st.asking = s.asking;
    if ('room' in s) st.room = s.room || {};
    render();
  });

  function joining() {
    const state = st.meeting && st.meeting.state;
    if (state === 'draft' || state === 'open') return true;
    const phases = (st.format && st.format.phases) || [];
    return !!(st.phase && phases.length && phases[0].key === st.phase.key && state !== 'ended' && state !== 'archived');
  }

  /** Show the view the meeting is in; render() then fits it to the screen. */
  function draw() {
    if (!st.meeting) return;
    S.setLang(st.meeting.language || 'nl');
    S.applyI18n(document);
    document.title = `${st.meeting.title} · ${t('display.title')}`;
    const state = st.meeting.state;
    const url = st.joinUrl || `${location.origin}/join/${st.meeting.code}`;
    if (state === 'ended' || state === 'archived') {
      message(t('display.thanks.title'), st.meeting.title);
      return;
    }
    if (joining()) {
      $('lobby-title').textContent = st.meeting.title;
      $('lobby-code').textContent = st.meeting.code;
      $('lobby-host').textContent = url.replace(/^https?:\/\//, '').replace(/\/[^/]*$/, '');
      const img = /** @type {HTMLImageElement} */ ($('lobby-qr'));
      const src = `/qr/${encodeURIComponent(st.meeting.code)}.svg`;
      if (img.getAttribute('src') !== src) img.src = src;
      img.alt = t('display.qrAlt', { url });
      show('lobby');
      renderTimer();
      return;
    }
    $('stage-phase').textContent = (st.phase && st.phase.title) || '';
    $('stage-meeting').textContent = st.meeting.title;
    $('stage-rule').textContent = (st.phase && st.phase.rule) || '';
    // What the room reads: the clarifying question being asked now, else the prepared question
    // shown, else the theme. Never who wrote a question.
    const asking = st.asking && st.asking.text;
    const prompt = st.prompt && st.prompt.text;
    $('stage-label').textContent = asking ? t('display.asking') : prompt ? t('display.question') : t('display.theme');
    $('stage-prompt').textContent = asking || prompt || st.meeting.theme || st.meeting.title;
    $('stage-prompt').classList.toggle('is-prompt', !!(asking || prompt));
    $('stage').classList.toggle('asking', !!asking);
    const length = $('stage-prompt').textContent.length;
    $('stage-prompt').classList.toggle('long', length > 120 && length <= 220);
    $('stage-prompt').classList.toggle('longer', length > 220);
    $('stage-join').textContent = st.meeting.code ? t('display.joinSmall', { code: st.meeting.code }) : '';
    document.body.classList.toggle('silent', !!(st.phase && st.phase.silent));
    show('stage');
    renderTimer();
  }

  /** Shrink a view's text (CSS --fit) until every part of it is on the screen: a 1000-character
   * theme or question, or a two-line title, must never push the rule or the code off the wall. */
  function fit() {
    const view = document.body.dataset.view;
    const box = view && $(view);
    if (!box || box.hidden) return;
    const parts = [...box.querySelectorAll('[data-fit]')];
    const out = () => parts.some((n) => {
      const r = n.getBoundingClientRect();
      return r.height && (r.top < -1 || r.bottom > window.innerHeight + 1 || r.right > window.innerWidth + 1);
    }) || box.scrollHeight > box.clientHeight + 1;
    let scale = 1;
    box.style.setProperty('--fit', '1');
    while (scale > 0.3 && out()) {
      scale -= 0.05;
      box.style.setProperty('--fit', scale.toFixed(2));
    }
  }
  function render() {
    if (st.snapshot) panels.render();
    draw();
    fit();
  }
  window.addEventListener('resize', fit);

  function renderTimer() {
    const tm = st.timer;
    const box = $('stage-timer');
    // Only when the moderator chose to show it (a countdown on the wall puts the inner circle
    // under pressure), while it runs or is paused part-way, and never "time is up": that is for
    // staff only. A timer nobody started stays off the wall.
    const rem = tm ? S.timerRemaining(tm) : 0;
    if (!tm || !(st.room && st.room.timer) || rem <= 0
        || (!tm.running && (tm.remaining_ms === tm.duration_ms || (!tm.duration_ms && !tm.remaining_ms)))) {
      if (!box.hidden) { box.textContent = ''; box.hidden = true; fit(); }
      return;
    }
    const text = S.formatClock(rem);
    if (box.textContent !== text) box.textContent = text;
    box.classList.toggle('paused', !tm.running);
    if (box.hidden) { box.hidden = false; fit(); }
  }
  setInterval(renderTimer, 250);

  // Full screen on click or F; hide the cursor and the button when the mouse rests.
  const fs = $('fs');
  const toggleFs = () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(() => {});
  };
  fs.addEventListener('click', toggleFs);
  document.addEventListener('keydown', (e) => { if ((e.key === 'f' || e.key === 'F') && !e.ctrlKey && !e.metaKey) toggleFs(); });
  let idle = null;
  const wake = () => {
    document.body.classList.remove('idle');
    clearTimeout(idle);
    idle = setTimeout(() => document.body.classList.add('idle'), 3000);
  };
  document.addEventListener('mousemove', wake);
  wake();
  if (navigator.wakeLock) {
    const lock = () => navigator.wakeLock.request('screen').catch(() => {});
    lock();
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') lock(); });
  }
})();
