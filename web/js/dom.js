// Small helpers: elements, messages, words, and what the signed-in user may do.

import {state} from './state.js';
import {STRINGS} from './strings.js';

export const $ = (id) => document.getElementById(id);

export function t(key, params = {}) {
  const table = STRINGS[state.lang] || STRINGS.vi;
  const text = table[key] ?? STRINGS.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// el('button', {class: 'btn', text: 'Stop', dataset: {testid: 'x'}, on: {click: f}}, children)
export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  applyProps(node, props);
  for (const child of [].concat(children)) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const SVG_NS = 'http://www.w3.org/2000/svg';
export function svgEl(tag, attrs = {}, children = []) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null) continue;
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, String(v));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

export function applyProps(node, props) {
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

export function showMsg(id, text, kind = 'error') {
  const node = $(id);
  if (!node) return;
  node.textContent = text || '';
  node.hidden = !text;
  node.classList.toggle('msg-error', kind === 'error');
  node.classList.toggle('msg-ok', kind === 'ok');
  node.classList.toggle('msg-info', kind === 'info');
}

export function canControl() {
  return !!state.session && (state.session.role === 'operator' || state.session.role === 'admin');
}

export function mayUseZone(id) {
  const zones = state.session && state.session.zones;
  return canControl() && (zones == null || zones.includes(id));
}

export function zoneName(id) {
  const zone = state.status && state.status.zones.find((z) => z.id === id);
  return zone ? zone.name || zone.id : id;
}

export function zoneNames(ids) {
  return (ids || []).map(zoneName).join(', ');
}
