// The SLA clocks count down on the page: each running clock carries its due moment (data-due),
// and the time left is written again every second, as Format.countdown writes it on the server.
// At zero the clock says it is breached; the server records the breach (TicketStore's SLA job).
const main = document.getElementById('main');
const hours = document.documentElement.lang === 'da' ? 't' : 'h';
const two = (n) => String(n).padStart(2, '0');

function countdown(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} ${hours} ${two(Math.floor((s % 3600) / 60))} min`;
  return `${Math.floor(s / 60)} min ${two(s % 60)} s`;
}

function tick() {
  const now = Date.now();
  document.querySelectorAll('.clock[data-due]').forEach((clock) => {
    const left = (Date.parse(clock.dataset.due) - now) / 1000;
    const value = clock.querySelector('.clock-value');
    if (left <= 0) {
      value.textContent = main.dataset.tBreached;
      clock.classList.add('clock-breached');
      delete clock.dataset.due;
    } else {
      value.textContent = countdown(left);
    }
  });
}

tick();
setInterval(tick, 1000);
