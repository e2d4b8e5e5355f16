// What the page knows: one object every view reads and updates.

export const STATUS_INTERVAL_MS = 2000;
export const TIMELINE_INTERVAL_MS = 30000;
export const LANG_KEY = 'loa.lang';

export const state = {
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
  live: null,             // the live broadcast (GET /api/live), while one is on or coming
  liveTimer: null,
  district: null,         // last GET /api/district/status (the district office's page)
  districtReport: null,   // last GET /api/district/report?format=json
  districtTimer: null,
};
