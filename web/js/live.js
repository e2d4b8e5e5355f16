// Speaking live ("Nói trực tiếp"): the microphone on air on the operator's zones, after the chime,
// until they press stop (POST and DELETE /api/live), with the microphone's level while they speak.

import {api} from './api.js';
import {$, canControl, el, mayUseZone, showMsg, t, zoneNames} from './dom.js';
import {state} from './state.js';
import {refreshStatus} from './status.js';
import {clockOf} from './time.js';

// While live, the meter is read this often (the engine measures 100 ms windows).
const METER_INTERVAL_MS = 250;
// The meter's scale: this many dB below full scale is an empty bar.
const METER_FLOOR_DB = -60;

export function renderLiveZoneChoices() {
  const box = $('live-zones');
  if (!state.status) return;
  const previous = new Set([...box.querySelectorAll('input:checked')].map((i) => i.value));
  const first = !box.querySelector('input');
  box.replaceChildren(...state.status.zones.filter((z) => mayUseZone(z.id)).map((zone) => el('label', {class: 'choice'}, [
    el('input', {type: 'checkbox', value: zone.id, checked: first || previous.has(zone.id),
      dataset: {testid: `live-zone-${zone.id}`}}),
    el('span', {class: 'choice-text', text: zone.name || zone.id}),
  ])));
}

// The card as the last status or meter reading says: a start button, or a stop button and the
// meter while a live broadcast is on.
export function renderLive() {
  $('live-card').hidden = !canControl();
  const live = state.live;
  const button = $('live-button');
  button.textContent = live ? t('live_stop') : t('live_start');
  button.classList.toggle('btn-danger', Boolean(live));
  button.classList.toggle('btn-primary', !live);
  $('live-zones-set').hidden = Boolean(live);
  $('live-state').hidden = !live;
  if (live) {
    $('live-state').textContent = live.speaking
      ? t('live_speaking', {zones: zoneNames(live.zones), time: clockOf(live.ends) || ''})
      : t('live_waiting', {zones: zoneNames(live.zones)});
  }
  // The bar is the microphone's own level, before loa evens it out: what the speaker can change.
  const speaking = Boolean(live && live.speaking);
  const input = speaking ? live.input_level : null;
  const air = speaking ? live.level : null;
  $('live-meter').hidden = !speaking;
  const peak = input ? input.peak_dbfs : METER_FLOOR_DB;
  const fill = Math.max(0, Math.min(1, (peak - METER_FLOOR_DB) / -METER_FLOOR_DB));
  $('live-meter-bar').style.width = `${Math.round(fill * 100)}%`;
  $('live-meter-bar').classList.toggle('is-hot', peak > -3);
  $('live-meter').dataset.peak = input ? input.peak_dbfs.toFixed(1) : '';
  let text = t('live_measuring');
  if (input) {
    text = t('live_level', {peak: input.peak_dbfs.toFixed(0), air: air ? air.peak_dbfs.toFixed(0) : '–'});
  } else if (air) {
    text = t('live_no_input');
  }
  $('live-meter-text').textContent = text;
}

// The status poll brings the live broadcast too; the meter then follows it closely.
export function liveFromStatus(status) {
  state.live = status.live || null;
  renderLive();
  keepMeterGoing();
}

function keepMeterGoing() {
  if (!state.live || state.liveTimer || !state.session) return;
  state.liveTimer = setTimeout(async () => {
    state.liveTimer = null;
    const r = await api('GET', '/api/live');
    if (r.ok) {
      state.live = r.data.live || null;
      renderLive();
    }
    keepMeterGoing();
  }, METER_INTERVAL_MS);
}

export async function toggleLive() {
  const button = $('live-button');
  button.disabled = true;
  let r;
  if (state.live) {
    r = await api('DELETE', '/api/live');
    if (r.ok) showMsg('live-msg', t('live_ended'), 'ok');
  } else {
    const zones = [...$('live-zones').querySelectorAll('input:checked')].map((i) => i.value);
    if (!zones.length) {
      button.disabled = false;
      return showMsg('live-msg', t('play_need_zone'));
    }
    r = await api('POST', '/api/live', {json: {zones}});
    if (r.ok) showMsg('live-msg', t('live_started', {zones: zoneNames(r.data.zones || zones)}), 'ok');
  }
  button.disabled = false;
  if (!r.ok && r.status !== 401) showMsg('live-msg', r.error);
  await refreshStatus();
  return undefined;
}
