// Times. The server writes every time with the station's UTC offset, so the wall-clock part of
// the text is already station time, whatever the browser's own time zone is.

import {state} from './state.js';

export function clockOf(iso, withSeconds = true) {
  if (!iso) return '';
  return iso.slice(11, withSeconds ? 19 : 16);
}

export function dateOf(iso) {
  return iso ? iso.slice(0, 10) : '';
}

export function offsetOf(iso) {
  const m = /(Z|[+-]\d\d:\d\d)$/.exec(iso || '');
  return m ? m[1] : 'Z';
}

export function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function formatSeconds(seconds) {
  if (seconds == null || !isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function todayOfStation() {
  return state.status ? dateOf(state.status.now) : new Date().toISOString().slice(0, 10);
}
