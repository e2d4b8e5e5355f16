// Today's timeline on the status screen.

import {api} from './api.js';
import {$, el, showMsg, svgEl, t, zoneName} from './dom.js';
import {renderJournal} from './journal.js';
import {say} from './messages.js';
import {TIMELINE_INTERVAL_MS, state} from './state.js';
import {addDays, clockOf, dateOf, dayLabel, lunarLabel, offsetOf, todayOfStation} from './time.js';

export const TL = {rowHeight: 40, headHeight: 36, minPxPerMinute: 0.75, minBlockPx: 4, blockGap: 2, maxLanes: 3};
export const TL_STATUSES = ['aired', 'interrupted', 'failed', 'missed', 'playing', 'upcoming', 'unrecorded'];

// Reloads the plan and the log when the day changes, every 30 s, and when what is on air changes.
export function maybeRefreshTimeline() {
  const st = state.status;
  const signature = [st.version && st.version.id,
    ...st.zones.map((z) => (z.on_air ? `${z.id}:${z.on_air.programme}@${z.on_air.scheduled}` : ''))].join('|');
  const tl = state.timeline;
  if (tl.date !== todayOfStation() || signature !== tl.signature || Date.now() - tl.loadedAt > TIMELINE_INTERVAL_MS) {
    tl.signature = signature;
    loadTimeline();
  }
}

export async function loadTimeline() {
  const tl = state.timeline;
  const date = todayOfStation();
  tl.loadedAt = Date.now();
  const range = `from=${date}&to=${addDays(date, 1)}`;
  const [plan, log] = await Promise.all([api('GET', `/api/plan?${range}`), api('GET', `/api/log?${range}`)]);
  if (plan.ok) {
    tl.plan = Array.isArray(plan.data) ? plan.data : [];
    tl.date = date;
    showMsg('timeline-msg', '');
  } else if (plan.status !== 401) {
    showMsg('timeline-msg', plan.error);
  }
  tl.log = log.ok && Array.isArray(log.data) ? log.data : [];
  tl.logError = log.ok || log.status === 401 ? '' : log.error;
  tl.loads = (tl.loads || 0) + 1;
  renderTimeline();
  // The journal screen showing today follows along.
  if (log.ok && state.screen === 'journal' && state.journalDate === date) {
    state.journal = tl.log;
    renderJournal();
  }
}

export function broadcastKey(b) {
  return `${b.programme}|${Date.parse(b.scheduled)}`;
}

// Blocks of the day: what the journal says for what happened, the plan for what is to come.
export function timelineBlocks() {
  const tl = state.timeline;
  const now = state.status ? Date.parse(state.status.now) : Date.now();
  const blocks = [];
  const logged = new Set();
  for (const b of tl.log) {
    logged.add(broadcastKey(b));
    const status = TL_STATUSES.includes(b.status) ? b.status : 'aired';
    blocks.push({b, status, planned: ''});
  }
  for (const b of tl.plan) {
    if (logged.has(broadcastKey(b))) continue;
    const end = Date.parse(b.end || b.start || b.scheduled);
    const status = end >= now || Date.parse(b.scheduled) >= now ? 'upcoming' : 'unrecorded';
    blocks.push({b, status, planned: b.status});
  }
  return blocks;
}

export function renderTimeline() {
  const st = state.status;
  if (!st) return;
  const tl = state.timeline;
  const date = tl.date || todayOfStation();
  // The solar date, and the lunar one beside it (the commune's year runs partly on it).
  const lunar = lunarLabel(date);
  $('timeline-date').replaceChildren(date, lunar ? el('span', {class: 'lunar-date', dataset: {testid: 'timeline-lunar'}, text: ` · ${lunar}`}) : '');
  const zones = st.zones;
  const scroll = $('timeline-scroll');
  if (scroll.clientWidth === 0) return;  // not on screen; drawn when shown
  const pxPerMin = Math.max(TL.minPxPerMinute, scroll.clientWidth / 1440);
  const width = Math.round(1440 * pxPerMin);
  const onAir = new Set(zones.filter((z) => z.on_air).map((z) => `${z.id}|${broadcastKey(z.on_air)}`));
  // Redrawn only when something visible changed (so that a tooltip being read stays put).
  const key = [tl.loads, date, width, state.lang, clockOf(st.now, false), ...onAir].join('|');
  if (key === tl.drawn) return;
  tl.drawn = key;
  const height = TL.headHeight + zones.length * TL.rowHeight + 2;
  const dayStart = Date.parse(`${date}T00:00:00${offsetOf(st.now)}`);
  const xOf = (ms) => Math.min(Math.max((ms - dayStart) / 60000, 0), 1440) * pxPerMin;

  const svg = svgEl('svg', {width, height, viewBox: `0 0 ${width} ${height}`, class: 'timeline-svg',
    role: 'img', 'aria-label': t('timeline_title')});
  const nowX = xOf(Date.parse(st.now));
  svg.append(renderTimelineGrid(zones.length, pxPerMin, height));
  svg.append(svgEl('rect', {x: 0, y: TL.headHeight, width: nowX, height: height - TL.headHeight, class: 'past'}));
  const rows = zones.map(() => []);
  for (const block of timelineBlocks()) {
    for (const zoneId of block.b.zones || []) {
      const row = zones.findIndex((z) => z.id === zoneId);
      if (row >= 0) rows[row].push({block, zoneId, ...blockExtent(block, xOf)});
    }
  }
  rows.forEach((items, row) => {
    layoutLanes(items);
    for (const item of items) svg.append(renderTimelineBlock(item, row, date, onAir));
  });
  svg.append(svgEl('line', {x1: nowX, x2: nowX, y1: TL.headHeight - 14, y2: height, class: 'now-line', 'data-testid': 'now-line'}));
  // A flag with the time under the hour labels, kept inside the picture at both ends of the day.
  const flagX = Math.min(Math.max(nowX - 22, 0), width - 44);
  svg.append(svgEl('g', {class: 'now'}, [
    svgEl('title', {text: `${t('timeline_now')} ${clockOf(st.now, false)}`}),
    svgEl('rect', {x: flagX, y: TL.headHeight - 16, width: 44, height: 15, rx: 3, class: 'now-flag'}),
    svgEl('text', {x: flagX + 22, y: TL.headHeight - 5, 'text-anchor': 'middle', class: 'now-label', text: clockOf(st.now, false)}),
  ]));

  scroll.replaceChildren(svg);
  $('timeline-labels').replaceChildren(el('div', {class: 'timeline-label-head'}),
    ...zones.map((z) => {
      const label = el('div', {class: 'timeline-label', text: z.name || z.id, title: z.id});
      label.style.height = `${TL.rowHeight}px`;
      return label;
    }));
  $('timeline-labels').firstChild.style.height = `${TL.headHeight}px`;
  renderTimelineLegend();
  if (!tl.plan.length && !tl.log.length && tl.date) showMsg('timeline-msg', t('timeline_empty'), 'info');
  else if (tl.logError) showMsg('timeline-msg', t('timeline_log_missing', {error: tl.logError}), 'info');
  if (!tl.scrolled && tl.date) scrollTimelineToNow();
}

export function renderTimelineGrid(rows, pxPerMin, height) {
  const g = svgEl('g', {class: 'grid'});
  const labelEvery = pxPerMin * 60 >= 44 ? 1 : 2;
  for (let r = 0; r < rows; r++) {
    g.append(svgEl('rect', {x: 0, y: TL.headHeight + r * TL.rowHeight, width: 1440 * pxPerMin, height: TL.rowHeight,
      class: r % 2 ? 'row row-odd' : 'row'}));
  }
  for (let h = 0; h <= 24; h++) {
    const x = Math.min(h * 60 * pxPerMin, 1440 * pxPerMin - 0.5);
    g.append(svgEl('line', {x1: x, x2: x, y1: 16, y2: height, class: h % 6 ? 'hour' : 'hour hour-major'}));
    if (h < 24 && h % labelEvery === 0) {
      g.append(svgEl('text', {x: x + 2, y: 13, class: 'hour-label', text: `${String(h).padStart(2, '0')}:00`}));
    }
  }
  return g;
}

// Where a block is drawn: x and width in pixels, at least TL.minBlockPx wide.
function blockExtent(block, xOf) {
  const b = block.b;
  const startMs = Date.parse(b.start || b.scheduled);
  const endMs = b.end ? Date.parse(b.end) : (block.status === 'playing' ? Date.parse(state.status.now) : startMs + 60000);
  const x = xOf(startMs);
  return {x, w: Math.max(xOf(Math.max(endMs, startMs)) - x, TL.minBlockPx)};
}

// Blocks of one row that would touch on screen (two broadcasts close in time, at a scale where a
// minute is a pixel) share the row's height in lanes, each its own shape: items of a group of
// touching blocks get `lane` and `lanes` (1 when alone). Past TL.maxLanes, the lane that frees
// first is reused.
export function layoutLanes(items) {
  items.sort((a, b) => a.x - b.x);
  let group = [];
  let groupEnd = -Infinity;
  let ends = [];
  const close = () => {
    for (const item of group) item.lanes = ends.length;
  };
  for (const item of items) {
    if (item.x >= groupEnd + TL.blockGap) {
      close();
      group = [];
      ends = [];
    }
    let lane = ends.findIndex((end) => end + TL.blockGap <= item.x);
    if (lane < 0) lane = ends.length < TL.maxLanes ? ends.length : ends.indexOf(Math.min(...ends));
    ends[lane] = Math.max(ends[lane] ?? -Infinity, item.x + item.w);
    item.lane = lane;
    group.push(item);
    groupEnd = Math.max(groupEnd, item.x + item.w);
  }
  close();
}

export function isEmergency(b) {
  return b.class === 'emergency' || (typeof b.priority === 'number' && b.priority >= 90) || b.priority === 'emergency';
}

export function renderTimelineBlock(item, row, date, onAir) {
  const {block, zoneId, x, w} = item;
  const b = block.b;
  const live = onAir.has(`${zoneId}|${broadcastKey(b)}`);
  const emergency = isEmergency(b);
  const classes = ['block', `st-${block.status}`];
  if (block.planned) classes.push(`plan-${block.planned}`);
  if (live) classes.push('on-air');
  if (emergency) classes.push('prio-emergency-block');
  const laneHeight = (TL.rowHeight - 12) / (item.lanes || 1);
  const y = TL.headHeight + row * TL.rowHeight + 6 + (item.lane || 0) * laneHeight;
  const height = Math.max(laneHeight - (item.lanes > 1 ? 1 : 0), 2);
  // A broadcast of another day than the one drawn (one that runs over midnight) says its date.
  const other = dateOf(b.scheduled);
  const lunar = lunarLabel(other, b.lunar);
  const day = other !== date ? `${dayLabel(other)}${lunar ? ` (${lunar})` : ''} ` : '';
  const tip = [
    `${day}${clockOf(b.scheduled)}${b.start && b.end ? ` (${clockOf(b.start)}–${clockOf(b.end)})` : ''}`,
    `${b.title || b.programme} [${b.programme}]`,
    `${zoneName(zoneId)} · ${t(`st_${block.status}`)}${block.planned && block.planned !== 'planned' ? ` · ${t(`st_${block.planned}`)}` : ''}` +
      (emergency ? ` · ${t('prio_emergency')}` : ''),
    b.reason ? say(b.reason_code, b.reason_params, b.reason) : null,
  ].filter(Boolean).join('\n');
  const children = [svgEl('title', {text: tip}), svgEl('rect', {x, y, width: w, height, rx: 3})];
  // An emergency is marked by more than its colour: a label on the block ("!" when it is narrow).
  if (emergency) {
    const wide = w >= 70 && height >= 12;
    children.push(svgEl('text', {x: x + 3, y: y + height / 2, 'dominant-baseline': 'central', class: 'block-label',
      'data-testid': 'emergency-label', text: wide ? `! ${t('prio_emergency')}` : '!'}));
  }
  return svgEl('g', {class: classes.join(' '), 'data-testid': `block-${b.programme}`, 'data-zone': zoneId,
    'data-status': live ? 'on-air' : block.status, 'data-scheduled': b.scheduled,
    'data-priority': emergency ? 'emergency' : null, 'data-lane': item.lane || 0, 'data-lanes': item.lanes || 1}, children);
}

export function renderTimelineLegend() {
  const shown = ['aired', 'interrupted', 'failed', 'missed', 'playing', 'upcoming'];
  $('timeline-legend').replaceChildren(...shown.map((s) => el('span', {class: `legend-item st-${s}`}, [
    el('span', {class: 'legend-swatch'}), t(`st_${s}`)])),
  el('span', {class: 'legend-item legend-emergency'}, [el('span', {class: 'legend-swatch', text: '!'}), t('prio_emergency')]));
}

// On a narrow screen the timeline scrolls: start with "now" in view.
export function scrollTimelineToNow() {
  const scroll = $('timeline-scroll');
  const st = state.status;
  if (!st || !scroll.firstChild || scroll.clientWidth === 0) return;
  const svgWidth = scroll.scrollWidth;
  const minutes = parseInt(clockOf(st.now).slice(0, 2), 10) * 60 + parseInt(clockOf(st.now).slice(3, 5), 10);
  scroll.scrollLeft = Math.max(0, (minutes / 1440) * svgWidth - scroll.clientWidth / 3);
  state.timeline.scrolled = true;
}
