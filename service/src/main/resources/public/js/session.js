// The signed-in page's session: its CSRF token for scripts' requests, and the idle warning.
// The server signs a session out after FSC_CONSOLE_IDLE without a request; shortly before, this
// shows a warning with a button that keeps the session, and when the time is up it goes to sign-in.
// Typing in the page counts as a request: it tells the server the session is still in use.

const tokenMeta = document.querySelector('meta[name="csrf-token"]');

/** The headers a script's state-changing request carries (the server refuses it without the token). */
export function csrfHeaders(extra = {}) {
  return Object.assign({ 'X-CSRF-Token': tokenMeta ? tokenMeta.content : '', 'X-Requested-With': 'fetch' }, extra);
}

/** Any answer from the server restarts its idle clock; scripts call this after their requests. */
export function touched() {
  lastRequest = Date.now();
  hideWarning();
}

const idleMeta = document.querySelector('meta[name="fsc-idle"]');
let lastRequest = Date.now();
let typedAt = 0;
const warning = document.getElementById('idle-warning');
// Typing is being there: a form being filled in keeps the session. Counted by requests alone, a nurse
// writing a long note was signed out mid-sentence and the text was lost.
document.addEventListener('input', () => { typedAt = Date.now(); }, true);

function hideWarning() {
  if (warning) warning.hidden = true;
}

if (idleMeta && warning) {
  const idleMs = Number(idleMeta.content) * 1000;
  const warnMs = Number(idleMeta.dataset.warn) * 1000;
  document.getElementById('idle-stay').addEventListener('click', async () => {
    const answer = await fetch('/session/alive', { headers: { 'X-Requested-With': 'fetch' } });
    if (answer.ok) touched(); else window.location.assign('/sign-in?expired=true');
  });
  let pinging = false;
  setInterval(async () => {
    let idle = Date.now() - lastRequest;
    if (typedAt > lastRequest && idle >= Math.min(60000, idleMs - warnMs) && !pinging) {
      pinging = true;
      try {
        const answer = await fetch('/session/alive', { headers: { 'X-Requested-With': 'fetch' } });
        if (answer.ok) {
          touched();
          return;
        }
        if (answer.status === 401) { // signed out elsewhere (or ended): say so now, not after more typing
          window.location.assign('/sign-in?expired=true');
          return;
        }
      } catch (e) {
        // the network is away for a moment: the clock below decides as before
      } finally {
        pinging = false;
      }
      idle = Date.now() - lastRequest;
    }
    if (idle >= idleMs) {
      window.location.assign('/sign-in?expired=true&next=' + encodeURIComponent(location.pathname + location.search));
    } else if (idle >= idleMs - warnMs && warning.hidden) {
      warning.hidden = false;
      document.getElementById('idle-stay').focus();
    }
  }, 5000);
}
