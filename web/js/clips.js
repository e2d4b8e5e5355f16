// The clip library.

import {api} from './api.js';
import {confirmDialog} from './dialogs.js';
import {$, canControl, el, showMsg, t} from './dom.js';
import {renderPlayClipChoices} from './play.js';
import {state} from './state.js';
import {formatSeconds} from './time.js';

export async function refreshClips() {
  const r = await api('GET', '/api/clips');
  if (r.ok) {
    state.clips = (Array.isArray(r.data) ? r.data : []).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    showMsg('clips-msg', '');
    renderClips();
    renderPlayClipChoices();
  } else if (r.status !== 401) {
    showMsg('clips-msg', r.error);
  }
}

export function renderClips() {
  const body = $('clips-body');
  if (!state.clips.length) {
    body.replaceChildren(el('tr', {}, el('td', {colSpan: 4, class: 'muted', text: t('clips_empty')})));
    return;
  }
  body.replaceChildren(...state.clips.map((clip) => el('tr', {dataset: {testid: `clip-row-${clip.name}`, clip: clip.name}}, [
    el('td', {class: 'clip-name', text: clip.name}),
    el('td', {text: clip.duration == null ? t('cannot_play') : formatSeconds(clip.duration), dataset: {label: t('col_duration')}}),
    el('td', {class: clip.problem ? 'msg-error' : 'muted empty-on-phone', text: clip.problem || '', dataset: {label: t('col_problem')}}),
    el('td', {class: 'clip-actions'}, [el('button', {type: 'button', class: 'btn btn-small', text: `▶ ${t('listen')}`,
      disabled: clip.duration == null, dataset: {testid: `clip-play-${clip.name}`},
      on: {click: () => previewClip(clip.name)}}),
    canControl() ? el('button', {type: 'button', class: 'btn btn-small btn-danger', text: t('clip_delete'),
      dataset: {testid: `clip-delete-${clip.name}`}, on: {click: () => deleteClip(clip.name)}}) : null]),
  ])));
}

export function clipUrl(name) {
  return `/api/clips/${encodeURIComponent(name)}`;
}

export function previewClip(name) {
  const audio = $('clip-audio');
  audio.src = clipUrl(name);
  audio.dataset.clip = name;
  $('clip-now-playing').textContent = t('player_now', {name});
  audio.play().catch(() => { /* the browser may refuse to start sound; the controls remain */ });
}

export function clipFileChosen() {
  const file = $('clip-file').files[0];
  if (file) $('clip-name').value = file.name;
  $('clip-replace').hidden = true;
  state.pendingUpload = null;
  showMsg('upload-msg', '');
}

export async function uploadClip(event, replace = false) {
  if (event) event.preventDefault();
  const file = replace && state.pendingUpload ? state.pendingUpload.file : $('clip-file').files[0];
  const name = replace && state.pendingUpload ? state.pendingUpload.name : $('clip-name').value.trim();
  if (!file) return showMsg('upload-msg', t('upload_need_file'));
  if (!name) return showMsg('upload-msg', t('upload_need_name'));
  $('clip-replace').hidden = true;
  $('clip-upload').disabled = true;
  showMsg('upload-msg', t('upload_busy', {name}), 'info');
  const path = `/api/clips?name=${encodeURIComponent(name)}${replace ? '&replace=1' : ''}`;
  const r = await api('POST', path, {body: file, headers: {'Content-Type': file.type || 'application/octet-stream'}});
  $('clip-upload').disabled = false;
  if (r.ok) {
    const d = r.data || {};
    state.pendingUpload = null;
    showMsg('upload-msg', t('upload_done', {name: d.name || name, duration: formatSeconds(d.duration)}), 'ok');
    $('upload-form').reset();
    refreshClips();
  } else if (r.status === 409) {
    state.pendingUpload = {file, name};
    $('clip-replace').hidden = false;
    showMsg('upload-msg', t('upload_exists', {error: r.error}));
  } else if (r.status === 0) {
    showMsg('upload-msg', t('upload_cut'));
  } else if (r.status !== 401) {
    showMsg('upload-msg', uploadErrorText(r));
  }
  return undefined;
}

// A 422 may carry details in `errors`; show them after the message.
export function uploadErrorText(r) {
  const errors = r.data && Array.isArray(r.data.errors) ? r.data.errors : [];
  const details = errors.map((e) => (typeof e === 'string' ? e : e.message)).filter(Boolean);
  return [r.error, ...details].join(' — ');
}

// The server keeps a clip that a programme or playlist still names (409 says which).
async function deleteClip(name) {
  if (!(await confirmDialog(t('clip_delete_title'), t('clip_delete_text', {name}), t('clip_delete')))) return;
  const r = await api('DELETE', clipUrl(name));
  if (r.ok) {
    await refreshClips();
    showMsg('clips-msg', t('clip_deleted', {name}), 'ok');
  } else if (r.status !== 401) {
    showMsg('clips-msg', r.error);
  }
}
