/**
 * The HTML view's own style and script (plain ES2017, no dependencies besides svg-pan-zoom).
 * The script reads the page's JSON data and writes data only with textContent, never as markup.
 */

/** The page's CSS. */
export const APP_CSS = `
*{box-sizing:border-box}
html,body{margin:0;height:100%;font:13px/1.4 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2933;background:#fff}
body{display:flex;flex-direction:column}
header{display:flex;align-items:center;gap:12px;padding:8px 12px;border-bottom:1px solid #d9dee5;background:#f7f9fb;flex-wrap:wrap}
h1{font-size:15px;margin:0;font-weight:600;overflow-wrap:anywhere}
h2{font-size:13px;margin:0 0 6px;font-weight:600}
.summary{color:#5f6b7a}
#search{margin-left:auto;width:280px;padding:4px 8px;border:1px solid #b0b8c4;border-radius:4px;font:inherit}
#hits{color:#5f6b7a;min-width:70px}
main{flex:1;display:flex;min-height:0}
#graph{flex:1;min-width:0;position:relative;overflow:hidden;overflow:clip;background:#fff}
#graph>svg{width:100%;height:100%;display:block}
aside{width:480px;max-width:50%;overflow:auto;border-left:1px solid #d9dee5;padding:10px 12px;background:#fbfcfd}
aside section{margin-bottom:16px}
table{border-collapse:collapse;width:100%}
th,td{padding:2px 6px;border-bottom:1px solid #e6e9ee;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{font-weight:600;color:#3e4c59;background:#f1f4f7}
td.num,th.num,td.svc{text-align:right;white-space:nowrap}
td.svc{text-align:left}
#fields td:first-child{color:#5f6b7a;white-space:nowrap;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
#talkers tbody tr{cursor:pointer}
#talkers tbody tr:hover{background:#eef3fa}
#talkers tr.active{background:#fff0d9}
td.kind.added{color:#2e7d32}td.kind.removed{color:#d32f2f}td.kind.changed{color:#b26a00}
#hint{color:#5f6b7a;margin:0}
td.action.reject{color:#d32f2f}
body.with-lead{display:block;height:auto}
body.with-lead main{height:85vh;border-top:1px solid #d9dee5}
#lead{padding:10px 12px;display:flex;flex-wrap:wrap;gap:12px 28px;align-items:flex-start}
#lead section{flex:1 1 440px;max-width:100%}
#lead h2 small{font-weight:400;color:#5f6b7a}
g.edge{cursor:pointer}
g.edge path.hitarea{stroke:transparent;stroke-width:10px;fill:none;pointer-events:stroke}
g.edge.selected path:not(.hitarea){stroke:#ff6d00;stroke-width:4px}
g.edge.selected polygon{stroke:#ff6d00;fill:#ff6d00}
g.edge.selected text{fill:#c43e00;font-weight:bold}
body.searching g.node:not(.hit){opacity:.35}
g.node.hit polygon,g.node.hit ellipse,g.node.hit path{stroke:#ff6d00;stroke-width:3px;fill:#ffe0b2}
`;

/** The page's script. */
export const APP_SCRIPT = `(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('flowdigest-data').textContent);
  var svg = document.querySelector('#graph > svg');
  var edges = {};
  data.edges.forEach(function (e) { edges[e.id] = e; });
  var pz = null;
  if (svg) {
    svg.setAttribute('width', '100%');
    svg.setAttribute('height', '100%');
    // Wide transparent strokes, so thin edges are easy to click.
    Array.prototype.forEach.call(svg.querySelectorAll('g.edge > path'), function (p) {
      var c = p.cloneNode(false);
      c.setAttribute('class', 'hitarea');
      p.parentNode.insertBefore(c, p);
    });
    if (typeof window.svgPanZoom === 'function') {
      pz = window.svgPanZoom(svg, { zoomEnabled: true, controlIconsEnabled: true, fit: true, center: true, minZoom: 0.05, maxZoom: 60, zoomScaleSensitivity: 0.3 });
    }
  }
  var fields = document.getElementById('fields');
  var hint = document.getElementById('hint');
  var selected = [];
  function cell(tr, text) { var td = document.createElement('td'); td.textContent = text; tr.appendChild(td); }
  function clearSelection() {
    selected.forEach(function (g) { g.classList.remove('selected'); });
    selected = [];
  }
  function show(id) {
    var e = edges[id];
    if (!e) return;
    while (fields.firstChild) fields.removeChild(fields.firstChild);
    var rows = [['from', e.src], ['to', e.dst]];
    if (e.label) rows.push(['label', e.label]);
    Object.keys(e.fields).forEach(function (k) { rows.push([k, e.fields[k]]); });
    rows.forEach(function (r) { var tr = document.createElement('tr'); cell(tr, r[0]); cell(tr, r[1]); fields.appendChild(tr); });
    hint.textContent = '';
    fields.setAttribute('data-edge', id);
  }
  function select(ids) {
    clearSelection();
    ids.forEach(function (id) {
      var g = document.getElementById(id);
      if (g) { g.classList.add('selected'); selected.push(g); }
    });
    if (ids.length > 0) show(ids[0]);
  }
  if (svg) {
    svg.addEventListener('click', function (ev) {
      var g = ev.target && ev.target.closest ? ev.target.closest('g.edge') : null;
      if (g && edges[g.id]) select([g.id]);
    });
  }
  var talkers = document.querySelector('#talkers tbody');
  if (talkers) {
    talkers.addEventListener('click', function (ev) {
      var tr = ev.target && ev.target.closest ? ev.target.closest('tr') : null;
      if (!tr) return;
      Array.prototype.forEach.call(talkers.querySelectorAll('tr.active'), function (t) { t.classList.remove('active'); });
      tr.classList.add('active');
      select((tr.getAttribute('data-edges') || '').split(' ').filter(Boolean));
    });
  }
  var input = document.getElementById('search');
  var hits = document.getElementById('hits');
  // Pan a match into view, once typing pauses: svg-pan-zoom applies a pan on the next frame,
  // so panning on every keystroke would add up stale offsets.
  var pending = null;
  function centre(g) {
    if (!pz) return;
    clearTimeout(pending);
    pending = setTimeout(function () {
      var r = g.getBoundingClientRect(), c = svg.getBoundingClientRect();
      if (r.left >= c.left && r.right <= c.right && r.top >= c.top && r.bottom <= c.bottom) return;
      pz.panBy({ x: c.left + c.width / 2 - (r.left + r.width / 2), y: c.top + c.height / 2 - (r.top + r.height / 2) });
    }, 250);
  }
  function search() {
    var q = input.value.trim().toLowerCase();
    var n = 0, first = null;
    data.nodes.forEach(function (node) {
      var g = document.getElementById(node.id);
      if (!g) return;
      var hit = q !== '' && (node.name.toLowerCase().indexOf(q) >= 0 || node.shown.toLowerCase().indexOf(q) >= 0);
      g.classList.toggle('hit', hit);
      if (hit) { n++; if (!first) first = g; }
    });
    document.body.classList.toggle('searching', q !== '');
    hits.textContent = q === '' ? '' : n + (n === 1 ? ' match' : ' matches');
    if (first) centre(first);
  }
  input.addEventListener('input', search);
  input.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') { input.value = ''; search(); } });
})();
`;
