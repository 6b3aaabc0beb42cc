"""Personalised copies with Typst, for benches/compare.sh: one reused
typst.Compiler compiles a document (pack.typ, leaflet.typ) once per name of
NAMES.txt (sys.inputs `name`) and writes each PDF, as `handbill build` does
for a briefing with `recipients:`.

    python3 copies.py DOC.typ ROOT FONTS NAMES.txt OUT_DIR
"""
import os
import sys

import typst

typ, root, fonts, names, out = sys.argv[1:6]
compiler = typst.Compiler(typ, root=root, font_paths=[fonts], ignore_system_fonts=True)
stem = os.path.splitext(os.path.basename(typ))[0]
for i, name in enumerate(open(names, encoding="utf-8").read().splitlines()):
    pdf = compiler.compile(sys_inputs={"name": name})
    with open(os.path.join(out, f"{stem}-{i:04}.pdf"), "wb") as f:
        f.write(pdf)
