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

// HTML the server rendered (cmark-gfm in safe mode) as nodes, belt and braces: elements that
// run or embed anything are dropped, and so are event attributes and script URLs.
const DROP = new Set(['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'EMBED', 'FORM', 'INPUT', 'BUTTON', 'LINK', 'META', 'BASE', 'SVG', 'MATH']);
export function safeHtml(html) {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  for (const el of [...doc.body.querySelectorAll('*')]) {
    if (DROP.has(el.tagName.toUpperCase())) { el.remove(); continue; }
    for (const a of [...el.attributes]) {
      const n = a.name.toLowerCase();
      if (n.startsWith('on') || n === 'style' || n === 'srcdoc' ||
          ((n === 'href' || n === 'src' || n === 'xlink:href') && !/^(https?:|mailto:|#|\/(?!\/))/i.test(a.value.trim())))
        el.removeAttribute(a.name);
    }
    if (el.tagName === 'A') { el.setAttribute('rel', 'noopener noreferrer nofollow'); }
  }
  const frag = document.createDocumentFragment();
  frag.append(...doc.body.childNodes);
  return frag;
}
