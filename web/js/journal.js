// The journal screen.

import {api} from './api.js';
import {$, el, showMsg, t, zoneNames} from './dom.js';
import {say} from './messages.js';
import {state} from './state.js';
import {addDays, clockOf, todayOfStation} from './time.js';

export function setJournalDate(date) {
  state.journalDate = date;
  $('journal-date').value = date;
}

export async function refreshJournal() {
  const date = $('journal-date').value || todayOfStation();
  state.journalDate = date;
  const r = await api('GET', `/api/log?from=${date}&to=${addDays(date, 1)}`);
  if (r.ok) {
    state.journal = Array.isArray(r.data) ? r.data : [];
    showMsg('journal-msg', '');
  } else {
    state.journal = [];
    if (r.status !== 401) showMsg('journal-msg', r.error);
  }
  renderJournal();
}

export function renderJournal() {
  const body = $('journal-body');
  const rows = state.journal || [];
  if (!rows.length) {
    body.replaceChildren(el('tr', {}, el('td', {colSpan: 5, class: 'muted', text: t('journal_empty')})));
    return;
  }
  body.replaceChildren(...rows.map((b) => el('tr', {class: `log-row st-${b.status}`, dataset: {testid: 'log-row', programme: b.programme, status: b.status}}, [
    el('td', {class: 'nowrap', dataset: {label: t('col_time')}}, el('div', {}, [el('strong', {text: clockOf(b.scheduled)}),
      b.start ? el('div', {class: 'muted small', text: `${clockOf(b.start)}–${b.end ? clockOf(b.end) : '…'}`}) : null])),
    el('td', {dataset: {label: t('col_programme')}}, el('div', {}, [el('div', {text: b.title || b.programme}),
      el('div', {class: 'muted small', text: b.programme})])),
    el('td', {text: zoneNames(b.zones), dataset: {label: t('col_zones')}}),
    el('td', {dataset: {label: t('col_status')}}, el('span', {class: `status-chip status-${b.status}`, text: t(`st_${b.status}`)})),
    el('td', {class: b.reason ? 'reason' : 'reason empty-on-phone', text: say(b.reason_code, b.reason_params, b.reason), dataset: {label: t('col_reason')}}),
  ])));
}
