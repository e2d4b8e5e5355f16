// The HTTP API of loa run (docs/api.md).

import {t} from './dom.js';
import {say} from './messages.js';
import {sessionEnded} from './session.js';
import {state} from './state.js';

// Answers {ok, status, data, error, headers}. Never throws: a network failure is status 0.
export async function api(method, path, {json, body, headers = {}, text = false} = {}) {
  const init = {method, headers: {...headers}, credentials: 'same-origin'};
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers['Content-Type'] = 'application/json';
  } else if (body !== undefined) {
    init.body = body;
  }
  if (method !== 'GET' && state.session && state.session.csrf) {
    init.headers['X-CSRF-Token'] = state.session.csrf;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    return {ok: false, status: 0, data: null, error: t('err_network'), headers: new Headers()};
  }
  const raw = await response.text().catch(() => '');
  let data = raw;
  const type = response.headers.get('Content-Type') || '';
  if (!text || !response.ok) {
    if (type.includes('json') || /^\s*[[{]/.test(raw)) {
      try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = raw; }
    }
  }
  let error = '';
  if (!response.ok) {
    error = (data && typeof data === 'object' && say(data.code, data.params, data.error)) || errorForStatus(response.status);
  }
  const result = {ok: response.ok, status: response.status, data, error, headers: response.headers};
  if (response.status === 401 && !path.startsWith('/api/login') && !path.startsWith('/api/session')) {
    sessionEnded();
  }
  return result;
}

export function errorForStatus(status) {
  if (status === 401) return t('err_session');
  if (status === 403) return t('err_forbidden');
  return t('err_status', {status});
}
