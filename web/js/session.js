// Login, logout and the session.

import {api} from './api.js';
import {refreshClips} from './clips.js';
import {confirmDialog} from './dialogs.js';
import {isDistrict, startDistrict, stopDistrict} from './district.js';
import {$, canControl, showMsg, t} from './dom.js';
import {screenFromHash, showScreen} from './nav.js';
import {isEditorDirty, refreshProgrammes, resetEditor, updateEditorAccess} from './programmes.js';
import {state} from './state.js';
import {startPolling, stopPolling} from './status.js';

export async function loadSession() {
  const r = await api('GET', '/api/session');
  if (r.ok) {
    signedIn(r.data);
  } else if (r.status === 401) {
    showLogin();
  } else {
    showLogin();
    showMsg('login-error', r.error);
  }
}

export function showLogin() {
  state.session = null;
  stopPolling();
  stopDistrict();
  document.body.classList.add('signed-out');
  document.body.classList.remove('signed-in');
  for (const s of document.querySelectorAll('.screen')) s.hidden = s.id !== 'screen-login';
  renderUserBadge();
  $('login-name').focus();
}

// A request answered 401: the session ended (expired, or the server restarted). What the operator
// typed stays in the page; the login form covers it until they are back.
export function sessionEnded() {
  if (!state.session) return;
  showLogin();
  showMsg('login-error', t('err_session'), 'info');
}

export async function submitLogin(event) {
  event.preventDefault();
  const name = $('login-name').value.trim();
  const password = $('login-password').value;
  if (!name || !password) {
    showMsg('login-error', t('login_missing'));
    return;
  }
  $('login-submit').disabled = true;
  const r = await api('POST', '/api/login', {json: {name, password}});
  $('login-submit').disabled = false;
  if (r.ok) {
    $('login-password').value = '';
    showMsg('login-error', '');
    signedIn(r.data);
    return;
  }
  // In the page's language by its code (messages.js); the server's English where it has none.
  let message = r.error;
  if (r.status === 429) {
    const wait = parseInt(r.headers.get('Retry-After') || '0', 10);
    if (wait > 0) {
      message = `${message} ${t('login_wait', {n: wait})}`;
      holdLogin(wait);
    }
  }
  showMsg('login-error', message);
  $('login-password').select();
}

// After a 429, keep the button disabled for Retry-After seconds.
export function holdLogin(seconds) {
  clearTimeout(state.loginRetryTimer);
  $('login-submit').disabled = true;
  state.loginRetryTimer = setTimeout(() => { $('login-submit').disabled = false; }, seconds * 1000);
}

export function signedIn(session) {
  const previous = state.session;
  state.session = session;
  document.body.classList.remove('signed-out');
  document.body.classList.add('signed-in');
  document.body.classList.toggle('can-control', canControl());
  document.body.classList.toggle('viewer', !canControl());
  if (previous === null && state.editor.name && state.editor.userName && state.editor.userName !== session.name) {
    resetEditor();  // somebody else logged in: do not hand them the previous user's draft
  }
  state.editor.userName = session.name;
  renderUserBadge();
  document.body.classList.toggle('office-district', isDistrict());
  if (isDistrict()) {
    startDistrict();  // the district office's page: its one view, read-only
    return;
  }
  applyRole();
  showScreen(screenFromHash());
  startPolling();
  refreshClips();
  refreshProgrammes();
}

export async function logout() {
  if (isEditorDirty() && !(await confirmDialog(t('discard_title'), t('discard_text', {name: state.editor.name}), t('discard_ok')))) {
    return;
  }
  await api('POST', '/api/logout');
  resetEditor();
  state.status = null;
  showLogin();
}

export function renderUserBadge() {
  const s = state.session;
  $('user-badge').textContent = s ? `${s.name} · ${t('role_' + s.role)}` : '';
}

// Operator controls are hidden for viewers (the server refuses them anyway).
export function applyRole() {
  const control = canControl();
  for (const node of document.querySelectorAll('.operator-only')) node.hidden = !control;
  updateEditorAccess();
}
