// The status screen: zones, next broadcasts, equipment; polled every 2 s.

import {api} from './api.js';
import {$, canControl, el, mayUseZone, showMsg, t, zoneNames} from './dom.js';
import {setJournalDate} from './journal.js';
import {liveFromStatus, renderLiveZoneChoices} from './live.js';
import {renderNoticeForm} from './notice.js';
import {renderPlayForm} from './play.js';
import {STATUS_INTERVAL_MS, state} from './state.js';
import {clockOf, dateOf, dayLabel, formatSeconds, lunarLabel, todayOfStation} from './time.js';
import {maybeRefreshTimeline, renderTimeline} from './timeline.js';

export function startPolling() {
  stopPolling();
  refreshStatus();
}

export function stopPolling() {
  clearTimeout(state.statusTimer);
  state.statusTimer = null;
}

export async function refreshStatus() {
  clearTimeout(state.statusTimer);
  const r = await api('GET', '/api/status');
  if (!state.session) return;  // logged out meanwhile
  if (r.ok) {
    const first = !state.status;
    const reloaded = !first && (state.status.version || {}).id !== (r.data.version || {}).id;
    state.status = r.data;
    showBanner('');
    $('station-name').textContent = r.data.station.name || 'loa';
    document.title = `loa · ${r.data.station.name || ''}`;
    renderStatus();
    liveFromStatus(r.data);
    if (first || reloaded) {  // the zones may have changed
      renderLiveZoneChoices();
      renderPlayForm();
      renderNoticeForm();
    }
    if (first && !state.journalDate) setJournalDate(todayOfStation());
    maybeRefreshTimeline();
    renderTimeline();
  } else if (r.status === 0) {
    showBanner(t('connection_lost'));
  } else if (r.status !== 401) {
    showMsg('status-msg', r.error);
  }
  if (state.session) state.statusTimer = setTimeout(refreshStatus, STATUS_INTERVAL_MS);
}

export function showBanner(text) {
  $('banner').textContent = text;
  $('banner').hidden = !text;
}

export function renderStatus() {
  const st = state.status;
  if (!st) return;
  $('zones').replaceChildren(...st.zones.map(renderZoneCard));
  $('stop-all').hidden = !canControl();
  $('stop-all').disabled = !st.zones.some((z) => z.on_air && mayUseZone(z.id));
  renderNext(st.next || []);
  renderEquipment(st);
}

export function renderZoneCard(zone) {
  const air = zone.on_air;
  const card = el('div', {class: `zone-card ${air ? 'zone-on-air' : 'zone-silent'}`, dataset: {testid: `zone-${zone.id}`, zone: zone.id}});
  const head = el('div', {class: 'zone-head'}, [
    el('span', {class: 'zone-name', text: zone.name || zone.id}),
    el('span', {class: `pill ${air ? 'pill-on-air' : 'pill-silent'}`, text: air ? t('on_air') : t('silent')}),
  ]);
  card.append(head);
  if (air) {
    card.append(el('div', {class: 'zone-title', text: air.title || air.programme}));
    const meta = [air.programme, clockOf(air.scheduled), priorityLabel(air.priority)].filter(Boolean).join(' · ');
    card.append(el('div', {class: 'muted small', text: meta}));
    if (air.item) card.append(renderOnAirItem(air.item, air.position));
  }
  if (air && mayUseZone(zone.id)) {
    card.append(el('button', {
      type: 'button', class: 'btn btn-danger btn-block zone-stop', text: `${t('stop')} · ${zone.name || zone.id}`,
      dataset: {testid: `stop-${zone.id}`},
      on: {click: () => stopZones([zone.id])},
    }));
  }
  return card;
}

export function renderOnAirItem(item, position) {
  const length = (Date.parse(item.end) - Date.parse(item.start)) / 1000;
  const name = item.kind === 'clip'
    ? [el('span', {class: 'muted', text: `${t('item_clip')}: `}), item.path]
    : [t(`item_${item.kind}`)];
  const box = el('div', {class: 'on-air-item'}, [el('div', {class: 'item-name'}, name)]);
  if (isFinite(length) && length > 0) {
    const pos = Math.min(Math.max(position || 0, 0), length);
    box.append(el('progress', {max: length, value: pos}));
    box.append(el('div', {class: 'muted small', text: `${formatSeconds(pos)} / ${formatSeconds(length)}`}));
  }
  return box;
}

export function priorityLabel(priority) {
  if (typeof priority === 'string') return t(`prio_${priority}`);
  if (priority == null) return '';
  // 0..100: the classes of the programme format (low < 30 <= normal < 60 <= high < 90 <= emergency).
  if (priority >= 90) return t('prio_emergency');
  if (priority >= 60) return t('prio_high');
  if (priority >= 30) return t('prio_normal');
  return t('prio_low');
}

export function renderNext(next) {
  const list = $('next-list');
  if (!next.length) {
    list.replaceChildren(el('li', {class: 'muted', text: t('next_empty')}));
    return;
  }
  const today = todayOfStation();
  list.replaceChildren(...next.map((b) => el('li', {class: 'next-item', dataset: {testid: `next-${b.programme}`}}, [
    // Not today: the day goes before the time, so 06:00 tomorrow is not read as 06:00 today.
    el('span', {class: 'next-time'}, [
      // ...and its lunar date beside it.
      dateOf(b.scheduled) !== today ? el('span', {class: 'next-day'}, [
        el('span', {dataset: {testid: 'next-day'}, text: dayLabel(dateOf(b.scheduled))}),
        b.lunar ? el('span', {class: 'lunar-date', dataset: {testid: 'next-lunar'}, text: ` · ${lunarLabel(dateOf(b.scheduled), b.lunar)}`}) : null]) : null,
      clockOf(b.scheduled, false)]),
    el('span', {class: 'next-title'}, [b.title || b.programme, el('span', {class: 'muted small', text: ` · ${zoneNames(b.zones)}`})]),
    el('span', {class: `pill prio-${priorityClassOf(b.priority)}`, text: priorityLabel(b.priority)}),
  ])));
}

export function priorityClassOf(priority) {
  if (priority >= 90) return 'emergency';
  if (priority >= 60) return 'high';
  if (priority >= 30) return 'normal';
  return 'low';
}

export function renderEquipment(st) {
  const out = st.output || {};
  const items = [
    el('dt', {text: t('output')}),
    el('dd', {class: `output-${out.state}`, dataset: {testid: 'output-state'}},
      [`${t(`output_${out.state}`)} `, el('span', {class: 'muted small', text: out.spec ? `(${out.spec})` : ''}),
        out.error ? el('div', {class: 'msg-error small', text: out.error}) : null]),
    el('dt', {text: t('amplifiers')}),
  ];
  const amps = st.amplifiers || [];
  if (!amps.length) items.push(el('dd', {class: 'muted', text: t('amplifiers_none')}));
  for (const amp of amps) {
    items.push(el('dd', {dataset: {testid: `amp-${amp.id}`}}, [
      el('span', {class: `pill ${amp.on ? 'pill-on-air' : 'pill-silent'}`, text: amp.on ? t('amp_on') : t('amp_off')}),
      ` ${amp.id} `, el('span', {class: 'muted small', text: `(${zoneNames(amp.zones)})`}),
    ]));
  }
  if (st.version && st.version.loaded_at) {
    items.push(el('dt', {text: t('loaded_at')}));
    items.push(el('dd', {text: `${dateOf(st.version.loaded_at)} ${clockOf(st.version.loaded_at)}`}));
  }
  $('equipment').replaceChildren(...items);
}

export async function stopZones(zones) {
  const r = await api('POST', '/api/stop', {json: zones ? {zones} : {}});
  if (r.ok) {
    const stopped = (r.data && r.data.stopped) || [];
    showMsg('status-msg', stopped.length ? t('stopped', {zones: zoneNames(stopped)}) : t('stopped_none'), 'ok');
    state.timeline.loadedAt = 0;
    refreshStatus();
  } else if (r.status !== 401) {
    showMsg('status-msg', r.error);
  }
}
