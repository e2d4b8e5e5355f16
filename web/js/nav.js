// The screens and the tabs between them.

import {refreshClips} from './clips.js';
import {canControl} from './dom.js';
import {refreshJournal} from './journal.js';
import {refreshProgrammes} from './programmes.js';
import {state} from './state.js';
import {renderTimeline, scrollTimelineToNow} from './timeline.js';

export const SCREENS = ['status', 'play', 'notice', 'clips', 'programmes', 'journal'];

export function screenFromHash() {
  const name = location.hash.replace('#', '');
  return SCREENS.includes(name) ? name : 'status';
}

export function showScreen(name) {
  if (!SCREENS.includes(name) || ((name === 'play' || name === 'notice') && !canControl())) name = 'status';
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
  if (name === 'play') {
    refreshClips();
    refreshProgrammes();
  }
  if (name === 'programmes') refreshProgrammes();
  if (name === 'journal') refreshJournal();
  if (name === 'status') {
    renderTimeline();
    scrollTimelineToNow();
  }
}
