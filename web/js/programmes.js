// Programmes: the list, and the editor with its line-number gutter.

import {api} from './api.js';
import {confirmDialog} from './dialogs.js';
import {$, canControl, el, showMsg, t} from './dom.js';
import {say} from './messages.js';
import {renderOnDemand} from './play.js';
import {state} from './state.js';
import {addDays, clockOf, dateOf} from './time.js';

export const NAME_RE = /^[A-Za-z0-9_-]+$/;

export async function refreshProgrammes() {
  const r = await api('GET', '/api/programmes');
  if (r.ok) {
    state.programmes = Array.isArray(r.data) ? r.data : [];
    showMsg('programmes-msg', '');
    renderProgrammeList();
    renderOnDemand();
  } else if (r.status !== 401) {
    showMsg('programmes-msg', r.error);
  }
}

export function renderProgrammeList() {
  const list = $('programme-list');
  if (!state.programmes.length) {
    list.replaceChildren(el('li', {class: 'muted', text: t('programmes_empty')}));
    return;
  }
  list.replaceChildren(...state.programmes.map((file) => el('li', {}, el('button', {
    type: 'button', class: `programme-file${file.name === state.editor.name ? ' active' : ''}`,
    dataset: {testid: `programme-${file.name}`, name: file.name},
    on: {click: () => openProgramme(file.name)},
  }, [
    el('span', {class: 'programme-file-name', text: file.name}),
    ...(file.programmes || []).map((p) => el('span', {class: 'programme-sub muted small', text: p.title || p.id})),
  ]))));
}

export function isEditorDirty() {
  return !!state.editor.name && $('editor').value !== state.editor.original;
}

export async function confirmLeaveEditor() {
  if (!isEditorDirty()) return true;
  return confirmDialog(t('discard_title'), t('discard_text', {name: state.editor.name}), t('discard_ok'));
}

export async function openProgramme(name) {
  if (name === state.editor.name && isEditorDirty()) return;  // already open, keep the edits
  if (!(await confirmLeaveEditor())) return;
  const r = await api('GET', `/api/programmes/${encodeURIComponent(name)}`, {text: true});
  if (!r.ok) {
    if (r.status !== 401) showMsg('programmes-msg', r.error);
    return;
  }
  loadEditor(name, typeof r.data === 'string' ? r.data : '', false);
}

export function loadEditor(name, text, isNew) {
  Object.assign(state.editor, {name, original: isNew ? '' : text, isNew, problems: []});
  const editor = $('editor');
  editor.value = text;
  editor.scrollTop = 0;
  $('editor-card').hidden = false;
  let note = '';
  if (isNew) note = t('programme_new_hint');
  else if (!canControl()) note = t('editor_readonly');
  else if (!editorEditable()) note = t('editor_not_editable');
  showMsg('editor-msg', note, 'info');
  updateEditorAccess();
  renderEditorTitle();
  renderGutter();
  renderEditorProblems();
  renderProgrammeList();
  if (window.matchMedia('(max-width: 800px)').matches) $('editor-card').scrollIntoView({block: 'start'});
}

// GET /api/programmes says `editable: false` for a file outside the folder loa saves into.
export function editorEditable() {
  const file = state.programmes.find((p) => p.name === state.editor.name);
  return state.editor.isNew || !file || file.editable !== false;
}

export function updateEditorAccess() {
  const writable = canControl() && editorEditable();
  $('editor').readOnly = !writable;
  $('editor-save').hidden = !writable;
  $('editor-revert').hidden = !writable;
  $('editor-delete').hidden = !writable || state.editor.isNew;
}

export function resetEditor() {
  Object.assign(state.editor, {name: '', original: '', isNew: false, problems: []});
  $('editor').value = '';
  $('editor-card').hidden = true;
}

export function renderEditorTitle() {
  if (!state.editor.name) return;
  $('editor-title').textContent = `programmes/${state.editor.name}.yaml`;
  $('editor-dirty').hidden = !isEditorDirty() && !state.editor.isNew;
}

export function editorFileMatches(file) {
  if (!file) return true;
  const base = file.split('/').pop();
  return base === `${state.editor.name}.yaml` || base === `${state.editor.name}.yml`;
}

// One number per line; lines with a problem of this file are marked.
// A problem of the editor (a diagnostic of docs/api.md) in the page's language.
function problemText(p) {
  return say(p.code, p.params, p.message);
}

export function renderGutter() {
  const editor = $('editor');
  const count = editor.value.split('\n').length;
  const marks = new Map();
  for (const p of state.editor.problems) {
    if (!editorFileMatches(p.file) || !p.line) continue;
    const prev = marks.get(p.line);
    if (!prev || p.severity === 'error') marks.set(p.line, p);
  }
  const gutter = $('editor-gutter');
  const lines = [];
  for (let i = 1; i <= count; i++) {
    const mark = marks.get(i);
    const cls = mark ? (mark.severity === 'warning' ? 'gutter-line warning-line' : 'gutter-line error-line') : 'gutter-line';
    lines.push(el('div', {class: cls, text: String(i), title: mark ? problemText(mark) : null, dataset: {line: String(i)}}));
  }
  gutter.replaceChildren(...lines);
  gutter.scrollTop = editor.scrollTop;
}

export function renderEditorProblems() {
  const list = $('editor-errors');
  list.replaceChildren(...state.editor.problems.map((p) => {
    const here = editorFileMatches(p.file);
    const text = here
      ? t('editor_line', {line: p.line, column: p.column, message: problemText(p)})
      : t('editor_other_file', {file: p.file, line: p.line, column: p.column, message: problemText(p)});
    const button = el('button', {type: 'button', class: 'problem-link', disabled: !here, dataset: {line: String(p.line || '')},
      on: {click: () => gotoLine(p.line, p.column)}}, [
      el('span', {class: `pill sev-${p.severity}`, text: t(`severity_${p.severity === 'warning' ? 'warning' : 'error'}`)}), ' ', text]);
    return el('li', {class: `problem problem-${p.severity}`, dataset: {testid: 'editor-problem'}}, button);
  }));
  renderGutter();
}

export function gotoLine(line, column) {
  const editor = $('editor');
  const lines = editor.value.split('\n');
  const l = Math.min(Math.max(line || 1, 1), lines.length);
  let pos = 0;
  for (let i = 0; i < l - 1; i++) pos += lines[i].length + 1;
  pos += Math.min(Math.max((column || 1) - 1, 0), lines[l - 1].length);
  editor.focus();
  editor.setSelectionRange(pos, pos);
  const lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 20;
  editor.scrollTop = Math.max(0, (l - 1) * lineHeight - editor.clientHeight / 3);
  $('editor-gutter').scrollTop = editor.scrollTop;
}

export async function saveProgramme() {
  const name = state.editor.name;
  if (!name) return;
  const text = $('editor').value;
  $('editor-save').disabled = true;
  showMsg('editor-msg', t('editor_saving'), 'info');
  const r = await api('PUT', `/api/programmes/${encodeURIComponent(name)}`, {body: text,
    headers: {'Content-Type': 'text/yaml; charset=utf-8'}});
  $('editor-save').disabled = false;
  // Whatever the answer, the text stays in the editor as the operator typed it.
  if (r.ok) {
    const d = r.data || {};
    const warnings = Array.isArray(d.warnings) ? d.warnings : [];
    Object.assign(state.editor, {original: text, isNew: false,
      problems: warnings.map((w) => ({...w, severity: w.severity || 'warning'}))});
    const file = d.file || `programmes/${name}.yaml`;
    showMsg('editor-msg', warnings.length ? t('editor_saved_warnings', {file, n: warnings.length}) : t('editor_saved', {file}), 'ok');
    state.timeline.loadedAt = 0;
    refreshProgrammes();
  } else if (r.status === 422 && r.data && Array.isArray(r.data.errors)) {
    const warnings = Array.isArray(r.data.warnings) ? r.data.warnings : [];
    state.editor.problems = [...r.data.errors, ...warnings.map((w) => ({...w, severity: w.severity || 'warning'}))];
    showMsg('editor-msg', r.error);
  } else if (r.status !== 401) {
    showMsg('editor-msg', r.error);
  } else {
    showMsg('editor-msg', t('err_session'));
  }
  renderEditorTitle();
  renderEditorProblems();
}

// Same rights as a save (the server says which programmes stand in the way); the editor closes
// once the file is gone.
export async function deleteProgramme() {
  const name = state.editor.name;
  if (!name || state.editor.isNew) return;
  const file = state.programmes.find((p) => p.name === name);
  const programmes = ((file && file.programmes) || []).map((p) => p.title || p.id).join(', ');
  const shown = (file && file.file) || `programmes/${name}.yaml`;
  if (!(await confirmDialog(t('programme_delete_title'), t('programme_delete_text', {file: shown, programmes}),
    t('editor_delete')))) return;
  const r = await api('DELETE', `/api/programmes/${encodeURIComponent(name)}`);
  if (r.ok) {
    resetEditor();
    state.timeline.loadedAt = 0;
    await refreshProgrammes();
    showMsg('programmes-msg', t('programme_deleted', {file: (r.data && r.data.file) || shown}), 'ok');
  } else if (r.status !== 401) {
    if (r.data && Array.isArray(r.data.errors)) state.editor.problems = r.data.errors;
    showMsg('editor-msg', r.error);
    renderEditorProblems();
  }
}

export async function revertProgramme() {
  if (!state.editor.name) return;
  if (state.editor.isNew) {
    if (await confirmLeaveEditor()) resetEditor();
    return;
  }
  if (!(await confirmLeaveEditor())) return;
  state.editor.original = $('editor').value;  // so that openProgramme does not ask again
  const name = state.editor.name;
  state.editor.name = '';
  await openProgramme(name);
}

// A starting point that passes the check when the library has a clip: the next full hour.
export function newProgrammeTemplate(name) {
  const now = state.status ? state.status.now : new Date().toISOString();
  const hour = parseInt(clockOf(now).slice(0, 2), 10) + 1;
  const date = hour < 24 ? dateOf(now) : addDays(dateOf(now), 1);
  const clip = (state.clips.find((c) => c.duration != null) || {}).name;
  return [
    'programmes:',
    `  - id: ${name}`,
    `    title: "${name}"`,
    '    priority: normal',
    '    zones: all',
    '    slots:',
    `      - at: "${String(hour % 24).padStart(2, '0')}:00"`,
    `        dates: [${date}]`,
    `        play: [${clip || ''}]`,
    '',
  ].join('\n');
}

export async function newProgramme() {
  if (!(await confirmLeaveEditor())) return;
  const dialog = $('new-programme-dialog');
  $('new-programme-name').value = '';
  showMsg('new-programme-error', '');
  const ok = await new Promise((resolve) => {
    const form = $('new-programme-form');
    const finish = (value) => {
      form.removeEventListener('submit', onSubmit);
      $('new-programme-cancel').removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      resolve(value);
    };
    const onSubmit = (e) => {
      e.preventDefault();
      const name = $('new-programme-name').value.trim();
      if (!NAME_RE.test(name)) {
        showMsg('new-programme-error', t('programme_bad_name'));
        return;
      }
      finish(name);
    };
    const onCancel = (e) => { if (e) e.preventDefault(); finish(null); };
    form.addEventListener('submit', onSubmit);
    $('new-programme-cancel').addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    $('new-programme-name').focus();
  });
  if (!ok) return;
  if (state.programmes.some((p) => p.name === ok)) {
    state.editor.original = $('editor').value;
    state.editor.name = '';
    await openProgramme(ok);
    showMsg('editor-msg', t('programme_exists', {name: ok}), 'info');
    return;
  }
  loadEditor(ok, newProgrammeTemplate(ok), true);
  $('editor').focus();
}
