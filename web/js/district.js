// The district office's view (served by `loa district`, docs/district.md): every commune with its
// state, campaign reach, and the report for a period with its CSV. Read-only.

import {api} from './api.js';
import {$, el, showMsg, t} from './dom.js';
import {state} from './state.js';
import {formatSeconds} from './time.js';

export const DISTRICT_INTERVAL_MS = 15000;

export function isDistrict() {
  return !!state.session && state.session.office === 'district';
}

export function startDistrict() {
  stopDistrict();
  for (const s of document.querySelectorAll('.screen')) s.hidden = s.id !== 'screen-district';
  $('station-name').textContent = (state.session.district && state.session.district.name) || 'loa';
  refreshDistrict();
  state.districtTimer = setInterval(refreshDistrict, DISTRICT_INTERVAL_MS);
  renderCsvLink();
}

export function stopDistrict() {
  clearInterval(state.districtTimer);
  state.districtTimer = null;
}

// Today in the district's time zone (its status names it), not the browser's UTC day: before
// 07:00 in Vietnam, UTC is still on yesterday.
function districtToday(timezone) {
  try {
    return new Intl.DateTimeFormat('en-CA', {timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit'}).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

// The report's period until someone picks one: this half-year (the six-monthly report) to today.
function setDefaultPeriod(timezone) {
  if ($('district-from').value) return;
  const today = districtToday(timezone);
  $('district-from').value = `${today.slice(0, 4)}-${today.slice(5, 7) <= '06' ? '01' : '07'}-01`;
  $('district-to').value = today;
}

export async function refreshDistrict() {
  const r = await api('GET', '/api/district/status');
  if (r.ok) {
    setDefaultPeriod(r.data.timezone);
    state.district = r.data;
    showMsg('district-msg', '');
  } else if (r.status !== 401) {
    showMsg('district-msg', r.error);
  }
  renderDistrict();
}

// "07:30 05/01" in the district's time zone.
function localTime(iso) {
  if (!iso) return '';
  const zone = (state.district && state.district.timezone) || undefined;
  try {
    const parts = new Intl.DateTimeFormat('en-GB', {timeZone: zone, hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', hourCycle: 'h23'}).formatToParts(new Date(iso));
    const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
    return `${p.hour}:${p.minute} ${p.day}/${p.month}`;
  } catch (e) {
    return iso;
  }
}

function stateText(c) {
  if (c.state === 'up') return t('district_up');
  if (c.state === 'silent') return t('district_silent', {since: localTime(c.since)});
  if (c.state === 'gone') return t('district_gone', {since: localTime(c.since)});
  return t('district_unknown');
}

export function renderDistrict() {
  if (!isDistrict()) return;
  const d = state.district;
  const communes = (d && d.communes) || [];
  const up = communes.filter((c) => c.state === 'up').length;
  $('district-summary').textContent = d ? t('district_summary', {up, n: communes.length, time: localTime(d.time)}) : '';
  const body = $('district-communes-body');
  if (!communes.length) {
    body.replaceChildren(el('tr', {}, el('td', {colSpan: 5, class: 'muted', text: t('district_none')})));
  } else {
    body.replaceChildren(...communes.map((c) => el('tr', {dataset: {testid: 'commune-row', commune: c.id, state: c.state}}, [
      el('td', {dataset: {label: t('district_col_commune')}}, el('div', {}, [el('strong', {text: c.name}),
        c.listed ? null : el('div', {class: 'muted small', text: t('district_unlisted')})])),
      el('td', {dataset: {label: t('district_col_state')}}, el('div', {}, [el('span', {class: `state-chip state-${c.state}`, text: stateText(c)}),
        c.last_error ? el('div', {class: 'muted small', text: c.last_error}) : null])),
      el('td', {dataset: {label: t('district_col_on_air')}, text: c.on_air.map((a) => a.title || a.programme).join(', ') || '–'}),
      el('td', {dataset: {label: t('district_col_next')}, text: c.next ? `${localTime(c.next.at)} ${c.next.title || c.next.programme}` : '–'}),
      el('td', {dataset: {label: t('district_col_missed')}, class: c.missed_today > 0 ? 'missed' : '', text: String(c.missed_today)}),
    ])));
  }
  renderReach(communes);
  renderReport();
  renderCsvLink();
}

// Per campaign: how many listed communes hold the version the district pushed last.
function renderReach(communes) {
  const listed = communes.filter((c) => c.listed);
  const campaigns = new Map();
  for (const c of communes) {
    for (const k of c.campaigns || []) {
      const entry = campaigns.get(k.campaign) || {pushed: null, held: 0};
      if (k.pushed_version != null) entry.pushed = Math.max(entry.pushed || 0, k.pushed_version);
      campaigns.set(k.campaign, entry);
    }
  }
  for (const [id, entry] of campaigns) {
    entry.held = listed.filter((c) => (c.campaigns || []).some((k) => k.campaign === id && k.held_version != null && (entry.pushed == null || k.held_version >= entry.pushed))).length;
  }
  const body = $('district-reach-body');
  if (!campaigns.size) {
    body.replaceChildren(el('tr', {}, el('td', {colSpan: 3, class: 'muted', text: t('district_no_campaigns')})));
    return;
  }
  body.replaceChildren(...[...campaigns.entries()].sort().map(([id, e]) => el('tr', {dataset: {testid: 'reach-row', campaign: id}}, [
    el('td', {dataset: {label: t('district_col_campaign')}, text: id}),
    el('td', {dataset: {label: t('district_col_version')}, text: e.pushed == null ? '–' : String(e.pushed)}),
    el('td', {dataset: {label: t('district_col_held')}, text: t('district_held', {n: e.held, of: listed.length})}),
  ])));
}

function reportQuery() {
  const from = $('district-from').value;
  const to = $('district-to').value || from;
  return `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
}

function renderCsvLink() {
  $('district-csv').href = `/api/district/report?${reportQuery()}&format=csv&lang=${state.lang}`;
}

export async function showReport(event) {
  if (event) event.preventDefault();
  renderCsvLink();
  const r = await api('GET', `/api/district/report?${reportQuery()}&format=json`);
  if (r.ok) {
    state.districtReport = r.data;
    showMsg('district-report-msg', '');
  } else {
    state.districtReport = null;
    if (r.status !== 401) showMsg('district-report-msg', r.error);
  }
  renderReport();
}

export function renderReport() {
  const r = state.districtReport;
  const body = $('district-report-body');
  if (!r) {
    $('district-report-total').textContent = '';
    body.replaceChildren();
    return;
  }
  $('district-report-total').textContent = t('district_report_total', {from: r.from, to: r.to, aired: r.total.aired, planned: r.total.planned, missed: r.total.missed});
  const rows = [];
  for (const c of r.campaigns) {
    for (const row of c.communes) {
      rows.push(el('tr', {dataset: {testid: 'report-row', campaign: c.campaign, commune: row.commune}}, [
        el('td', {dataset: {label: t('district_col_campaign')}, text: c.title ? `${c.title} (${c.campaign})` : c.campaign}),
        el('td', {dataset: {label: t('district_col_commune')}, text: row.name}),
        el('td', {dataset: {label: t('district_col_planned')}, text: String(row.planned)}),
        el('td', {dataset: {label: t('district_col_aired')}, text: String(row.aired)}),
        el('td', {dataset: {label: t('district_col_missed_all')}, text: String(row.missed)}),
        el('td', {dataset: {label: t('district_col_interrupted')}, text: String(row.interrupted)}),
        el('td', {dataset: {label: t('district_col_airtime')}, text: formatSeconds(row.airtime_seconds)}),
      ]));
    }
  }
  if (!rows.length) rows.push(el('tr', {}, el('td', {colSpan: 7, class: 'muted', text: t('district_report_empty')})));
  body.replaceChildren(...rows);
}

export function bindDistrict() {
  $('district-refresh').addEventListener('click', refreshDistrict);
  $('district-report-form').addEventListener('submit', showReport);
  $('district-from').addEventListener('change', renderCsvLink);
  $('district-to').addEventListener('change', renderCsvLink);
}

