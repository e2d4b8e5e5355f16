// loa — the operator's control page.
//
// Plain ES2020, no framework, nothing fetched from outside this server. Everything goes through
// the HTTP API of `loa run` (docs/api.md), or of `loa district`, whose page shows the district's
// view (district.js) instead. The page is organised by screen: login, status (with
// today's timeline), play now, quick notice, clip library, programmes (the editor) and the journal, one ES
// module each beside this one, which starts the page. All the words people read are in STRINGS
// (strings.js), one table per language.

import {clipFileChosen, refreshClips, renderClips, uploadClip} from './clips.js';
import {bindDistrict, isDistrict, renderDistrict} from './district.js';
import {$, canControl, t} from './dom.js';
import {refreshJournal, renderJournal} from './journal.js';
import {renderLive, renderLiveZoneChoices, toggleLive} from './live.js';
import {screenFromHash, showScreen} from './nav.js';
import {bindNotice, renderNoticeForm} from './notice.js';
import {renderPlayForm, renderPriorityHint, submitPlayNow} from './play.js';
import {deleteProgramme, isEditorDirty, newProgramme, renderEditorProblems, renderEditorTitle, renderGutter, renderProgrammeList, revertProgramme, saveProgramme} from './programmes.js';
import {loadSession, logout, renderUserBadge, submitLogin} from './session.js';
import {loadMessages} from './messages.js';
import {LANG_KEY, state} from './state.js';
import {renderStatus, stopZones} from './status.js';
import {STRINGS} from './strings.js';
import {renderTimeline} from './timeline.js';

// ---------------------------------------------------------------------------------------------
// Language

function setLanguage(lang) {
  state.lang = STRINGS[lang] ? lang : 'vi';
  try { localStorage.setItem(LANG_KEY, state.lang); } catch (e) { /* private mode */ }
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  $('lang-switch').textContent = t('lang_switch');
  renderAll();
  loadMessages(state.lang).then(renderAll);  // the server's messages, once its catalog is here
}

function renderAll() {
  renderUserBadge();
  if (!state.session) return;
  if (isDistrict()) {
    renderDistrict();
    return;
  }
  renderStatus();
  renderTimeline();
  renderPlayForm();
  renderLiveZoneChoices();
  renderLive();
  renderNoticeForm();
  renderClips();
  renderProgrammeList();
  renderEditorTitle();
  renderEditorProblems();
  renderJournal();
  renderPriorityHint();
}

// ---------------------------------------------------------------------------------------------
// Start

function bindEvents() {
  $('lang-switch').addEventListener('click', () => setLanguage(state.lang === 'vi' ? 'en' : 'vi'));
  $('login-form').addEventListener('submit', submitLogin);
  $('logout').addEventListener('click', logout);
  for (const tab of document.querySelectorAll('.tab')) tab.addEventListener('click', () => showScreen(tab.dataset.screen));
  window.addEventListener('hashchange', () => state.session && !isDistrict() && showScreen(screenFromHash()));
  $('stop-all').addEventListener('click', () => stopZones(null));
  $('play-form').addEventListener('submit', submitPlayNow);
  $('live-button').addEventListener('click', toggleLive);
  bindNotice();
  bindDistrict();
  for (const radio of document.querySelectorAll('input[name=priority]')) radio.addEventListener('change', renderPriorityHint);
  $('clip-file').addEventListener('change', clipFileChosen);
  $('upload-form').addEventListener('submit', (e) => uploadClip(e, false));
  $('clip-replace').addEventListener('click', () => uploadClip(null, true));
  $('clips-refresh').addEventListener('click', refreshClips);
  $('programme-new').addEventListener('click', newProgramme);
  $('editor-save').addEventListener('click', saveProgramme);
  $('editor-revert').addEventListener('click', revertProgramme);
  $('editor-delete').addEventListener('click', deleteProgramme);
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
