// The citizen's charts: one uPlot per measurement type, from the JSON the server put in
// <script type="application/json" id="chart-data-TYPE"> (readings, or min/max buckets of a long
// range; the citizen's limits; missed schedule periods; the alert's moment). Times are epoch
// seconds, shown in Europe/Copenhagen. The charts are kept in window.__charts by type (tests read
// what each was handed).
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { touched } from '/static/js/session.js';

const lang = document.documentElement.lang || 'da';
const ZONE = 'Europe/Copenhagen';
const HEIGHT = 220;
const COLOURS = {
  line: '#0a58ca', staff: '#1b1f24', range: 'rgba(10, 88, 202, 0.18)',
  red: 'rgba(176, 0, 32, 0.13)', redLine: 'rgba(176, 0, 32, 0.7)',
  yellow: 'rgba(230, 170, 0, 0.22)', yellowLine: 'rgba(122, 91, 0, 0.7)',
  missed: '#0b4f9c', at: '#1b1f24',
};
const DANISH = {
  MMMM: ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'december'],
  MMM: ['jan.', 'feb.', 'mar.', 'apr.', 'maj', 'jun.', 'jul.', 'aug.', 'sep.', 'okt.', 'nov.', 'dec.'],
  WWWW: ['søndag', 'mandag', 'tirsdag', 'onsdag', 'torsdag', 'fredag', 'lørdag'],
  WWW: ['søn', 'man', 'tir', 'ons', 'tor', 'fre', 'lør'],
};
// [tick size, label, then a second line when the year / month / day / hour / minute / second changes, mode]
const TIME_LABELS = [
  [3600 * 24 * 365, '{YYYY}', null, null, null, null, null, null, 1],
  [3600 * 24 * 28, '{MMM}', '\n{YYYY}', null, null, null, null, null, 1],
  [3600 * 24, '{D}. {MMM}', '\n{YYYY}', null, null, null, null, null, 1],
  [3600, '{HH}:{mm}', '\n{D}. {MMM} {YYYY}', null, '\n{D}. {MMM}', null, null, null, 1],
  [60, '{HH}:{mm}', '\n{D}. {MMM} {YYYY}', null, '\n{D}. {MMM}', null, null, null, 1],
  [1, '{HH}:{mm}:{ss}', '\n{D}. {MMM} {YYYY}', null, '\n{D}. {MMM}', null, null, null, 1],
];

window.__charts = window.__charts || {};

/** uPlot's data: [times, values, staff-entered values] for readings; [times, lowest, highest] for buckets. */
export function seriesData(spec) {
  if (spec.buckets) {
    return [spec.buckets.map(b => b[0]), spec.buckets.map(b => b[1]), spec.buckets.map(b => b[2])];
  }
  const points = spec.points || [];
  return [points.map(p => p[0]), points.map(p => p[1]), points.map(p => (p[2] ? p[1] : null))];
}

const num = v => (v === undefined ? null : v);

/** The value range shown: the data and the yellow limits (so the yellow band shows), with a margin. */
function valueRange(bands) {
  return (u, min, max) => {
    let lo = min ?? 0;
    let hi = max ?? 1;
    if (num(bands.yellowLow) !== null) lo = Math.min(lo, bands.yellowLow);
    if (num(bands.yellowHigh) !== null) hi = Math.max(hi, bands.yellowHigh);
    const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 1;
    return [lo - pad, hi + pad];
  };
}

/** The yellow and red areas of the citizen's limits, under the series. */
function drawLimits(u, bands) {
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  const y = v => u.valToPos(v, 'y', true);
  const band = (from, to, fill) => { // from/to values; null is the edge of the plot
    const y1 = from === null ? top + height : Math.min(top + height, Math.max(top, y(from)));
    const y2 = to === null ? top : Math.min(top + height, Math.max(top, y(to)));
    if (y1 > y2) {
      ctx.fillStyle = fill;
      ctx.fillRect(left, y2, width, y1 - y2);
    }
  };
  const line = (v, stroke) => {
    if (v === null) return;
    const at = y(v);
    if (at < top || at > top + height) return;
    ctx.strokeStyle = stroke;
    ctx.lineWidth = 1;
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(left, at);
    ctx.lineTo(left + width, at);
    ctx.stroke();
  };
  const redLow = num(bands.redLow);
  const redHigh = num(bands.redHigh);
  const yellowLow = num(bands.yellowLow);
  const yellowHigh = num(bands.yellowHigh);
  ctx.save();
  if (redHigh !== null) band(redHigh, null, COLOURS.red);
  if (yellowHigh !== null) band(yellowHigh, redHigh, COLOURS.yellow);
  if (yellowLow !== null) band(redLow, yellowLow, COLOURS.yellow);
  if (redLow !== null) band(null, redLow, COLOURS.red);
  line(redHigh, COLOURS.redLine);
  line(yellowHigh, COLOURS.yellowLine);
  line(yellowLow, COLOURS.yellowLine);
  line(redLow, COLOURS.redLine);
  ctx.restore();
}

/** Missed schedule periods (blue, dashed) and the alert's moment (black, solid) across the plot. */
function drawMarks(u, spec) {
  const { ctx } = u;
  const { top, height, left, width } = u.bbox;
  const vertical = (t, stroke, dash, lineWidth) => {
    const x = u.valToPos(t, 'x', true);
    if (x < left || x > left + width) return;
    ctx.strokeStyle = stroke;
    ctx.lineWidth = lineWidth;
    ctx.setLineDash(dash);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
  };
  ctx.save();
  (spec.missed || []).forEach(t => vertical(t, COLOURS.missed, [3, 3], 2 * devicePixelRatio));
  if (num(spec.at) !== null) vertical(spec.at, COLOURS.at, [], 2 * devicePixelRatio);
  ctx.restore();
}

function options(spec, el) {
  const bands = spec.bands || {};
  const reduced = Boolean(spec.buckets);
  const unit = el.dataset.unit || spec.unit;
  const series = [{}];
  if (reduced) {
    series.push({ label: 'min', stroke: COLOURS.line, width: 1, points: { show: false } });
    series.push({ label: 'max', stroke: COLOURS.line, width: 1, points: { show: false } });
  } else {
    series.push({ label: unit, stroke: COLOURS.line, width: 1.5, points: { show: true, size: 5, fill: COLOURS.line } });
    series.push({ label: 'staff', stroke: COLOURS.staff, width: 0, paths: () => null,
      points: { show: true, size: 12, width: 2, fill: '#ffffff', stroke: COLOURS.staff } });
  }
  return {
    width: Math.max(300, el.clientWidth || 800),
    height: HEIGHT,
    legend: { show: false },
    tzDate: ts => uPlot.tzDate(new Date(ts * 1e3), ZONE),
    fmtDate: tpl => uPlot.fmtDate(tpl, lang === 'da' ? DANISH : undefined),
    scales: {
      x: { time: true, range: () => [spec.from, spec.to] },
      y: { range: valueRange(bands) },
    },
    axes: [
      { values: TIME_LABELS },
      { label: unit, values: (u, splits) => splits.map(v => (v === null ? '' : v.toLocaleString(lang))) },
    ],
    series,
    bands: reduced ? [{ series: [2, 1], fill: COLOURS.range }] : [],
    hooks: {
      drawClear: [u => drawLimits(u, bands)],
      draw: [u => drawMarks(u, spec)],
    },
  };
}

function draw(script) {
  const spec = JSON.parse(script.textContent);
  const el = script.parentElement.querySelector('.plot');
  const chart = new uPlot(options(spec, el), seriesData(spec), el);
  window.__charts[spec.type] = chart;
  return chart;
}

let charts = [];

/** Draws every chart in the given part of the page (the whole page, or a section of charts fetched anew). */
function drawAll(root) {
  charts.forEach(c => c.destroy());
  charts = [];
  window.__charts = {};
  root.querySelectorAll('script[type="application/json"][id^="chart-data-"]').forEach(script => {
    try {
      charts.push(draw(script));
    } catch (e) {
      console.error('chart', script.id, e); // the table under the chart still has the values
    }
  });
}

/**
 * Another range: only the section of charts is fetched (GET /patients/{id}/charts with the link's
 * parameters) and drawn in place; the address follows, so a reload or a shared link shows the same.
 * Without this script, or when the fetch fails, the link loads the whole page.
 */
async function showRange(link) {
  const url = new URL(link.href);
  const page = url.pathname;
  url.pathname = page.replace(/\/?$/, '/charts');
  let answer;
  try {
    answer = await fetch(url, { headers: { 'X-Requested-With': 'fetch' } });
  } catch (failed) {
    answer = null;
  }
  if (!answer || !answer.ok) {
    window.location.assign(link.href); // the server's own answer: the page, the sign-in or what went wrong
    return;
  }
  touched();
  const t = document.createElement('template');
  t.innerHTML = (await answer.text()).trim();
  const section = t.content.querySelector('#charts');
  const shown = document.getElementById('charts');
  if (!section || !shown) {
    window.location.assign(link.href);
    return;
  }
  document.documentElement.dataset.chartsReady = 'false';
  shown.replaceWith(section);
  history.replaceState(null, '', page + url.search);
  drawAll(section);
  const current = section.querySelector('.ranges a[aria-current]');
  if (current) current.focus();
  document.documentElement.dataset.chartsReady = 'true';
}

document.addEventListener('click', (e) => {
  const link = e.target.closest && e.target.closest('#charts .ranges a');
  if (!link || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
  e.preventDefault();
  showRange(link);
});
window.addEventListener('resize', () => {
  charts.forEach(c => c.setSize({ width: Math.max(300, c.root.parentElement.clientWidth), height: HEIGHT }));
});
drawAll(document);
document.documentElement.dataset.chartsReady = 'true';
