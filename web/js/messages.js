// The server's messages in the page's language. The server sends each message's English text
// with a stable code and its placeholders ({"error", "code", "params"}, docs/api.md "Messages");
// the templates of every code come from the server's own catalog (GET /api/messages?lang=), the
// one table `loa check` also uses, so the page and the command line say the same thing.

import {state} from './state.js';

const catalogs = {};  // lang -> {code: template}

// Fetches the catalog of `lang` once. Never throws: without it messages stay in English.
export async function loadMessages(lang) {
  if (catalogs[lang]) return;
  try {
    const response = await fetch(`/api/messages?lang=${encodeURIComponent(lang)}`, {credentials: 'same-origin'});
    if (!response.ok) return;
    const data = await response.json();
    if (data && data.messages && typeof data.messages === 'object') catalogs[lang] = data.messages;
  } catch (e) { /* offline or an older server: English it is */ }
}

function render(code, params, lang) {
  const template = (catalogs[lang] || {})[code];
  if (typeof template !== 'string') return null;
  return template.replace(/\{([a-z_]+)\}/g, (whole, name) => {
    if (!params || !(name in params)) return whole;
    const value = params[name];
    if (value && typeof value === 'object') return render(value.code, value.params, lang) ?? '';
    return String(value ?? '');
  });
}

// The message `code` with `params` in the page's language; `english` (the server's text) for a
// code this server's catalog does not know, or before the catalog has arrived.
export function say(code, params, english) {
  if (!code) return english || '';
  return render(code, params, state.lang) ?? english ?? '';
}
