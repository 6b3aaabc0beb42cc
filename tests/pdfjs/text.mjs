// Prints the text content pdf.js (the reader in Firefox and many web apps)
// gives for a PDF: each item's string, a line break where pdf.js ends a
// line, a form feed after each page. handbill's tests read PDFs with it
// (tests/extraction.rs).
//
//   node text.mjs FILE.pdf                  the text, artifacts included
//   node text.mjs FILE.pdf --no-artifacts   without text marked as an artifact
//                                           (running heads, footers, paragraph
//                                           numbers), as a screen reader reads
//   node text.mjs FILE.pdf --json           one JSON array of the items:
//                                           page, str, eol, size and y (the
//                                           baseline from the page's top, in
//                                           points), artifact (true or false)
import { readFile } from "node:fs/promises";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const [file, ...flags] = process.argv.slice(2);
if (!file) {
  console.error("usage: node text.mjs FILE.pdf [--no-artifacts] [--json]");
  process.exit(2);
}
const data = new Uint8Array(await readFile(file));
const pdf = await getDocument({ data, verbosity: 0 }).promise;
const items = [];
for (let n = 1; n <= pdf.numPages; n++) {
  const page = await pdf.getPage(n);
  const top = page.view[3];
  const content = await page.getTextContent({ includeMarkedContent: true });
  // Marked content nests: a stack of whether each open section is an artifact.
  const open = [];
  for (const item of content.items) {
    if (item.type === "beginMarkedContent" || item.type === "beginMarkedContentProps") {
      open.push(item.tag === "Artifact");
    } else if (item.type === "endMarkedContent") {
      open.pop();
    } else {
      items.push({
        page: n,
        str: item.str,
        eol: item.hasEOL,
        // The text's size: the length of the text matrix's vertical axis.
        size: Math.hypot(item.transform[2], item.transform[3]),
        // The baseline, in points down from the top of the page.
        y: top - item.transform[5],
        artifact: open.includes(true),
      });
    }
  }
  items.push({ page: n, str: "\f", eol: false, size: 0, y: 0, artifact: false });
}
if (flags.includes("--json")) {
  process.stdout.write(JSON.stringify(items));
} else {
  const keep = flags.includes("--no-artifacts") ? (i) => !i.artifact : () => true;
  process.stdout.write(
    items
      .filter(keep)
      .map((i) => i.str + (i.eol ? "\n" : ""))
      .join(""),
  );
}
