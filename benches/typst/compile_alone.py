"""Typst's compile alone, for benches/compare.sh: imports the binding, then
times one `typst.compile` of a document (fonts limited to the bundled files,
the PDF written) and prints the seconds it took. The interpreter's start and
`import typst` are not counted: they are no part of Typst's engine.

    python3 compile_alone.py DOC.typ OUT.pdf ROOT FONTS
"""
import sys
import time

import typst

typ, out, root, fonts = sys.argv[1:5]
start = time.perf_counter()
typst.compile(typ, output=out, root=root, font_paths=[fonts], ignore_system_fonts=True)
print(f"elapsed={time.perf_counter() - start:.6f}")
