// The play-now screen.

import {api} from './api.js';
import {openDialog} from './dialogs.js';
import {$, canControl, el, mayUseZone, showMsg, t, zoneNames} from './dom.js';
import {state} from './state.js';
import {priorityLabel, refreshStatus} from './status.js';
import {clockOf, formatSeconds} from './time.js';

export function renderPlayForm() {
  renderOnDemand();
  renderPlayClipChoices();
  renderPlayZoneChoices();
}

export function renderPlayClipChoices() {
  const box = $('play-clips');
  const playable = state.clips.filter((c) => c.duration != null);
  state.playClipOrder = state.playClipOrder.filter((n) => playable.some((c) => c.name === n));
  if (!playable.length) {
    box.replaceChildren(el('p', {class: 'muted', text: t('play_no_clips')}));
    return;
  }
  box.replaceChildren(...playable.map((clip) => {
    const order = state.playClipOrder.indexOf(clip.name);
    const input = el('input', {type: 'checkbox', value: clip.name, checked: order >= 0,
      dataset: {testid: `play-clip-${clip.name}`},
      on: {change: (e) => togglePlayClip(clip.name, e.target.checked)}});
    return el('label', {class: 'choice'}, [input,
      el('span', {class: 'order', text: order >= 0 ? String(order + 1) : ''}),
      el('span', {class: 'choice-text', text: clip.name}),
      el('span', {class: 'muted small', text: formatSeconds(clip.duration)})]);
  }));
}

export function togglePlayClip(name, checked) {
  state.playClipOrder = state.playClipOrder.filter((n) => n !== name);
  if (checked) state.playClipOrder.push(name);
  renderPlayClipChoices();
}

export function renderPlayZoneChoices() {
  const box = $('play-zones');
  if (!state.status) return;
  const previous = new Set([...box.querySelectorAll('input:checked')].map((i) => i.value));
  const first = !box.querySelector('input');
  box.replaceChildren(...state.status.zones.map((zone) => el('label', {class: 'choice'}, [
    el('input', {type: 'checkbox', value: zone.id, disabled: !mayUseZone(zone.id),
      checked: mayUseZone(zone.id) && (first || previous.has(zone.id)), dataset: {testid: `play-zone-${zone.id}`}}),
    el('span', {class: 'choice-text', text: zone.name || zone.id}),
  ])));
}

export function playPriority() {
  const checked = document.querySelector('input[name=priority]:checked');
  return checked ? checked.value : 'normal';
}

export function renderPriorityHint() {
  const p = playPriority();
  $('priority-hint').textContent = t(`hint_${p}`);
  $('play-form').classList.toggle('is-emergency', p === 'emergency');
}

export async function submitPlayNow(event) {
  event.preventDefault();
  const clips = [...state.playClipOrder];
  const zones = [...$('play-zones').querySelectorAll('input:checked')].map((i) => i.value);
  const priority = playPriority();
  if (!clips.length) return showMsg('play-msg', t('play_need_clip'));
  if (!zones.length) return showMsg('play-msg', t('play_need_zone'));
  if (priority === 'emergency') {
    $('emergency-text').textContent = t('emergency_text', {zones: zoneNames(zones), clips: clips.join(', ')});
    const confirmed = await openDialog($('emergency-dialog'), 'confirm-emergency', 'cancel-emergency');
    if (!confirmed) return undefined;
  }
  $('play-now-submit').disabled = true;
  const r = await api('POST', '/api/play-now', {json: {clips, zones, priority}});
  $('play-now-submit').disabled = false;
  if (r.ok) {
    const d = r.data || {};
    showMsg('play-msg', t('play_queued', {time: clockOf(d.scheduled) || '', zones: zoneNames(d.zones || zones),
      priority: t(`prio_${d.priority || priority}`)}), 'ok');
    state.timeline.loadedAt = 0;
    refreshStatus();
  } else if (r.status !== 401) {
    showMsg('play-msg', r.error);
  }
  return undefined;
}

// Programmes prepared to air on demand (on_demand: true), one button each, for those of their
// zones this account may use; the server airs them on exactly those (POST /api/play-now).
export function onDemandProgrammes() {
  const out = [];
  for (const file of state.programmes) {
    for (const p of file.programmes || []) {
      if (!p.on_demand) continue;
      const zones = (p.zones || []).filter(mayUseZone);
      if (zones.length) out.push({...p, zones});
    }
  }
  return out;
}

export function renderOnDemand() {
  const list = onDemandProgrammes();
  $('on-demand').hidden = !list.length || !canControl();
  $('on-demand-list').replaceChildren(...list.map((p) => {
    const emergency = p.priority === 'emergency';
    return el('button', {
      type: 'button', class: `btn btn-block on-demand-button ${emergency ? 'btn-danger' : 'btn-primary'}`,
      dataset: {testid: `on-demand-${p.id}`, programme: p.id},
      on: {click: () => playOnDemand(p)},
    }, [
      el('span', {class: 'on-demand-name', text: `${t('on_demand_play')}: ${p.title || p.id}`}),
      el('span', {class: 'on-demand-meta small', text: `${priorityLabel(p.priority)} · ${zoneNames(p.zones)}`}),
    ]);
  }));
}

async function playOnDemand(p) {
  if (p.priority === 'emergency') {
    $('emergency-text').textContent = t('emergency_text', {zones: zoneNames(p.zones), clips: p.title || p.id});
    const confirmed = await openDialog($('emergency-dialog'), 'confirm-emergency', 'cancel-emergency');
    if (!confirmed) return;
  }
  const buttons = [...$('on-demand-list').querySelectorAll('button')];
  for (const b of buttons) b.disabled = true;
  const r = await api('POST', '/api/play-now', {json: {programme: p.id}});
  for (const b of buttons) b.disabled = false;
  if (r.ok) {
    const d = r.data || {};
    showMsg('on-demand-msg', `${p.title || p.id}: ${t('play_queued', {time: clockOf(d.scheduled) || '',
      zones: zoneNames(d.zones || p.zones), priority: t(`prio_${d.priority || p.priority}`)})}`, 'ok');
    state.timeline.loadedAt = 0;
    refreshStatus();
  } else if (r.status !== 401) {
    showMsg('on-demand-msg', r.error);
  }
}
