// Times. The server writes every time with the station's UTC offset, so the wall-clock part of
// the text is already station time, whatever the browser's own time zone is.

import {t} from './dom.js';
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

// A day other than today, as operators say it: "ngày mai" (tomorrow), else "T2 07/12".
export function dayLabel(date) {
  const today = todayOfStation();
  if (date === today) return t('day_today');
  if (date === addDays(today, 1)) return t('day_tomorrow');
  if (date === addDays(today, -1)) return t('day_yesterday');
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return `${t(`weekday_${weekday}`)} ${date.slice(8, 10)}/${date.slice(5, 7)}`;
}

// The lunar date ("24/10") of a station date: /api/status's for today, else that of a broadcast
// of the day (/api/plan and the next broadcasts carry theirs). '' when none is known.
export function lunarOf(date) {
  const st = state.status;
  if (st && st.lunar && dateOf(st.now) === date) return st.lunar;
  const known = [...state.timeline.plan, ...((st && st.next) || [])].find((b) => b.lunar && dateOf(b.scheduled) === date);
  return known ? known.lunar : '';
}

// "âm lịch 24/10" for a date, or ''.
export function lunarLabel(date, lunar = lunarOf(date)) {
  return lunar ? t('lunar_short', {d: lunar}) : '';
}
