// loa — the operator's control page.
//
// Plain ES2020, no framework, nothing fetched from outside this server. Everything goes through
// the HTTP API of `loa run` (docs/api.md). The page is organised by screen: login, status (with
// today's timeline), play now, clip library, programmes (the editor) and the journal. All the
// words people read are in STRINGS, one table per language.

'use strict';

// ---------------------------------------------------------------------------------------------
// Words

const STRINGS = {
  vi: {
    lang_switch: 'English',
    logout: 'Đăng xuất',
    nav_status: 'Đang phát',
    nav_play: 'Phát ngay',
    nav_clips: 'Thư viện âm thanh',
    nav_programmes: 'Chương trình',
    nav_journal: 'Nhật ký phát sóng',
    login_title: 'Đăng nhập',
    login_name: 'Tên đăng nhập',
    login_password: 'Mật khẩu',
    login_submit: 'Đăng nhập',
    login_missing: 'Hãy nhập tên đăng nhập và mật khẩu.',
    login_wait: 'Hãy đợi {n} giây rồi thử lại.',
    login_wrong: 'Sai tên đăng nhập hoặc mật khẩu.',
    role_viewer: 'chỉ xem',
    role_operator: 'người vận hành',
    role_admin: 'quản trị',
    zones_title: 'Các cụm loa',
    stop: 'Dừng',
    stop_all: 'Dừng tất cả',
    stopped: 'Đã dừng: {zones}.',
    stopped_none: 'Không có gì đang phát để dừng.',
    on_air: 'Đang phát',
    silent: 'Không phát',
    item_chime: 'Chuông báo',
    item_clip: 'Bản tin',
    item_silence: 'Khoảng lặng',
    item_gap: 'Nghỉ giữa hai lần đọc',
    timeline_title: 'Lịch phát hôm nay',
    timeline_now: 'bây giờ',
    timeline_empty: 'Hôm nay không có chương trình nào.',
    timeline_log_missing: 'Chưa đọc được nhật ký: {error}',
    next_title: 'Sắp phát',
    next_empty: 'Không có chương trình nào sắp phát.',
    equipment_title: 'Thiết bị',
    output: 'Đầu ra âm thanh',
    output_open: 'Đang mở',
    output_closed: 'Nghỉ (không có chương trình sắp phát)',
    output_failing: 'Lỗi',
    amplifiers: 'Bộ khuếch đại',
    amplifiers_none: 'Không có bộ khuếch đại điều khiển được.',
    amp_on: 'Bật',
    amp_off: 'Tắt',
    loaded_at: 'Đã nạp lịch lúc',
    all_zones: 'tất cả cụm loa',
    play_title: 'Phát ngay',
    play_clips: 'Chọn bản tin (theo thứ tự phát)',
    play_zones: 'Cụm loa',
    play_priority: 'Mức ưu tiên',
    prio_low: 'Thấp',
    prio_normal: 'Bình thường',
    prio_high: 'Cao',
    prio_emergency: 'Khẩn cấp',
    hint_normal: 'Chờ chương trình đang phát kết thúc rồi mới phát.',
    hint_high: 'Chờ hết bản tin đang phát rồi chen vào.',
    hint_emergency: 'Cắt ngay mọi thứ đang phát trên các cụm loa đã chọn.',
    play_submit: 'Phát ngay',
    play_need_clip: 'Hãy chọn ít nhất một bản tin.',
    play_need_zone: 'Hãy chọn ít nhất một cụm loa.',
    play_no_clips: 'Thư viện chưa có bản tin nào. Hãy tải lên ở mục “Thư viện âm thanh”.',
    play_queued: 'Đã xếp phát lúc {time} trên {zones} ({priority}).',
    emergency_title: 'Phát khẩn cấp?',
    emergency_text: 'Sẽ cắt ngay chương trình đang phát trên {zones} để phát: {clips}.',
    emergency_confirm: 'Phát khẩn cấp ngay',
    cancel: 'Huỷ',
    ok: 'Đồng ý',
    create: 'Tạo',
    refresh: 'Làm mới',
    upload_title: 'Tải lên bản tin',
    upload_file: 'Tệp âm thanh (WAV, FLAC, Ogg, Opus, MP3, M4A)',
    upload_name: 'Tên trong thư viện',
    upload_submit: 'Tải lên',
    upload_replace: 'Thay thế tệp cũ',
    upload_need_file: 'Hãy chọn một tệp âm thanh.',
    upload_need_name: 'Hãy đặt tên cho bản tin.',
    upload_busy: 'Đang tải lên {name}…',
    upload_done: 'Đã tải lên {name} ({duration}).',
    upload_exists: '{error} Bấm “Thay thế tệp cũ” nếu muốn thay.',
    upload_cut: 'Mất kết nối khi tải lên (tệp có thể quá lớn).',
    clips_title: 'Thư viện âm thanh',
    clips_empty: 'Chưa có bản tin nào.',
    player_idle: 'Chọn “Nghe” để nghe thử một bản tin.',
    player_now: 'Đang nghe: {name}',
    listen: 'Nghe',
    col_name: 'Tên',
    col_duration: 'Độ dài',
    col_problem: 'Vấn đề',
    col_time: 'Giờ',
    col_programme: 'Chương trình',
    col_zones: 'Cụm loa',
    col_status: 'Trạng thái',
    col_reason: 'Lý do',
    cannot_play: 'không phát được',
    programmes_title: 'Chương trình',
    programmes_empty: 'Chưa có tệp chương trình nào.',
    programme_new: '+ Tệp chương trình mới',
    programme_new_title: 'Tệp chương trình mới',
    programme_new_name: 'Tên tệp (chữ không dấu, số, - và _)',
    programme_bad_name: 'Tên chỉ được có chữ không dấu, số, “-” và “_”.',
    programme_exists: 'Đã có tệp “{name}”; đã mở tệp đó.',
    programme_new_hint: 'Tệp mới: sửa rồi bấm “Lưu”.',
    editor_dirty: 'Chưa lưu',
    editor_save: 'Lưu',
    editor_revert: 'Bỏ thay đổi',
    editor_saving: 'Đang kiểm tra và lưu…',
    editor_saved: 'Đã lưu {file}. Lịch phát đã được nạp lại.',
    editor_saved_warnings: 'Đã lưu {file}, có {n} cảnh báo.',
    editor_readonly: 'Bạn chỉ được xem, không được sửa.',
    editor_not_editable: 'Tệp này nằm ngoài thư mục chương trình nên không sửa được ở đây.',
    editor_line: 'Dòng {line}, cột {column}: {message}',
    editor_other_file: '{file}, dòng {line}, cột {column}: {message}',
    severity_error: 'Lỗi',
    severity_warning: 'Cảnh báo',
    discard_title: 'Bỏ các thay đổi chưa lưu?',
    discard_text: 'Tệp “{name}” có thay đổi chưa lưu. Nếu tiếp tục, các thay đổi đó sẽ mất.',
    discard_ok: 'Bỏ thay đổi',
    journal_title: 'Nhật ký phát sóng',
    journal_day: 'Ngày',
    journal_empty: 'Không có gì trong nhật ký ngày này.',
    st_aired: 'Đã phát',
    st_interrupted: 'Bị ngắt',
    st_failed: 'Thất bại',
    st_missed: 'Bị lỡ',
    st_playing: 'Đang phát',
    st_planned: 'Theo lịch',
    st_delayed: 'Phát trễ',
    st_upcoming: 'Sắp tới',
    st_unrecorded: 'Không có trong nhật ký',
    err_network: 'Không kết nối được với máy phát loa. Kiểm tra mạng rồi thử lại.',
    err_status: 'Lỗi {status}.',
    err_session: 'Phiên đăng nhập đã hết. Hãy đăng nhập lại (những gì bạn đang soạn vẫn còn).',
    err_forbidden: 'Tài khoản của bạn không được làm việc này.',
    connection_lost: 'Mất kết nối với máy phát loa; đang thử lại…',
  },
  en: {
    lang_switch: 'Tiếng Việt',
    logout: 'Log out',
    nav_status: 'On air',
    nav_play: 'Play now',
    nav_clips: 'Clip library',
    nav_programmes: 'Programmes',
    nav_journal: 'Broadcast log',
    login_title: 'Log in',
    login_name: 'User name',
    login_password: 'Password',
    login_submit: 'Log in',
    login_missing: 'Enter your user name and password.',
    login_wait: 'Wait {n} seconds, then try again.',
    login_wrong: 'Wrong user name or password.',
    role_viewer: 'viewer',
    role_operator: 'operator',
    role_admin: 'admin',
    zones_title: 'Zones',
    stop: 'Stop',
    stop_all: 'Stop all',
    stopped: 'Stopped: {zones}.',
    stopped_none: 'Nothing was playing.',
    on_air: 'On air',
    silent: 'Silent',
    item_chime: 'Chime',
    item_clip: 'Clip',
    item_silence: 'Silence',
    item_gap: 'Gap between readings',
    timeline_title: "Today's schedule",
    timeline_now: 'now',
    timeline_empty: 'Nothing is scheduled today.',
    timeline_log_missing: 'Could not read the log: {error}',
    next_title: 'Next',
    next_empty: 'Nothing is coming up.',
    equipment_title: 'Equipment',
    output: 'Audio output',
    output_open: 'Open',
    output_closed: 'Idle (no broadcast is near)',
    output_failing: 'Failing',
    amplifiers: 'Amplifiers',
    amplifiers_none: 'No switched amplifiers.',
    amp_on: 'On',
    amp_off: 'Off',
    loaded_at: 'Schedule loaded at',
    all_zones: 'every zone',
    play_title: 'Play now',
    play_clips: 'Choose clips (in the order they play)',
    play_zones: 'Zones',
    play_priority: 'Priority',
    prio_low: 'Low',
    prio_normal: 'Normal',
    prio_high: 'High',
    prio_emergency: 'Emergency',
    hint_normal: 'Waits until what is on air has finished.',
    hint_high: 'Waits for the end of the current clip, then slots in.',
    hint_emergency: 'Cuts whatever is on air on the chosen zones at once.',
    play_submit: 'Play now',
    play_need_clip: 'Choose at least one clip.',
    play_need_zone: 'Choose at least one zone.',
    play_no_clips: 'The library has no clips yet. Upload one in “Clip library”.',
    play_queued: 'Queued at {time} on {zones} ({priority}).',
    emergency_title: 'Play as an emergency?',
    emergency_text: 'This cuts what is on air on {zones} at once to play: {clips}.',
    emergency_confirm: 'Play emergency now',
    cancel: 'Cancel',
    ok: 'OK',
    create: 'Create',
    refresh: 'Refresh',
    upload_title: 'Upload a clip',
    upload_file: 'Audio file (WAV, FLAC, Ogg, Opus, MP3, M4A)',
    upload_name: 'Name in the library',
    upload_submit: 'Upload',
    upload_replace: 'Replace the old file',
    upload_need_file: 'Choose an audio file.',
    upload_need_name: 'Give the clip a name.',
    upload_busy: 'Uploading {name}…',
    upload_done: 'Uploaded {name} ({duration}).',
    upload_exists: '{error} Press “Replace the old file” to replace it.',
    upload_cut: 'The connection was cut during the upload (the file may be too large).',
    clips_title: 'Clip library',
    clips_empty: 'No clips yet.',
    player_idle: 'Press “Listen” to preview a clip.',
    player_now: 'Listening to: {name}',
    listen: 'Listen',
    col_name: 'Name',
    col_duration: 'Length',
    col_problem: 'Problem',
    col_time: 'Time',
    col_programme: 'Programme',
    col_zones: 'Zones',
    col_status: 'Status',
    col_reason: 'Reason',
    cannot_play: 'cannot play',
    programmes_title: 'Programmes',
    programmes_empty: 'No programme files yet.',
    programme_new: '+ New programme file',
    programme_new_title: 'New programme file',
    programme_new_name: 'File name (letters without accents, digits, - and _)',
    programme_bad_name: 'Use only letters without accents, digits, “-” and “_”.',
    programme_exists: 'A file “{name}” exists; it is now open.',
    programme_new_hint: 'New file: edit it, then press “Save”.',
    editor_dirty: 'Not saved',
    editor_save: 'Save',
    editor_revert: 'Discard changes',
    editor_saving: 'Checking and saving…',
    editor_saved: 'Saved {file}. The schedule was reloaded.',
    editor_saved_warnings: 'Saved {file}, with {n} warning(s).',
    editor_readonly: 'You may read this file but not change it.',
    editor_not_editable: 'This file is outside the programmes folder: it cannot be changed here.',
    editor_line: 'Line {line}, column {column}: {message}',
    editor_other_file: '{file}, line {line}, column {column}: {message}',
    severity_error: 'Error',
    severity_warning: 'Warning',
    discard_title: 'Discard unsaved changes?',
    discard_text: 'The file “{name}” has unsaved changes. If you go on, they are lost.',
    discard_ok: 'Discard changes',
    journal_title: 'Broadcast log',
    journal_day: 'Day',
    journal_empty: 'Nothing in the log for this day.',
    st_aired: 'Aired',
    st_interrupted: 'Interrupted',
    st_failed: 'Failed',
    st_missed: 'Missed',
    st_playing: 'Playing',
    st_planned: 'Planned',
    st_delayed: 'Delayed',
    st_upcoming: 'To come',
    st_unrecorded: 'Not in the log',
    err_network: 'Cannot reach the loa station computer. Check the network and try again.',
    err_status: 'Error {status}.',
    err_session: 'Your session has ended. Log in again (what you were typing is kept).',
    err_forbidden: 'Your account may not do this.',
    connection_lost: 'Lost the connection to the station computer; retrying…',
  },
};

// ---------------------------------------------------------------------------------------------
// State

const STATUS_INTERVAL_MS = 2000;
const TIMELINE_INTERVAL_MS = 30000;
const LANG_KEY = 'loa.lang';

const state = {
  lang: 'vi',
  session: null,          // {name, role, zones, csrf}
  screen: 'status',
  status: null,           // last GET /api/status
  statusTimer: null,
  timeline: {date: null, plan: [], log: [], logError: '', loadedAt: 0, signature: ''},
  clips: [],
  programmes: [],
  playClipOrder: [],      // clip names in the order they were ticked
  journalDate: '',
  editor: {name: '', original: '', isNew: false, problems: []},
  pendingUpload: null,    // {file, name} waiting for "replace"
  loginRetryTimer: null,
};

// ---------------------------------------------------------------------------------------------
// Small helpers

const $ = (id) => document.getElementById(id);

function t(key, params = {}) {
  const table = STRINGS[state.lang] || STRINGS.vi;
  const text = table[key] ?? STRINGS.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// el('button', {class: 'btn', text: 'Stop', dataset: {testid: 'x'}, on: {click: f}}, children)
function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  applyProps(node, props);
  for (const child of [].concat(children)) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function svgEl(tag, attrs = {}, children = []) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null) continue;
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, String(v));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function applyProps(node, props) {
  for (const [k, v] of Object.entries(props)) {
    if (v == null) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else if (k in node && typeof v !== 'string') node[k] = v;
    else node.setAttribute(k, v);
  }
}

function showMsg(id, text, kind = 'error') {
  const node = $(id);
  if (!node) return;
  node.textContent = text || '';
  node.hidden = !text;
  node.classList.toggle('msg-error', kind === 'error');
  node.classList.toggle('msg-ok', kind === 'ok');
  node.classList.toggle('msg-info', kind === 'info');
}

function canControl() {
  return !!state.session && (state.session.role === 'operator' || state.session.role === 'admin');
}

function mayUseZone(id) {
  const zones = state.session && state.session.zones;
  return canControl() && (zones == null || zones.includes(id));
}

function zoneName(id) {
  const zone = state.status && state.status.zones.find((z) => z.id === id);
  return zone ? zone.name || zone.id : id;
}

function zoneNames(ids) {
  return (ids || []).map(zoneName).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Times. The server writes every time with the station's UTC offset, so the wall-clock part of
// the text is already station time, whatever the browser's own time zone is.

function clockOf(iso, withSeconds = true) {
  if (!iso) return '';
  return iso.slice(11, withSeconds ? 19 : 16);
}

function dateOf(iso) {
  return iso ? iso.slice(0, 10) : '';
}

function offsetOf(iso) {
  const m = /(Z|[+-]\d\d:\d\d)$/.exec(iso || '');
  return m ? m[1] : 'Z';
}

function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function formatSeconds(seconds) {
  if (seconds == null || !isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function todayOfStation() {
  return state.status ? dateOf(state.status.now) : new Date().toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// The API

// Answers {ok, status, data, error, headers}. Never throws: a network failure is status 0.
async function api(method, path, {json, body, headers = {}, text = false} = {}) {
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
    error = (data && typeof data === 'object' && data.error) || errorForStatus(response.status);
  }
  const result = {ok: response.ok, status: response.status, data, error, headers: response.headers};
  if (response.status === 401 && !path.startsWith('/api/login') && !path.startsWith('/api/session')) {
    sessionEnded();
  }
  return result;
}

function errorForStatus(status) {
  if (status === 401) return t('err_session');
  if (status === 403) return t('err_forbidden');
  return t('err_status', {status});
}

// ---------------------------------------------------------------------------------------------
// Language

function setLanguage(lang) {
  state.lang = STRINGS[lang] ? lang : 'vi';
  try { localStorage.setItem(LANG_KEY, state.lang); } catch (e) { /* private mode */ }
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  $('lang-switch').textContent = t('lang_switch');
  renderAll();
}

function renderAll() {
  renderUserBadge();
  if (!state.session) return;
  renderStatus();
  renderTimeline();
  renderPlayForm();
  renderClips();
  renderProgrammeList();
  renderEditorTitle();
  renderEditorProblems();
  renderJournal();
  renderPriorityHint();
}

// ---------------------------------------------------------------------------------------------
// Login and session

async function loadSession() {
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

function showLogin() {
  state.session = null;
  stopPolling();
  document.body.classList.add('signed-out');
  document.body.classList.remove('signed-in');
  for (const s of document.querySelectorAll('.screen')) s.hidden = s.id !== 'screen-login';
  renderUserBadge();
  $('login-name').focus();
}

// A request answered 401: the session ended (expired, or the server restarted). What the operator
// typed stays in the page; the login form covers it until they are back.
function sessionEnded() {
  if (!state.session) return;
  showLogin();
  showMsg('login-error', t('err_session'), 'info');
}

async function submitLogin(event) {
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
  // The server's words are English; in Vietnamese the usual case is said in Vietnamese first.
  let message = r.error;
  if (r.status === 401 && state.lang !== 'en') message = `${t('login_wrong')} (${r.error})`;
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
function holdLogin(seconds) {
  clearTimeout(state.loginRetryTimer);
  $('login-submit').disabled = true;
  state.loginRetryTimer = setTimeout(() => { $('login-submit').disabled = false; }, seconds * 1000);
}

function signedIn(session) {
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
  applyRole();
  showScreen(screenFromHash());
  startPolling();
  refreshClips();
  refreshProgrammes();
}

async function logout() {
  if (isEditorDirty() && !(await confirmDialog(t('discard_title'), t('discard_text', {name: state.editor.name}), t('discard_ok')))) {
    return;
  }
  await api('POST', '/api/logout');
  resetEditor();
  state.status = null;
  showLogin();
}

function renderUserBadge() {
  const s = state.session;
  $('user-badge').textContent = s ? `${s.name} · ${t('role_' + s.role)}` : '';
}

// Operator controls are hidden for viewers (the server refuses them anyway).
function applyRole() {
  const control = canControl();
  for (const node of document.querySelectorAll('.operator-only')) node.hidden = !control;
  updateEditorAccess();
}

// ---------------------------------------------------------------------------------------------
// Navigation

const SCREENS = ['status', 'play', 'clips', 'programmes', 'journal'];

function screenFromHash() {
  const name = location.hash.replace('#', '');
  return SCREENS.includes(name) ? name : 'status';
}

function showScreen(name) {
  if (!SCREENS.includes(name) || (name === 'play' && !canControl())) name = 'status';
  state.screen = name;
  for (const s of document.querySelectorAll('.screen')) s.hidden = s.id !== `screen-${name}`;
  for (const tab of document.querySelectorAll('.tab')) {
    const active = tab.dataset.screen === name;
    tab.classList.toggle('active', active);
    if (active) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  if (location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
  if (name === 'clips') refreshClips();
  if (name === 'play') refreshClips();
  if (name === 'programmes') refreshProgrammes();
  if (name === 'journal') refreshJournal();
  if (name === 'status') {
    renderTimeline();
    scrollTimelineToNow();
  }
}

// ---------------------------------------------------------------------------------------------
// Status screen: zones, next broadcasts, equipment; polled every 2 s

function startPolling() {
  stopPolling();
  refreshStatus();
}

function stopPolling() {
  clearTimeout(state.statusTimer);
  state.statusTimer = null;
}

async function refreshStatus() {
  clearTimeout(state.statusTimer);
  const r = await api('GET', '/api/status');
  if (!state.session) return;  // logged out meanwhile
  if (r.ok) {
    const first = !state.status;
    const reloaded = !first && (state.status.version || {}).id !== (r.data.version || {}).id;
    state.status = r.data;
    showBanner('');
    $('station-name').textContent = r.data.station.name || 'loa';
    document.title = `loa · ${r.data.station.name || ''}`;
    renderStatus();
    if (first || reloaded) renderPlayForm();  // the zones may have changed
    if (first && !state.journalDate) setJournalDate(todayOfStation());
    maybeRefreshTimeline();
    renderTimeline();
  } else if (r.status === 0) {
    showBanner(t('connection_lost'));
  } else if (r.status !== 401) {
    showMsg('status-msg', r.error);
  }
  if (state.session) state.statusTimer = setTimeout(refreshStatus, STATUS_INTERVAL_MS);
}

function showBanner(text) {
  $('banner').textContent = text;
  $('banner').hidden = !text;
}

function renderStatus() {
  const st = state.status;
  if (!st) return;
  $('zones').replaceChildren(...st.zones.map(renderZoneCard));
  $('stop-all').hidden = !canControl();
  $('stop-all').disabled = !st.zones.some((z) => z.on_air && mayUseZone(z.id));
  renderNext(st.next || []);
  renderEquipment(st);
}

function renderZoneCard(zone) {
  const air = zone.on_air;
  const card = el('div', {class: `zone-card ${air ? 'zone-on-air' : 'zone-silent'}`, dataset: {testid: `zone-${zone.id}`, zone: zone.id}});
  const head = el('div', {class: 'zone-head'}, [
    el('span', {class: 'zone-name', text: zone.name || zone.id}),
    el('span', {class: `pill ${air ? 'pill-on-air' : 'pill-silent'}`, text: air ? t('on_air') : t('silent')}),
  ]);
  card.append(head);
  if (air) {
    card.append(el('div', {class: 'zone-title', text: air.title || air.programme}));
    const meta = [air.programme, clockOf(air.scheduled), priorityLabel(air.priority)].filter(Boolean).join(' · ');
    card.append(el('div', {class: 'muted small', text: meta}));
    if (air.item) card.append(renderOnAirItem(air.item, air.position));
  }
  if (air && mayUseZone(zone.id)) {
    card.append(el('button', {
      type: 'button', class: 'btn btn-danger btn-block zone-stop', text: `${t('stop')} · ${zone.name || zone.id}`,
      dataset: {testid: `stop-${zone.id}`},
      on: {click: () => stopZones([zone.id])},
    }));
  }
  return card;
}

function renderOnAirItem(item, position) {
  const length = (Date.parse(item.end) - Date.parse(item.start)) / 1000;
  const name = item.kind === 'clip'
    ? [el('span', {class: 'muted', text: `${t('item_clip')}: `}), item.path]
    : [t(`item_${item.kind}`)];
  const box = el('div', {class: 'on-air-item'}, [el('div', {class: 'item-name'}, name)]);
  if (isFinite(length) && length > 0) {
    const pos = Math.min(Math.max(position || 0, 0), length);
    box.append(el('progress', {max: length, value: pos}));
    box.append(el('div', {class: 'muted small', text: `${formatSeconds(pos)} / ${formatSeconds(length)}`}));
  }
  return box;
}

function priorityLabel(priority) {
  if (typeof priority === 'string') return t(`prio_${priority}`);
  if (priority == null) return '';
  // 0..100: the classes of the programme format (low < 30 <= normal < 60 <= high < 90 <= emergency).
  if (priority >= 90) return t('prio_emergency');
  if (priority >= 60) return t('prio_high');
  if (priority >= 30) return t('prio_normal');
  return t('prio_low');
}

function renderNext(next) {
  const list = $('next-list');
  if (!next.length) {
    list.replaceChildren(el('li', {class: 'muted', text: t('next_empty')}));
    return;
  }
  list.replaceChildren(...next.map((b) => el('li', {class: 'next-item', dataset: {testid: `next-${b.programme}`}}, [
    el('span', {class: 'next-time', text: clockOf(b.scheduled, false)}),
    el('span', {class: 'next-title'}, [b.title || b.programme, el('span', {class: 'muted small', text: ` · ${zoneNames(b.zones)}`})]),
    el('span', {class: `pill prio-${priorityClassOf(b.priority)}`, text: priorityLabel(b.priority)}),
  ])));
}

function priorityClassOf(priority) {
  if (priority >= 90) return 'emergency';
  if (priority >= 60) return 'high';
  if (priority >= 30) return 'normal';
  return 'low';
}

function renderEquipment(st) {
  const out = st.output || {};
  const items = [
    el('dt', {text: t('output')}),
    el('dd', {class: `output-${out.state}`, dataset: {testid: 'output-state'}},
      [`${t(`output_${out.state}`)} `, el('span', {class: 'muted small', text: out.spec ? `(${out.spec})` : ''}),
        out.error ? el('div', {class: 'msg-error small', text: out.error}) : null]),
    el('dt', {text: t('amplifiers')}),
  ];
  const amps = st.amplifiers || [];
  if (!amps.length) items.push(el('dd', {class: 'muted', text: t('amplifiers_none')}));
  for (const amp of amps) {
    items.push(el('dd', {dataset: {testid: `amp-${amp.id}`}}, [
      el('span', {class: `pill ${amp.on ? 'pill-on-air' : 'pill-silent'}`, text: amp.on ? t('amp_on') : t('amp_off')}),
      ` ${amp.id} `, el('span', {class: 'muted small', text: `(${zoneNames(amp.zones)})`}),
    ]));
  }
  if (st.version && st.version.loaded_at) {
    items.push(el('dt', {text: t('loaded_at')}));
    items.push(el('dd', {text: `${dateOf(st.version.loaded_at)} ${clockOf(st.version.loaded_at)}`}));
  }
  $('equipment').replaceChildren(...items);
}

async function stopZones(zones) {
  const r = await api('POST', '/api/stop', {json: zones ? {zones} : {}});
  if (r.ok) {
    const stopped = (r.data && r.data.stopped) || [];
    showMsg('status-msg', stopped.length ? t('stopped', {zones: zoneNames(stopped)}) : t('stopped_none'), 'ok');
    state.timeline.loadedAt = 0;
    refreshStatus();
  } else if (r.status !== 401) {
    showMsg('status-msg', r.error);
  }
}

// ---------------------------------------------------------------------------------------------
// Today's timeline: one row per zone, 00:00-24:00 station time, a block per broadcast

const TL = {rowHeight: 40, headHeight: 36, minPxPerMinute: 0.75, minBlockPx: 4};
const TL_STATUSES = ['aired', 'interrupted', 'failed', 'missed', 'playing', 'upcoming', 'unrecorded'];

// Reloads the plan and the log when the day changes, every 30 s, and when what is on air changes.
function maybeRefreshTimeline() {
  const st = state.status;
  const signature = [st.version && st.version.id,
    ...st.zones.map((z) => (z.on_air ? `${z.id}:${z.on_air.programme}@${z.on_air.scheduled}` : ''))].join('|');
  const tl = state.timeline;
  if (tl.date !== todayOfStation() || signature !== tl.signature || Date.now() - tl.loadedAt > TIMELINE_INTERVAL_MS) {
    tl.signature = signature;
    loadTimeline();
  }
}

async function loadTimeline() {
  const tl = state.timeline;
  const date = todayOfStation();
  tl.loadedAt = Date.now();
  const range = `from=${date}&to=${addDays(date, 1)}`;
  const [plan, log] = await Promise.all([api('GET', `/api/plan?${range}`), api('GET', `/api/log?${range}`)]);
  if (plan.ok) {
    tl.plan = Array.isArray(plan.data) ? plan.data : [];
    tl.date = date;
    showMsg('timeline-msg', '');
  } else if (plan.status !== 401) {
    showMsg('timeline-msg', plan.error);
  }
  tl.log = log.ok && Array.isArray(log.data) ? log.data : [];
  tl.logError = log.ok || log.status === 401 ? '' : log.error;
  tl.loads = (tl.loads || 0) + 1;
  renderTimeline();
  // The journal screen showing today follows along.
  if (log.ok && state.screen === 'journal' && state.journalDate === date) {
    state.journal = tl.log;
    renderJournal();
  }
}

function broadcastKey(b) {
  return `${b.programme}|${Date.parse(b.scheduled)}`;
}

// Blocks of the day: what the journal says for what happened, the plan for what is to come.
function timelineBlocks() {
  const tl = state.timeline;
  const now = state.status ? Date.parse(state.status.now) : Date.now();
  const blocks = [];
  const logged = new Set();
  for (const b of tl.log) {
    logged.add(broadcastKey(b));
    const status = TL_STATUSES.includes(b.status) ? b.status : 'aired';
    blocks.push({b, status, planned: ''});
  }
  for (const b of tl.plan) {
    if (logged.has(broadcastKey(b))) continue;
    const end = Date.parse(b.end || b.start || b.scheduled);
    const status = end >= now || Date.parse(b.scheduled) >= now ? 'upcoming' : 'unrecorded';
    blocks.push({b, status, planned: b.status});
  }
  return blocks;
}

function renderTimeline() {
  const st = state.status;
  if (!st) return;
  const tl = state.timeline;
  const date = tl.date || todayOfStation();
  $('timeline-date').textContent = date;
  const zones = st.zones;
  const scroll = $('timeline-scroll');
  if (scroll.clientWidth === 0) return;  // not on screen; drawn when shown
  const pxPerMin = Math.max(TL.minPxPerMinute, scroll.clientWidth / 1440);
  const width = Math.round(1440 * pxPerMin);
  const onAir = new Set(zones.filter((z) => z.on_air).map((z) => `${z.id}|${broadcastKey(z.on_air)}`));
  // Redrawn only when something visible changed (so that a tooltip being read stays put).
  const key = [tl.loads, date, width, state.lang, clockOf(st.now, false), ...onAir].join('|');
  if (key === tl.drawn) return;
  tl.drawn = key;
  const height = TL.headHeight + zones.length * TL.rowHeight + 2;
  const dayStart = Date.parse(`${date}T00:00:00${offsetOf(st.now)}`);
  const xOf = (ms) => Math.min(Math.max((ms - dayStart) / 60000, 0), 1440) * pxPerMin;

  const svg = svgEl('svg', {width, height, viewBox: `0 0 ${width} ${height}`, class: 'timeline-svg',
    role: 'img', 'aria-label': t('timeline_title')});
  const nowX = xOf(Date.parse(st.now));
  svg.append(renderTimelineGrid(zones.length, pxPerMin, height));
  svg.append(svgEl('rect', {x: 0, y: TL.headHeight, width: nowX, height: height - TL.headHeight, class: 'past'}));
  for (const block of timelineBlocks()) {
    for (const zoneId of block.b.zones || []) {
      const row = zones.findIndex((z) => z.id === zoneId);
      if (row >= 0) svg.append(renderTimelineBlock(block, row, zoneId, xOf, onAir));
    }
  }
  svg.append(svgEl('line', {x1: nowX, x2: nowX, y1: TL.headHeight - 14, y2: height, class: 'now-line', 'data-testid': 'now-line'}));
  // A flag with the time under the hour labels, kept inside the picture at both ends of the day.
  const flagX = Math.min(Math.max(nowX - 22, 0), width - 44);
  svg.append(svgEl('g', {class: 'now'}, [
    svgEl('title', {text: `${t('timeline_now')} ${clockOf(st.now, false)}`}),
    svgEl('rect', {x: flagX, y: TL.headHeight - 16, width: 44, height: 15, rx: 3, class: 'now-flag'}),
    svgEl('text', {x: flagX + 22, y: TL.headHeight - 5, 'text-anchor': 'middle', class: 'now-label', text: clockOf(st.now, false)}),
  ]));

  scroll.replaceChildren(svg);
  $('timeline-labels').replaceChildren(el('div', {class: 'timeline-label-head'}),
    ...zones.map((z) => {
      const label = el('div', {class: 'timeline-label', text: z.name || z.id, title: z.id});
      label.style.height = `${TL.rowHeight}px`;
      return label;
    }));
  $('timeline-labels').firstChild.style.height = `${TL.headHeight}px`;
  renderTimelineLegend();
  if (!tl.plan.length && !tl.log.length && tl.date) showMsg('timeline-msg', t('timeline_empty'), 'info');
  else if (tl.logError) showMsg('timeline-msg', t('timeline_log_missing', {error: tl.logError}), 'info');
  if (!tl.scrolled && tl.date) scrollTimelineToNow();
}

function renderTimelineGrid(rows, pxPerMin, height) {
  const g = svgEl('g', {class: 'grid'});
  const labelEvery = pxPerMin * 60 >= 44 ? 1 : 2;
  for (let r = 0; r < rows; r++) {
    g.append(svgEl('rect', {x: 0, y: TL.headHeight + r * TL.rowHeight, width: 1440 * pxPerMin, height: TL.rowHeight,
      class: r % 2 ? 'row row-odd' : 'row'}));
  }
  for (let h = 0; h <= 24; h++) {
    const x = Math.min(h * 60 * pxPerMin, 1440 * pxPerMin - 0.5);
    g.append(svgEl('line', {x1: x, x2: x, y1: 16, y2: height, class: h % 6 ? 'hour' : 'hour hour-major'}));
    if (h < 24 && h % labelEvery === 0) {
      g.append(svgEl('text', {x: x + 2, y: 13, class: 'hour-label', text: `${String(h).padStart(2, '0')}:00`}));
    }
  }
  return g;
}

function renderTimelineBlock(block, row, zoneId, xOf, onAir) {
  const b = block.b;
  const startMs = Date.parse(b.start || b.scheduled);
  const endMs = b.end ? Date.parse(b.end) : (block.status === 'playing' ? Date.parse(state.status.now) : startMs + 60000);
  const x = xOf(startMs);
  const w = Math.max(xOf(Math.max(endMs, startMs)) - x, TL.minBlockPx);
  const live = onAir.has(`${zoneId}|${broadcastKey(b)}`);
  const classes = ['block', `st-${block.status}`];
  if (block.planned) classes.push(`plan-${block.planned}`);
  if (live) classes.push('on-air');
  const y = TL.headHeight + row * TL.rowHeight + 6;
  const tip = [
    `${clockOf(b.scheduled)}${b.start && b.end ? ` (${clockOf(b.start)}–${clockOf(b.end)})` : ''}`,
    `${b.title || b.programme} [${b.programme}]`,
    `${zoneName(zoneId)} · ${t(`st_${block.status}`)}${block.planned && block.planned !== 'planned' ? ` · ${t(`st_${block.planned}`)}` : ''}`,
    b.reason ? b.reason : null,
  ].filter(Boolean).join('\n');
  return svgEl('g', {class: classes.join(' '), 'data-testid': `block-${b.programme}`, 'data-zone': zoneId,
    'data-status': live ? 'on-air' : block.status, 'data-scheduled': b.scheduled}, [
    svgEl('title', {text: tip}),
    svgEl('rect', {x, y, width: w, height: TL.rowHeight - 12, rx: 3}),
  ]);
}

function renderTimelineLegend() {
  const shown = ['aired', 'interrupted', 'failed', 'missed', 'playing', 'upcoming'];
  $('timeline-legend').replaceChildren(...shown.map((s) => el('span', {class: `legend-item st-${s}`}, [
    el('span', {class: 'legend-swatch'}), t(`st_${s}`)])));
}

// On a narrow screen the timeline scrolls: start with "now" in view.
function scrollTimelineToNow() {
  const scroll = $('timeline-scroll');
  const st = state.status;
  if (!st || !scroll.firstChild || scroll.clientWidth === 0) return;
  const svgWidth = scroll.scrollWidth;
  const minutes = parseInt(clockOf(st.now).slice(0, 2), 10) * 60 + parseInt(clockOf(st.now).slice(3, 5), 10);
  scroll.scrollLeft = Math.max(0, (minutes / 1440) * svgWidth - scroll.clientWidth / 3);
  state.timeline.scrolled = true;
}

// ---------------------------------------------------------------------------------------------
// Play now

function renderPlayForm() {
  renderPlayClipChoices();
  renderPlayZoneChoices();
}

function renderPlayClipChoices() {
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

function togglePlayClip(name, checked) {
  state.playClipOrder = state.playClipOrder.filter((n) => n !== name);
  if (checked) state.playClipOrder.push(name);
  renderPlayClipChoices();
}

function renderPlayZoneChoices() {
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

function playPriority() {
  const checked = document.querySelector('input[name=priority]:checked');
  return checked ? checked.value : 'normal';
}

function renderPriorityHint() {
  const p = playPriority();
  $('priority-hint').textContent = t(`hint_${p}`);
  $('play-form').classList.toggle('is-emergency', p === 'emergency');
}

async function submitPlayNow(event) {
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

// ---------------------------------------------------------------------------------------------
// Dialogs of the page

// Opens a <dialog>; resolves true when okId is pressed, false on cancelId or Escape.
function openDialog(dialog, okId, cancelId) {
  return new Promise((resolve) => {
    const ok = $(okId);
    const cancel = $(cancelId);
    const finish = (value) => {
      ok.removeEventListener('click', onOk);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      resolve(value);
    };
    const onOk = () => finish(true);
    const onCancel = (e) => { if (e) e.preventDefault(); finish(false); };
    ok.addEventListener('click', onOk);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    cancel.focus();
  });
}

function confirmDialog(title, text, okLabel) {
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = okLabel || t('ok');
  return openDialog($('confirm-dialog'), 'confirm-ok', 'confirm-cancel');
}

// ---------------------------------------------------------------------------------------------
// Clip library

async function refreshClips() {
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

function renderClips() {
  const body = $('clips-body');
  if (!state.clips.length) {
    body.replaceChildren(el('tr', {}, el('td', {colSpan: 4, class: 'muted', text: t('clips_empty')})));
    return;
  }
  body.replaceChildren(...state.clips.map((clip) => el('tr', {dataset: {testid: `clip-row-${clip.name}`, clip: clip.name}}, [
    el('td', {class: 'clip-name', text: clip.name}),
    el('td', {text: clip.duration == null ? t('cannot_play') : formatSeconds(clip.duration), dataset: {label: t('col_duration')}}),
    el('td', {class: clip.problem ? 'msg-error' : 'muted empty-on-phone', text: clip.problem || '', dataset: {label: t('col_problem')}}),
    el('td', {}, el('button', {type: 'button', class: 'btn btn-small', text: `▶ ${t('listen')}`,
      disabled: clip.duration == null, dataset: {testid: `clip-play-${clip.name}`},
      on: {click: () => previewClip(clip.name)}})),
  ])));
}

function clipUrl(name) {
  return `/api/clips/${encodeURIComponent(name)}`;
}

function previewClip(name) {
  const audio = $('clip-audio');
  audio.src = clipUrl(name);
  audio.dataset.clip = name;
  $('clip-now-playing').textContent = t('player_now', {name});
  audio.play().catch(() => { /* the browser may refuse to start sound; the controls remain */ });
}

function clipFileChosen() {
  const file = $('clip-file').files[0];
  if (file) $('clip-name').value = file.name;
  $('clip-replace').hidden = true;
  state.pendingUpload = null;
  showMsg('upload-msg', '');
}

async function uploadClip(event, replace = false) {
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
function uploadErrorText(r) {
  const errors = r.data && Array.isArray(r.data.errors) ? r.data.errors : [];
  const details = errors.map((e) => (typeof e === 'string' ? e : e.message)).filter(Boolean);
  return [r.error, ...details].join(' — ');
}

// ---------------------------------------------------------------------------------------------
// Programmes: the list, and the editor with its line-number gutter

const NAME_RE = /^[A-Za-z0-9_-]+$/;

async function refreshProgrammes() {
  const r = await api('GET', '/api/programmes');
  if (r.ok) {
    state.programmes = Array.isArray(r.data) ? r.data : [];
    showMsg('programmes-msg', '');
    renderProgrammeList();
  } else if (r.status !== 401) {
    showMsg('programmes-msg', r.error);
  }
}

function renderProgrammeList() {
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

function isEditorDirty() {
  return !!state.editor.name && $('editor').value !== state.editor.original;
}

async function confirmLeaveEditor() {
  if (!isEditorDirty()) return true;
  return confirmDialog(t('discard_title'), t('discard_text', {name: state.editor.name}), t('discard_ok'));
}

async function openProgramme(name) {
  if (name === state.editor.name && isEditorDirty()) return;  // already open, keep the edits
  if (!(await confirmLeaveEditor())) return;
  const r = await api('GET', `/api/programmes/${encodeURIComponent(name)}`, {text: true});
  if (!r.ok) {
    if (r.status !== 401) showMsg('programmes-msg', r.error);
    return;
  }
  loadEditor(name, typeof r.data === 'string' ? r.data : '', false);
}

function loadEditor(name, text, isNew) {
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
function editorEditable() {
  const file = state.programmes.find((p) => p.name === state.editor.name);
  return state.editor.isNew || !file || file.editable !== false;
}

function updateEditorAccess() {
  const writable = canControl() && editorEditable();
  $('editor').readOnly = !writable;
  $('editor-save').hidden = !writable;
  $('editor-revert').hidden = !writable;
}

function resetEditor() {
  Object.assign(state.editor, {name: '', original: '', isNew: false, problems: []});
  $('editor').value = '';
  $('editor-card').hidden = true;
}

function renderEditorTitle() {
  if (!state.editor.name) return;
  $('editor-title').textContent = `programmes/${state.editor.name}.yaml`;
  $('editor-dirty').hidden = !isEditorDirty() && !state.editor.isNew;
}

function editorFileMatches(file) {
  if (!file) return true;
  const base = file.split('/').pop();
  return base === `${state.editor.name}.yaml` || base === `${state.editor.name}.yml`;
}

// One number per line; lines with a problem of this file are marked.
function renderGutter() {
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
    lines.push(el('div', {class: cls, text: String(i), title: mark ? mark.message : null, dataset: {line: String(i)}}));
  }
  gutter.replaceChildren(...lines);
  gutter.scrollTop = editor.scrollTop;
}

function renderEditorProblems() {
  const list = $('editor-errors');
  list.replaceChildren(...state.editor.problems.map((p) => {
    const here = editorFileMatches(p.file);
    const text = here
      ? t('editor_line', {line: p.line, column: p.column, message: p.message})
      : t('editor_other_file', {file: p.file, line: p.line, column: p.column, message: p.message});
    const button = el('button', {type: 'button', class: 'problem-link', disabled: !here, dataset: {line: String(p.line || '')},
      on: {click: () => gotoLine(p.line, p.column)}}, [
      el('span', {class: `pill sev-${p.severity}`, text: t(`severity_${p.severity === 'warning' ? 'warning' : 'error'}`)}), ' ', text]);
    return el('li', {class: `problem problem-${p.severity}`, dataset: {testid: 'editor-problem'}}, button);
  }));
  renderGutter();
}

function gotoLine(line, column) {
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

async function saveProgramme() {
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

async function revertProgramme() {
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
function newProgrammeTemplate(name) {
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

async function newProgramme() {
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

// ---------------------------------------------------------------------------------------------
// Journal

function setJournalDate(date) {
  state.journalDate = date;
  $('journal-date').value = date;
}

async function refreshJournal() {
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

function renderJournal() {
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
    el('td', {class: b.reason ? 'reason' : 'reason empty-on-phone', text: b.reason || '', dataset: {label: t('col_reason')}}),
  ])));
}

// ---------------------------------------------------------------------------------------------
// Start

function bindEvents() {
  $('lang-switch').addEventListener('click', () => setLanguage(state.lang === 'vi' ? 'en' : 'vi'));
  $('login-form').addEventListener('submit', submitLogin);
  $('logout').addEventListener('click', logout);
  for (const tab of document.querySelectorAll('.tab')) tab.addEventListener('click', () => showScreen(tab.dataset.screen));
  window.addEventListener('hashchange', () => state.session && showScreen(screenFromHash()));
  $('stop-all').addEventListener('click', () => stopZones(null));
  $('play-form').addEventListener('submit', submitPlayNow);
  for (const radio of document.querySelectorAll('input[name=priority]')) radio.addEventListener('change', renderPriorityHint);
  $('clip-file').addEventListener('change', clipFileChosen);
  $('upload-form').addEventListener('submit', (e) => uploadClip(e, false));
  $('clip-replace').addEventListener('click', () => uploadClip(null, true));
  $('clips-refresh').addEventListener('click', refreshClips);
  $('programme-new').addEventListener('click', newProgramme);
  $('editor-save').addEventListener('click', saveProgramme);
  $('editor-revert').addEventListener('click', revertProgramme);
  const editor = $('editor');
  editor.addEventListener('input', () => { renderGutter(); renderEditorTitle(); });
  editor.addEventListener('scroll', () => { $('editor-gutter').scrollTop = editor.scrollTop; });
  editor.addEventListener('keydown', editorKeys);
  $('journal-date').addEventListener('change', refreshJournal);
  $('journal-refresh').addEventListener('click', refreshJournal);
  window.addEventListener('resize', () => renderTimeline());
  window.addEventListener('beforeunload', (e) => {
    if (isEditorDirty()) { e.preventDefault(); e.returnValue = ''; }
  });
}

// Tab inserts two spaces (YAML wants spaces), Ctrl+S saves.
function editorKeys(e) {
  const editor = e.target;
  if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.altKey && !editor.readOnly) {
    e.preventDefault();
    editor.setRangeText('  ', editor.selectionStart, editor.selectionEnd, 'end');
    renderGutter();
    renderEditorTitle();
  } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
    e.preventDefault();
    if (canControl()) saveProgramme();
  }
}

function start() {
  let lang = 'vi';
  try { lang = localStorage.getItem(LANG_KEY) || 'vi'; } catch (e) { /* private mode */ }
  bindEvents();
  setLanguage(lang);
  renderPriorityHint();
  loadSession();
}

document.addEventListener('DOMContentLoaded', start);
