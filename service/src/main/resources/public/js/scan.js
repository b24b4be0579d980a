// The scanner page: a handheld scanner types a code and Enter, often faster than the server
// answers. Each Enter takes the code and empties the field at once (the next scan can follow),
// the codes are sent one after another in the order scanned, and each answer is put at the top of
// the list. Without this script the form posts and the page shows the last answer. Its words come
// from the page (data-t-counts, data-t-waiting, data-t-failed: the message bundles' scan.*).
import { csrfHeaders, touched } from '/static/js/session.js';

const form = document.getElementById('scan-form');
const field = document.getElementById('code');
const list = document.getElementById('scan-results');
const counts = document.getElementById('scan-counts');
const main = document.getElementById('main');
const fill = (text, ...values) => values.reduce((t, v, i) => t.replace(`{${i}}`, v), text);
const queue = [];
let sending = false;
let done = 0;
let refused = 0;

function showCounts() {
  counts.textContent = fill(main.dataset.tCounts, done, refused) + (queue.length ? ` · ${fill(main.dataset.tWaiting, queue.length)}` : '');
}

async function sendNext() {
  if (sending || !queue.length) return;
  sending = true;
  const body = queue.shift();
  showCounts();
  try {
    const answer = await fetch('/scan', {
      method: 'POST', body, headers: csrfHeaders({ 'Content-Type': 'application/x-www-form-urlencoded' }),
    });
    if (answer.status === 401) {
      window.location.assign('/sign-in?expired=true');
      return;
    }
    const t = document.createElement('template');
    t.innerHTML = (await answer.text()).trim();
    const item = t.content.querySelector('#scan-results li');
    if (answer.ok && item) {
      touched();
      list.prepend(item);
      if (item.dataset.done === 'true') done++; else refused++;
    } else {
      const failed = document.createElement('li');
      failed.className = 'scan-refused';
      failed.textContent = fill(main.dataset.tFailed, body.get('code'), answer.status);
      list.prepend(failed);
      refused++;
    }
  } catch (offline) {
    queue.unshift(body); // kept, and tried again shortly
    setTimeout(() => { sending = false; sendNext(); }, 2000);
    return;
  }
  sending = false;
  showCounts();
  sendNext();
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const code = field.value.trim();
  if (!code) return;
  const body = new URLSearchParams(new FormData(form));
  field.value = '';
  field.focus();
  queue.push(body);
  showCounts();
  sendNext();
});

// For tests: how many scans wait for an answer.
window.__scan = { get pending() { return queue.length + (sending ? 1 : 0); } };
