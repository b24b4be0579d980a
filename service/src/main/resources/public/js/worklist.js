// The live worklist: rows from the server's event stream, actions sent with fetch, and keys.
// The page works without this (plain forms, reload to see news); this adds live rows (an
// EventSource on /worklist/events that resumes from the last event id after any drop), the open
// red count in the title, announcements, an optional beep, and keyboard shortcuts.
import { csrfHeaders, touched } from '/static/js/session.js';

const main = document.getElementById('main');
const tbody = document.getElementById('rows');
const table = document.getElementById('worklist');
const liveState = document.getElementById('live');
const announcer = document.getElementById('announce');
const pendingButton = document.getElementById('pending');
const sound = document.getElementById('sound');
const help = document.getElementById('shortcuts');
const helpToggle = document.getElementById('shortcuts-toggle');
const empty = document.getElementById('empty');

const text = (name, ...args) => args.reduce((s, a) => s.replace('%s', a), main.dataset[name] || '');
const filter = {
  status: main.dataset.filterStatus, severity: main.dataset.filterSeverity, kind: main.dataset.filterKind,
  mine: main.dataset.filterMine === 'true', me: main.dataset.me,
};
let lastEventId = Number(main.dataset.lastEventId || 0);
const openRed = new Set(JSON.parse(main.dataset.openRed || '[]'));
const baseTitle = document.title.replace(/^\(\d+\)\s*/, '');
const queued = new Map(); // new rows waiting while the nurse points at or types in the table
let pointerOverTable = false;

// ---- rows ----

function updateTitle() {
  document.title = openRed.size ? `(${openRed.size}) ${baseTitle}` : baseTitle;
}

/** Whether the page's filters show this row (the stream sends every change of the organisation). */
function matches(row) {
  const s = row.dataset.status;
  const statusOk = filter.status === 'all' || (filter.status === 'active' ? s !== 'resolved' : s === filter.status);
  return statusOk && (!filter.severity || row.dataset.severity === filter.severity)
    && (!filter.kind || row.dataset.kind === filter.kind) && (!filter.mine || row.dataset.assignee === filter.me);
}

function parseRows(html) {
  const t = document.createElement('template');
  t.innerHTML = html.trim();
  return [...t.content.querySelectorAll('tr.alert-row')];
}

/** The server's order: worst first, then oldest, then by id. */
function sortsBefore(a, b) {
  const ra = Number(a.dataset.rank); const rb = Number(b.dataset.rank);
  if (ra !== rb) return ra > rb;
  const ca = Number(a.dataset.created); const cb = Number(b.dataset.created);
  if (ca !== cb) return ca < cb;
  return Number(a.dataset.id) < Number(b.dataset.id);
}

function insertSorted(row) {
  const next = [...tbody.rows].find(r => sortsBefore(row, r));
  tbody.insertBefore(row, next || null);
  if (empty) empty.hidden = true;
}

function removeRow(row) {
  if (row.classList.contains('selected')) {
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    if (next) select(next, false);
  } else {
    row.remove();
  }
  if (empty) empty.hidden = tbody.rows.length > 0;
}

/** Whether the nurse is reading or typing in the table: nothing may move under her then. */
function busy() {
  const active = document.activeElement;
  return pointerOverTable || (active && tbody.contains(active) && active.closest('form') !== null);
}

/** A form in this row is being filled in (focus or typed text): its inputs must survive an update. */
function editing(row) {
  if (row.contains(document.activeElement) && document.activeElement.closest('form')) return true;
  return [...row.querySelectorAll('details[open] input:not([type=hidden]), details[open] select')].some(i => i.value);
}

/** Puts a row from the server in place of the shown one, keeping selection, tick and any form being filled in. */
function replaceRow(existing, row) {
  const checkbox = existing.querySelector('input.pick');
  const fresh = row.querySelector('input.pick');
  if (checkbox && fresh) fresh.checked = checkbox.checked;
  if (editing(existing)) {
    // A colleague's change while a form here is being filled in: show it in every cell but the
    // actions, so nothing typed is lost; sending the form then gets the server's answer about it.
    const cells = existing.cells; const newCells = row.cells;
    for (let i = 0; i < cells.length - 1; i++) cells[i].replaceWith(newCells[i].cloneNode(true));
    for (const name of ['rank', 'created', 'severity', 'status', 'kind', 'assignee']) {
      if (row.dataset[name] === undefined) delete existing.dataset[name]; else existing.dataset[name] = row.dataset[name];
    }
    existing.className = row.className + (existing.classList.contains('selected') ? ' selected' : '');
    existing.classList.add('changed');
    return existing;
  }
  const wasSelected = existing.classList.contains('selected');
  const hadFocus = existing === document.activeElement;
  const wasOpen = existing.querySelector('details[open]') !== null;
  existing.replaceWith(row);
  if (wasSelected) select(row, hadFocus);
  if (wasOpen && row.querySelector('a.more')) expand(row.querySelector('a.more'), false); // the panel stays open
  return row;
}

/**
 * A row's "More": the row again from the server with its panel of actions open (rows carry only
 * the quick acknowledge, so the list of 500 stays small). Without this, the link opens the list
 * with that row's panel open.
 */
async function expand(link, focus = true) {
  const url = new URL(link.href);
  url.pathname = '/worklist/' + link.dataset.id;
  url.searchParams.delete('open');
  url.hash = '';
  let answer;
  try {
    answer = await fetch(url, { headers: { 'X-Requested-With': 'fetch' } });
  } catch (failed) {
    answer = null;
  }
  if (answer && answer.status === 401) {
    window.location.assign('/sign-in?expired=true');
    return;
  }
  if (!answer || !answer.ok) {
    if (focus) window.location.assign(link.href);
    return;
  }
  const [fresh] = parseRows(await answer.text());
  const shown = fresh && document.getElementById(fresh.id);
  if (!shown) return;
  const checkbox = shown.querySelector('input.pick');
  const pick = fresh.querySelector('input.pick');
  if (checkbox && pick) pick.checked = checkbox.checked;
  const wasSelected = shown.classList.contains('selected');
  shown.replaceWith(fresh);
  if (wasSelected) select(fresh, false);
  if (focus) {
    const summary = fresh.querySelector('details summary');
    if (summary) summary.focus();
  }
}

document.addEventListener('click', (e) => {
  const link = e.target.closest && e.target.closest('a.more');
  if (!link || !tbody.contains(link) || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
  e.preventDefault();
  expand(link);
});

/** A row from the server (stream or action), idempotent: replaced, inserted, queued or removed. */
function upsert(row, announce) {
  const existing = document.getElementById(row.id);
  queued.delete(row.id);
  track(row);
  if (existing) {
    // A row that leaves the list stays while a form in it is being filled in: the nurse sees why.
    if (matches(row) || editing(existing)) replaceRow(existing, row); else removeRow(existing);
  } else if (matches(row)) {
    if (busy()) {
      queued.set(row.id, row);
    } else {
      insertSorted(row);
    }
    if (announce) announceNew(row);
  }
  showPending();
}

function announceNew(row) {
  const severity = row.querySelector('.sev');
  say(text('tNew', severity ? severity.textContent.trim().toLowerCase() : '', row.dataset.name || ''));
  if (row.dataset.severity === 'red') {
    row.classList.add('flash');
    if (sound.checked) beep();
  }
}

/** Adds a line to the live region (read out once); the last three stay visible. */
function say(message) {
  const line = document.createElement('p');
  line.textContent = message;
  announcer.prepend(line);
  while (announcer.children.length > 3) announcer.lastElementChild.remove();
}

/** The title's count follows every row the page learns about. */
function track(row) {
  const id = Number(row.dataset.id);
  if (row.dataset.status === 'open' && row.dataset.severity === 'red') openRed.add(id); else openRed.delete(id);
  updateTitle();
}

function showPending() {
  for (const [id] of queued) if (document.getElementById(id)) queued.delete(id);
  pendingButton.hidden = queued.size === 0;
  if (queued.size) pendingButton.textContent = text('tPending', queued.size);
}

pendingButton.addEventListener('click', () => {
  for (const row of queued.values()) insertSorted(row);
  queued.clear();
  showPending();
});
table.addEventListener('pointerenter', () => { pointerOverTable = true; });
table.addEventListener('pointerleave', () => { pointerOverTable = false; });

// ---- the stream ----

let source = null;
let retryMs = 500;
let retryTimer = null;
let held = false;

function setLive(on) {
  liveState.textContent = text(on ? 'tLive' : 'tOffline');
  liveState.classList.toggle('offline', !on);
}

function onEvent(message) {
  if (!message.data) return;
  const data = JSON.parse(message.data);
  // Further behind than the stream replays (the screen slept for days): the list as it is now.
  if (data.reload) { held = true; drop(); location.reload(); return; }
  lastEventId = Math.max(lastEventId, Number(data.eventId));
  const isNewNews = data.type === 'opened' || data.type === 'worsened';
  for (const row of parseRows(data.html)) upsert(row, isNewNews);
}

function connect() {
  retryTimer = null;
  source = new EventSource('/worklist/events?after=' + encodeURIComponent(lastEventId));
  source.onopen = () => { retryMs = 500; setLive(true); };
  source.onmessage = onEvent;
  source.onerror = () => { drop(); reconnectLater(); };
}

function drop() {
  if (source) {
    source.close();
    source = null;
  }
  setLive(false);
}

/** After a drop: a new stream from the last event id had, sooner first, then at most every 5 s. */
function reconnectLater() {
  if (held || retryTimer) return;
  retryTimer = setTimeout(connect, retryMs);
  retryMs = Math.min(retryMs * 2, 5000);
}

// For tests and support: cut the stream as a network failure would, and let it come back.
window.__worklist = {
  dropConnection(hold = true) { held = hold; drop(); reconnectLater(); },
  reconnect() { held = false; retryMs = 500; reconnectLater(); },
  get lastEventId() { return lastEventId; },
  get connected() { return source !== null && source.readyState === EventSource.OPEN; },
};

// ---- actions ----

document.addEventListener('submit', async (e) => {
  const form = e.target;
  const bulk = form.id === 'bulk';
  // A row's quick "Kvittér" submits the page's form #quick with the row's address as its formaction.
  const quick = form.id === 'quick' && e.submitter && tbody.contains(e.submitter);
  if (!bulk && !quick && !(form.matches('form.act') && tbody.contains(form))) return;
  e.preventDefault();
  const action = quick ? e.submitter.formAction : form.action;
  const row = (quick ? e.submitter : form).closest('tr');
  const sendPlainly = () => { // the server's own answer, as without this script
    form.action = action;
    form.submit();
  };
  let answer;
  try {
    answer = await fetch(action, {
      method: 'POST', body: new URLSearchParams(new FormData(form)),
      headers: csrfHeaders({ 'Content-Type': 'application/x-www-form-urlencoded' }),
    });
  } catch (failed) {
    sendPlainly();
    return;
  }
  if (answer.status === 401) {
    window.location.assign('/sign-in?expired=true');
    return;
  }
  if (![200, 400, 409].includes(answer.status)) {
    sendPlainly();
    return;
  }
  touched();
  const html = await answer.text();
  if (bulk) {
    const problem = document.getElementById('bulk-problem');
    if (answer.ok) {
      problem.replaceChildren();
      parseRows(html).forEach(r => upsert(r, false));
      document.getElementById('bulk-note').value = '';
      tbody.querySelectorAll('input.pick:checked').forEach(c => { c.checked = false; });
      say(text('tDone'));
    } else {
      const t = document.createElement('template');
      t.innerHTML = html.trim();
      problem.replaceWith(t.content.firstElementChild);
    }
    return;
  }
  const [fresh] = parseRows(html);
  if (!fresh) return;
  track(fresh);
  // The stream may have replaced the row while the answer was on its way: take the one shown now.
  const shown = document.getElementById(fresh.id) || (row && row.isConnected ? row : null);
  const selected = shown !== null && shown.classList.contains('selected');
  if (shown) shown.replaceWith(fresh); else insertSorted(fresh);
  if (!matches(fresh) && answer.ok) {
    removeRow(fresh);
  } else if (selected) {
    select(fresh, answer.ok);
  }
  if (answer.ok) {
    say(text('tDone'));
  } else {
    // Back to the field to fix, with what was typed in it.
    const action = fresh.dataset.problem;
    const field = action && fresh.querySelector(`details[open] form[action$="/${action}"] :is(input:not([type=hidden]), select)`);
    (field || fresh).focus();
  }
});

// ---- keyboard ----

function rows() {
  return [...tbody.rows];
}

function selectedRow() {
  return tbody.querySelector('tr.selected');
}

function select(row, focus = true) {
  const current = selectedRow();
  if (current && current !== row) {
    current.classList.remove('selected');
    current.setAttribute('aria-selected', 'false');
  }
  row.classList.add('selected');
  row.setAttribute('aria-selected', 'true');
  if (focus) {
    row.focus();
    row.scrollIntoView({ block: 'nearest' });
  }
}

function move(delta) {
  const all = rows();
  if (!all.length) return;
  const index = all.indexOf(selectedRow());
  const next = index < 0 ? (delta > 0 ? 0 : all.length - 1) : Math.max(0, Math.min(all.length - 1, index + delta));
  select(all[next]);
}

function toggleHelp() {
  help.hidden = !help.hidden;
  helpToggle.setAttribute('aria-expanded', String(!help.hidden));
}

helpToggle.addEventListener('click', toggleHelp);

tbody.addEventListener('click', (e) => {
  const row = e.target.closest('tr');
  if (row && !e.target.closest('a, button, input, select, summary, details, label')) select(row);
});

document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
  if (e.target.closest && e.target.closest('input, textarea, select, [contenteditable="true"]')) return;
  const row = selectedRow();
  const onRowOrPage = e.target === document.body || e.target === row || e.target === main;
  switch (e.key) {
    case 'j': case 'ArrowDown': move(1); break;
    case 'k': case 'ArrowUp': move(-1); break;
    case 'a': {
      const ack = row && row.querySelector('button.ack');
      if (!ack) return;
      ack.form.requestSubmit(ack);
      break;
    }
    case 'Enter': case 'o': {
      if (!row || (e.key === 'Enter' && !onRowOrPage)) return;
      window.location.assign(row.querySelector('a.chart-link').href);
      break;
    }
    case 'x': {
      const pick = row && row.querySelector('input.pick');
      if (!pick) return;
      pick.checked = !pick.checked;
      break;
    }
    case '?': toggleHelp(); break;
    default: return;
  }
  e.preventDefault();
});

// ---- sound ----

let audio = null;
sound.checked = localStorage.getItem('fsc.worklist.sound') === 'on';
sound.addEventListener('change', () => {
  localStorage.setItem('fsc.worklist.sound', sound.checked ? 'on' : 'off');
  if (sound.checked) {
    audio = audio || new AudioContext(); // made on the click: browsers allow sound after a gesture
    beep();
  }
});

/** A short two-tone beep made on the spot: no sound file to load. */
function beep() {
  try {
    audio = audio || new AudioContext();
    const at = audio.currentTime;
    const gain = audio.createGain();
    gain.gain.setValueAtTime(0.2, at);
    gain.gain.exponentialRampToValueAtTime(0.001, at + 0.5);
    gain.connect(audio.destination);
    [[880, 0], [660, 0.25]].forEach(([hz, start]) => {
      const tone = audio.createOscillator();
      tone.frequency.value = hz;
      tone.connect(gain);
      tone.start(at + start);
      tone.stop(at + start + 0.22);
    });
  } catch (noAudio) {
    // no sound device: the visual flash and the title still tell
  }
}

updateTitle();
connect();
