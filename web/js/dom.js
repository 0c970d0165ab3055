// dom.js - building elements without innerHTML: text is always text.
//   h('a', { href: '#/cases/1', class: 'x' }, 'text', childNode, [more])
export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, kids);
  return el;
}

function append(el, kids) {
  for (const k of kids) {
    if (k == null || k === false) continue;
    if (Array.isArray(k)) append(el, k);
    else el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
}

// Replace el's children.
export function mount(el, ...kids) {
  el.replaceChildren();
  append(el, kids);
  return el;
}

let uid = 0;
// A fresh id for label/control pairs.
export function newId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}
