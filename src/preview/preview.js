// handbill preview: keeps the pages of the open briefing up to date.
// The server sends each change over one event stream; the pages that
// changed are swapped in place, so the scroll position stays.
"use strict";

const view = document.body.dataset;
const statusLine = document.getElementById("status");
// What each page holds: a page is redrawn only when its drawing changed.
const shown = [];
// The glyphs' outlines, by face (a hash of its font file) and glyph: [x, y
// of the first point, x, y where the pen is left, the rest of the path], in
// twentieths of a font unit; the path itself counts in half units.
const outlines = new Map();

// Writes the path of each run of glyphs in `root` from its glyphs'
// outlines: each glyph one relative move from where the last left the
// pen, so the run is one element however many glyphs it has.
function writePaths(root) {
  for (const run of root.querySelectorAll("path[data-glyphs]")) {
    const face = run.dataset.face + "-";
    let d = "", penX = 0, penY = 0;
    for (const glyph of run.dataset.glyphs.split(";")) {
      const [id, x, y] = glyph.split(" ");
      const o = outlines.get(face + id);
      if (!o) continue;
      const gx = +x, gy = y === undefined ? 0 : +y;
      d += "m" + (gx + o[0] - penX) / 10 + " " + (gy + o[1] - penY) / 10 + o[4];
      penX = gx + o[2];
      penY = gy + o[3];
    }
    run.setAttribute("d", d);
  }
}

function address(doc, proof, sheet) {
  let a = "/doc/" + encodeURIComponent(doc);
  if (proof === "print") a += "?proof=print" + (sheet ? "&sheet=1" : "");
  return a;
}

function showMessages(messages) {
  const box = document.getElementById("messages");
  box.replaceChildren();
  for (const m of messages || []) {
    const pre = document.createElement("pre");
    pre.className = "message " + m.level;
    pre.textContent = m.text;
    // A message marked on a page: a click shows the mark.
    if (m.mark) {
      pre.dataset.mark = m.mark;
      if (m.kind) pre.classList.add(m.kind);
      pre.title = "click to see it on the page";
      pre.addEventListener("click", () => {
        const mark = document.getElementById(m.mark);
        if (mark) mark.scrollIntoView({ block: "center" });
      });
    }
    box.appendChild(pre);
  }
}

// Puts the marks over the pages: {index: "<g class=overlay>…</g>"}; the
// pages' own drawing is left as it is.
function showOverlay(overlay) {
  const pages = document.getElementById("pages");
  for (const old of pages.querySelectorAll("svg.page > g.overlay")) old.remove();
  for (const [i, g] of Object.entries(overlay || {})) {
    const page = pages.children[i] && pages.children[i].firstChild;
    if (!page) continue;
    const parsed = new DOMParser().parseFromString(
      '<svg xmlns="http://www.w3.org/2000/svg">' + g + "</svg>", "image/svg+xml");
    page.appendChild(document.importNode(parsed.documentElement.firstChild, true));
  }
}

// Applies an update: {status, messages, count?, outlines?, pages: {index: svg}}.
function apply(update) {
  const pages = document.getElementById("pages");
  if (update.gone) {
    statusLine.textContent = "this briefing is gone";
    return;
  }
  showMessages(update.messages);
  if (update.status === "error") {
    statusLine.textContent = "error: the pages shown are from the last good build";
    statusLine.className = "error";
    pages.classList.add("stale");
    showOverlay(update.overlay);
    return;
  }
  statusLine.className = "";
  pages.classList.remove("stale");
  for (const [glyph, outline] of Object.entries(update.outlines || {})) outlines.set(glyph, outline);
  const list = update.pages;
  const count = update.count !== undefined ? update.count : list.length;
  for (const [i, svg] of Object.entries(list)) {
    if (shown[i] === svg && pages.children[i]) continue;
    shown[i] = svg;
    let sheet = pages.children[i];
    while (!sheet) {
      const div = document.createElement("div");
      div.className = "sheet";
      pages.appendChild(div);
      sheet = pages.children[i];
    }
    sheet.innerHTML = svg;
    writePaths(sheet);
    // The sheet in whole pixels (a point is 4/3 of a pixel), so the next
    // one starts on a pixel too; read from the drawing, not from the
    // browser's layout, which would have to be done at once for each.
    const page = sheet.firstChild;
    const px = (a) => Math.ceil(parseFloat(page.getAttribute(a)) * 4 / 3) + "px";
    sheet.style.width = px("width");
    sheet.style.height = px("height");
  }
  while (pages.children.length > count) pages.lastChild.remove();
  shown.length = count;
  showOverlay(update.overlay);
  const n = pages.children.length;
  statusLine.textContent = n + (n === 1 ? " page" : " pages");
  window.handbillVersion = update.version;
}

function choose(block) {
  for (const c of document.querySelectorAll(".block.chosen")) c.classList.remove("chosen");
  block.classList.add("chosen");
  const box = document.getElementById("source");
  box.hidden = false;
  const source = block.dataset.source;
  const what = block.dataset.role + " (element " + block.dataset.element + ")";
  if (!source) {
    box.textContent = what + ": the layout does not say which source line it came from";
    return;
  }
  box.textContent = what + " from " + source;
  if (view.editor === "1") {
    fetch("/open", { method: "POST", headers: { "Content-Type": "application/json" }, body: source })
      .then((r) => r.text())
      .then((t) => { box.textContent = what + " from " + source + " (" + t + ")"; });
  }
}

if (view.view === "doc") {
  const first = document.getElementById("first");
  // The first pages come with the page; `version` says which.
  let sentPages = JSON.parse(first.textContent);
  if (Array.isArray(sentPages.pages)) {
    sentPages.count = sentPages.pages.length;
    sentPages.pages = Object.fromEntries(sentPages.pages.map((p, i) => [i, p]));
  }
  apply(sentPages);
  const events = new EventSource("/events?doc=" + encodeURIComponent(view.doc) +
    "&proof=" + view.proof + "&sheet=" + view.sheet);
  events.onmessage = (e) => apply(JSON.parse(e.data));
  document.getElementById("pages").addEventListener("click", (e) => {
    const block = e.target.closest("[data-element]");
    if (block && !String(window.getSelection())) choose(block);
  });
  const proof = document.getElementById("proof");
  const sheet = document.getElementById("sheet");
  const copy = document.getElementById("copy");
  proof.addEventListener("change", () => { location.href = address(view.doc, proof.value, false); });
  if (sheet) sheet.addEventListener("change", () => { location.href = address(view.doc, "print", sheet.checked); });
  if (copy) copy.addEventListener("change", () => { location.href = address(copy.value, view.proof, view.sheet === "1"); });
} else {
  const events = new EventSource("/events");
  events.onmessage = (e) => {
    const update = JSON.parse(e.data);
    if (update.list !== undefined) document.getElementById("list").innerHTML = update.list;
  };
}
