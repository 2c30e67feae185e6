// heatbox review: one image at a time, its boxes over it in an SVG whose user units are image pixels.
// Every edit sends the image's whole state to the server, which saves it at once.
'use strict';

const base = location.pathname.endsWith('/') ? location.pathname : location.pathname + '/';
const photo = document.getElementById('photo');
const svg = document.getElementById('boxes');
const SVG = 'http://www.w3.org/2000/svg';

let categories = [];          // [{id, name}]
let items = [];               // review order: [{image, boxes, score}]
let cur = -1;                 // index into items
let sel = -1;                 // selected box index in the current image
let heat = false;
let drag = null;
let newClass = null;          // category of boxes drawn from now on
const undo = new Map();       // image id -> snapshots of {review, boxes}
const version = new Map();    // image id -> local edit count, so a late save reply never undoes a newer edit
let saving = Promise.resolve();

window.heatboxReady = false;  // for tests and scripts: set once the first image is on screen
window.heatboxShown = '';     // the address of the picture on screen
window.heatboxSaves = 0;      // completed saves
window.heatboxPending = 0;    // saves in flight

function item() { return items[cur]; }
function catName(id) { const c = categories.find(c => c.id === id); return c ? c.name : String(id); }
function clone(x) { return JSON.parse(JSON.stringify(x)); }

async function start() {
  const r = await fetch(base + 'api/items');
  const data = await r.json();
  categories = data.categories;
  items = data.items;
  document.getElementById('file').textContent = data.saved_to;
  const klass = document.getElementById('klass');
  for (const c of categories) {
    const o = document.createElement('option');
    o.value = c.id; o.textContent = c.name;
    klass.appendChild(o);
  }
  newClass = categories.length ? categories[0].id : null;
  klass.addEventListener('change', () => changeClass(Number(klass.value)));
  document.getElementById('accept').addEventListener('click', accept);
  document.getElementById('reject').addEventListener('click', reject);
  renderList();
  const fromHash = items.findIndex(it => '#' + it.image.id === location.hash);
  const firstPending = items.findIndex(it => it.image.heatbox_review !== 'done');
  go(fromHash >= 0 ? fromHash : Math.max(0, firstPending));
}

function renderList() {
  const nav = document.getElementById('list');
  nav.textContent = '';
  items.forEach((it, i) => {
    const a = document.createElement('a');
    a.href = '#' + it.image.id;
    a.className = it.image.heatbox_review + (i === cur ? ' current' : '');
    a.textContent = it.image.file_name + ' (' + it.score.toFixed(2) + ')' + (doubtful(it) ? ' ⚠' : '');
    a.title = it.image.file_name + (it.given ? ' — ' + givenText(it.given) : '');
    nav.appendChild(a);
  });
  const done = items.filter(it => it.image.heatbox_review === 'done').length;
  document.getElementById('progress').textContent = done + ' of ' + items.length + ' images accepted';
}

// image-level labels given with `label --labels`, beside the model's own guess
function doubtful(it) { return it.given && it.given.labelProbability != null && it.given.labelProbability < 0.01; }
function givenText(g) {
  return 'labelled ' + g.labels.join(', ') + '; model: ' + (g.guess || '?') + ' ' + g.guessProbability.toFixed(2)
      + (g.labelProbability != null ? ', label class ' + g.labelProbability.toFixed(3) : ', no label maps to a class');
}

function go(i) {
  if (i < 0 || i >= items.length) return;
  cur = i;
  sel = item().boxes.length ? 0 : -1;
  if (location.hash !== '#' + item().image.id) history.replaceState(null, '', '#' + item().image.id);
  showImage();
  renderList();
  const current = document.querySelector('#list a.current');
  if (current) current.scrollIntoView({block: 'nearest'});
}

function showImage() {
  const im = item().image;
  photo.onerror = null;
  if (heat) {
    photo.onerror = () => { heat = false; note('no heatmap kept for this image'); showImage(); };
  }
  photo.onload = () => { fitSvg(); window.heatboxShown = photo.src; window.heatboxReady = true; };
  photo.src = base + (heat ? 'heat/' : 'image/') + im.id;
  photo.alt = im.file_name;
  svg.setAttribute('viewBox', '0 0 ' + im.width + ' ' + im.height);
  document.getElementById('title').textContent = im.file_name + ' — ' + (cur + 1) + ' of ' + items.length
      + ' — model score ' + item().score.toFixed(3) + ' — ' + (im.heatbox_review === 'done' ? 'accepted' : 'to review')
      + (heat ? ' — heatmap on' : '')
      + (item().given ? ' — ' + givenText(item().given) + (doubtful(item()) ? ' — ⚠ the model doubts the label' : '') : '');
  render();
}

function fitSvg() {
  svg.setAttribute('width', photo.clientWidth);
  svg.setAttribute('height', photo.clientHeight);
  render();
}

function scale() { return photo.clientWidth / item().image.width || 1; }

function render() {
  svg.textContent = '';
  const s = scale();
  item().boxes.forEach((b, i) => {
    const g = document.createElementNS(SVG, 'g');
    g.setAttribute('class', 'box ' + b.heatbox_review + (i === sel ? ' selected' : ''));
    g.dataset.index = i;
    const [x, y, w, h] = b.bbox;
    const r = document.createElementNS(SVG, 'rect');
    r.setAttribute('class', 'frame');
    r.setAttribute('x', x); r.setAttribute('y', y); r.setAttribute('width', w); r.setAttribute('height', h);
    r.setAttribute('stroke-width', 2); r.setAttribute('vector-effect', 'non-scaling-stroke');
    g.appendChild(r);
    const t = document.createElementNS(SVG, 'text');
    t.setAttribute('x', x + 3 / s); t.setAttribute('y', y + 15 / s);
    t.setAttribute('font-size', 13 / s); t.setAttribute('stroke-width', 3 / s);
    t.textContent = catName(b.category_id) + (b.heatbox_review === 'pending' && b.score != null ? ' ' + b.score.toFixed(2) : ' ✓');
    g.appendChild(t);
    if (i === sel) {
      const k = 10 / s;
      for (const [corner, cx, cy] of [['tl', x, y], ['tr', x + w, y], ['bl', x, y + h], ['br', x + w, y + h]]) {
        const hnd = document.createElementNS(SVG, 'rect');
        hnd.setAttribute('class', 'handle');
        hnd.dataset.corner = corner;
        hnd.setAttribute('x', cx - k / 2); hnd.setAttribute('y', cy - k / 2);
        hnd.setAttribute('width', k); hnd.setAttribute('height', k);
        hnd.setAttribute('stroke-width', 1); hnd.setAttribute('vector-effect', 'non-scaling-stroke');
        g.appendChild(hnd);
      }
    }
    svg.appendChild(g);
  });
  renderPanel();
}

function renderPanel() {
  const ol = document.getElementById('boxlist');
  ol.textContent = '';
  item().boxes.forEach((b, i) => {
    const li = document.createElement('li');
    li.className = i === sel ? 'selected' : '';
    li.textContent = catName(b.category_id) + ' — ' + b.heatbox_review + (b.score != null ? ' (model ' + b.score.toFixed(3) + ')' : '');
    li.addEventListener('click', () => { sel = i; render(); });
    ol.appendChild(li);
  });
  if (!item().boxes.length) {
    const li = document.createElement('li');
    li.textContent = 'no boxes: draw one, or accept the image as empty';
    ol.appendChild(li);
  }
  const klass = document.getElementById('klass');
  const b = item().boxes[sel];
  klass.value = b ? b.category_id : (newClass == null ? '' : newClass);
}

// --- edits -----------------------------------------------------------------------------------------

function remember() {
  const id = item().image.id;
  if (!undo.has(id)) undo.set(id, []);
  undo.get(id).push({review: item().image.heatbox_review, boxes: clone(item().boxes)});
}

function edited(b) { if (b.heatbox_review !== 'added') b.heatbox_review = 'edited'; }

function save(it) {
  const id = it.image.id;
  const v = (version.get(id) || 0) + 1;
  version.set(id, v);
  const body = JSON.stringify({heatbox_review: it.image.heatbox_review, boxes: it.boxes});
  window.heatboxPending++;
  note('saving…');
  saving = saving.then(async () => {
    try {
      const r = await fetch(base + 'api/images/' + id, {method: 'PUT', headers: {'Content-Type': 'application/json'}, body});
      if (!r.ok) throw new Error(await r.text());
      const stored = await r.json();
      if (version.get(id) === v) {       // no newer local edit: take the server's ids
        it.boxes = stored.boxes;
        it.image = stored.image;
        if (item() === it) render();
      }
      window.heatboxSaves++;
      note('saved ✓');
    } catch (e) {
      note('NOT SAVED: ' + e.message, true);
    } finally {
      window.heatboxPending--;
    }
  });
}

function note(text, error) {
  const s = document.getElementById('saved');
  s.textContent = text;
  s.className = 'saved' + (error ? ' error' : '');
}

function reject() {
  if (sel < 0) return;
  remember();
  item().boxes.splice(sel, 1);
  sel = Math.min(sel, item().boxes.length - 1);
  render();
  save(item());
}

function accept() {
  remember();
  for (const b of item().boxes) if (b.heatbox_review === 'pending') b.heatbox_review = 'accepted';
  item().image.heatbox_review = 'done';
  save(item());
  renderList();
  if (cur + 1 < items.length) go(cur + 1); else render();
}

function changeClass(id) {
  newClass = id;
  const b = item().boxes[sel];
  if (!b || b.category_id === id) return;
  remember();
  b.category_id = id;
  edited(b);
  render();
  save(item());
}

function undoLast() {
  const stack = undo.get(item().image.id);
  if (!stack || !stack.length) return;
  const s = stack.pop();
  item().boxes = s.boxes;
  item().image.heatbox_review = s.review;
  sel = Math.min(Math.max(sel, 0), item().boxes.length - 1);
  render();
  renderList();
  save(item());
}

// --- mouse: resize by a corner, move by the inside, draw on empty space -------------------------------

function toImage(e) {
  const p = svg.createSVGPoint();
  p.x = e.clientX; p.y = e.clientY;
  const q = p.matrixTransform(svg.getScreenCTM().inverse());
  const im = item().image;
  return {x: Math.min(Math.max(q.x, 0), im.width), y: Math.min(Math.max(q.y, 0), im.height)};
}

svg.addEventListener('pointerdown', e => {
  if (e.button !== 0 || cur < 0) return;
  e.preventDefault();
  const p = toImage(e);
  const g = e.target.closest('.box');
  const before = {review: item().image.heatbox_review, boxes: clone(item().boxes)};
  if (e.target.classList.contains('handle')) {
    drag = {mode: 'resize', corner: e.target.dataset.corner, index: sel, start: p, orig: item().boxes[sel].bbox.slice(), before};
  } else if (g) {
    sel = Number(g.dataset.index);
    drag = {mode: 'move', index: sel, start: p, orig: item().boxes[sel].bbox.slice(), before};
    render();
  } else {
    drag = {mode: 'draw', start: p, before, index: -1};
  }
  svg.setPointerCapture(e.pointerId);
});

svg.addEventListener('pointermove', e => {
  if (!drag) return;
  const p = toImage(e);
  const im = item().image;
  let [x, y, w, h] = drag.orig || [drag.start.x, drag.start.y, 0, 0];
  if (drag.mode === 'resize') {
    let x0 = x, y0 = y, x1 = x + w, y1 = y + h;
    const dx = p.x - drag.start.x, dy = p.y - drag.start.y;   // the corner follows the pointer's motion
    if (drag.corner.includes('l')) x0 += dx; else x1 += dx;
    if (drag.corner.includes('t')) y0 += dy; else y1 += dy;
    x0 = Math.min(Math.max(x0, 0), im.width); x1 = Math.min(Math.max(x1, 0), im.width);
    y0 = Math.min(Math.max(y0, 0), im.height); y1 = Math.min(Math.max(y1, 0), im.height);
    [x, y, w, h] = [Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0)];
  } else if (drag.mode === 'move') {
    x = Math.min(Math.max(x + p.x - drag.start.x, 0), im.width - w);
    y = Math.min(Math.max(y + p.y - drag.start.y, 0), im.height - h);
  } else {
    [x, y, w, h] = [Math.min(drag.start.x, p.x), Math.min(drag.start.y, p.y), Math.abs(p.x - drag.start.x), Math.abs(p.y - drag.start.y)];
    if (drag.index < 0) {
      if (w * scale() < 4 || h * scale() < 4) return;   // a click, not a box yet
      item().boxes.push({id: 0, image_id: im.id, category_id: newClass, bbox: [x, y, w, h], heatbox_review: 'added'});
      drag.index = sel = item().boxes.length - 1;
    }
  }
  item().boxes[drag.index].bbox = [x, y, w, h];
  drag.moved = true;
  render();
});

svg.addEventListener('pointerup', () => {
  if (!drag) return;
  const d = drag;
  drag = null;
  if (!d.moved || d.index < 0) {
    if (d.mode === 'draw') { sel = -1; render(); }
    return;
  }
  const b = item().boxes[d.index];
  if (b.bbox[2] < 1 || b.bbox[3] < 1) {            // collapsed to nothing: put it back
    item().boxes = d.before.boxes;
    render();
    return;
  }
  const id = item().image.id;
  if (!undo.has(id)) undo.set(id, []);
  undo.get(id).push(d.before);
  if (d.mode !== 'draw') edited(b);
  render();
  save(item());
});

// --- keys --------------------------------------------------------------------------------------------

document.addEventListener('keydown', e => {
  if (e.target.tagName === 'SELECT' || e.target.tagName === 'INPUT') {
    if (e.key === 'Escape') e.target.blur();
    return;
  }
  if (cur < 0 || e.altKey || e.metaKey) return;
  const k = e.key;
  if (k === 'ArrowRight' || k === 'n') go(cur + 1);
  else if (k === 'ArrowLeft' || k === 'p') go(cur - 1);
  else if (k === 'Tab') { e.preventDefault(); if (item().boxes.length) { sel = (sel + (e.shiftKey ? -1 : 1) + item().boxes.length) % item().boxes.length; render(); } }
  else if (k === 'x' || k === 'Delete' || k === 'Backspace') { e.preventDefault(); reject(); }
  else if (k === 'a') accept();
  else if (k === 'c') { e.preventDefault(); document.getElementById('klass').focus(); }
  else if (k === 'h') { heat = !heat; showImage(); }
  else if (k === 'z' || (k === 'Z' && e.ctrlKey)) undoLast();
  else if (k === 'Escape') { sel = -1; render(); }
  else return;
});

window.addEventListener('hashchange', () => {
  const i = items.findIndex(it => '#' + it.image.id === location.hash);
  if (i >= 0 && i !== cur) go(i);
});
window.addEventListener('resize', () => { if (cur >= 0) fitSvg(); });

start().catch(e => note('cannot load the run: ' + e.message, true));
