// The clocks count down on the page (the support desk's SLA clocks, the wound clinic's answer
// clocks): each running clock carries its due moment (data-due), and the time left is written
// again every second, as Format.countdown writes it on the server. From its warning moment
// (data-warn, when given) it is marked as a warning; at zero it says it is breached. The server
// records both (TicketStore's SLA job, WoundJobs).
// The words come from the page (data-t-hours, data-t-minutes: the message bundles' clock.left.*).
const main = document.getElementById('main');
const two = (n) => String(n).padStart(2, '0');
const fill = (text, whole, part) => text.replace('{0}', whole).replace('{1}', part);

function countdown(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s >= 3600) return fill(main.dataset.tHours, Math.floor(s / 3600), two(Math.floor((s % 3600) / 60)));
  return fill(main.dataset.tMinutes, Math.floor(s / 60), two(s % 60));
}

function tick() {
  const now = Date.now();
  document.querySelectorAll('.clock[data-due]').forEach((clock) => {
    const left = (Date.parse(clock.dataset.due) - now) / 1000;
    const value = clock.querySelector('.clock-value');
    if (clock.dataset.warn && Date.parse(clock.dataset.warn) <= now) {
      clock.classList.add('clock-warning');
    }
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
