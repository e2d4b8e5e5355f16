// The quick-notice screen ("Thông báo nhanh"): text read by the station's voice, heard first
// (POST /api/notice/preview), then aired now or at a time (POST /api/notice).

import {api} from './api.js';
import {openDialog} from './dialogs.js';
import {$, el, mayUseZone, showMsg, t, zoneNames} from './dom.js';
import {say} from './messages.js';
import {sessionEnded} from './session.js';
import {state} from './state.js';
import {refreshStatus} from './status.js';
import {clockOf, dateOf} from './time.js';

let previewUrl = '';

function noticeText() {
  return $('notice-text').value;
}

function noticeZones() {
  return [...$('notice-zones').querySelectorAll('input:checked')].map((i) => i.value);
}

function noticePriority() {
  const checked = document.querySelector('input[name=notice-priority]:checked');
  return checked ? checked.value : 'normal';
}

function isAdmin() {
  return !!state.session && state.session.role === 'admin';
}

export function renderNoticeForm() {
  renderNoticeZones();
  renderNoticeCount();
  // An emergency cuts in on every broadcast: admins only, as the server rules.
  const emergency = $('notice-priority-emergency');
  emergency.disabled = !isAdmin();
  if (emergency.disabled && emergency.checked) $('notice-priority-normal').checked = true;
  const p = noticePriority();
  $('notice-priority-hint').textContent = isAdmin() ? t(`hint_${p}`) : `${t(`hint_${p}`)} ${t('notice_emergency_admin')}`;
  $('notice-form').classList.toggle('is-emergency', p === 'emergency');
}

function renderNoticeZones() {
  const box = $('notice-zones');
  if (!state.status) return;
  const previous = new Set(noticeZones());
  const first = !box.querySelector('input');
  box.replaceChildren(...state.status.zones.filter((zone) => mayUseZone(zone.id)).map((zone) => el('label', {class: 'choice'}, [
    el('input', {type: 'checkbox', value: zone.id, checked: first || previous.has(zone.id),
      dataset: {testid: `notice-zone-${zone.id}`}}),
    el('span', {class: 'choice-text', text: zone.name || zone.id}),
  ])));
}

export function renderNoticeCount() {
  $('notice-count').textContent = t('notice_count', {n: [...noticeText()].length});
}

// The preview is audio, not JSON: fetched here and handed to the <audio> element as a blob.
export async function previewNotice() {
  const text = noticeText();
  if (!text.trim()) return showMsg('notice-msg', t('notice_need_text'));
  showMsg('notice-msg', t('notice_speaking'), 'info');
  $('notice-preview').disabled = true;
  let response;
  try {
    response = await fetch('/api/notice/preview', {
      method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-CSRF-Token': (state.session && state.session.csrf) || ''},
      body: JSON.stringify({text}),
    });
  } catch (e) {
    response = null;
  }
  $('notice-preview').disabled = false;
  if (!response) return showMsg('notice-msg', t('err_network'));
  if (response.status === 401) return sessionEnded();
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    return showMsg('notice-msg', say(data.code, data.params, data.error) || t('err_status', {status: response.status}));
  }
  const blob = await response.blob();
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = URL.createObjectURL(blob);
  const audio = $('notice-audio');
  audio.src = previewUrl;
  showMsg('notice-msg', t('notice_ready'), 'info');
  audio.play().catch(() => { /* the operator presses play */ });
  return undefined;
}

async function confirmEmergency(zones) {
  if (noticePriority() !== 'emergency') return true;
  const text = noticeText().trim();
  $('emergency-text').textContent = t('emergency_text', {zones: zoneNames(zones),
    clips: text.length > 60 ? `${text.slice(0, 60)}…` : text});
  return openDialog($('emergency-dialog'), 'confirm-emergency', 'cancel-emergency');
}

// Airs the notice now (at === undefined) or saves it to air at `at`.
async function sendNotice(at) {
  const text = noticeText();
  const zones = noticeZones();
  if (!text.trim()) return showMsg('notice-msg', t('notice_need_text'));
  if (!zones.length) return showMsg('notice-msg', t('play_need_zone'));
  if (at === '') return showMsg('notice-msg', t('notice_need_at'));
  if (!(await confirmEmergency(zones))) return undefined;
  const json = {text, zones, priority: noticePriority()};
  if (at) json.at = at;
  const buttons = [$('notice-now'), $('notice-schedule')];
  for (const b of buttons) b.disabled = true;
  const r = await api('POST', '/api/notice', {json});
  for (const b of buttons) b.disabled = false;
  if (!r.ok) {
    if (r.status !== 401) showMsg('notice-msg', r.error);
    return undefined;
  }
  const d = r.data || {};
  const priority = t(`prio_${d.priority || json.priority}`);
  if (at) {
    showMsg('notice-msg', t('notice_scheduled', {time: clockOf(d.at, false), date: dateOf(d.at),
      zones: zoneNames(d.zones || zones), priority, id: d.programme}), 'ok');
  } else {
    showMsg('notice-msg', t('play_queued', {time: clockOf(d.scheduled) || '', zones: zoneNames(d.zones || zones), priority}), 'ok');
    refreshStatus();
  }
  state.timeline.loadedAt = 0;
  return undefined;
}

export function airNoticeNow() {
  return sendNotice(undefined);
}

export function scheduleNotice() {
  return sendNotice($('notice-at').value);
}

export function bindNotice() {
  $('notice-text').addEventListener('input', renderNoticeCount);
  $('notice-preview').addEventListener('click', previewNotice);
  $('notice-now').addEventListener('click', airNoticeNow);
  $('notice-schedule').addEventListener('click', scheduleNotice);
  $('notice-form').addEventListener('submit', (e) => e.preventDefault());
  for (const radio of document.querySelectorAll('input[name=notice-priority]')) radio.addEventListener('change', renderNoticeForm);
}
