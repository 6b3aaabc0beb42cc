"""Makes the small plain JPEGs that tests/pictures.rs dresses up as phone
photos (EXIF with GPS, XMP, thumbnails, a second image after the end...).

Each holds only pixels and the segments a JPEG writer adds by itself (JFIF,
Adobe for CMYK). Run from the project folder: python3 tests/data/make_pictures.py
(needs Pillow).
"""

from PIL import Image

W, H = 96, 64


def picture(mode):
    img = Image.new("RGB", (W, H))
    px = img.load()
    for y in range(H):
        for x in range(W):
            px[x, y] = (x * 255 // (W - 1), y * 255 // (H - 1), (x * y) % 256)
    return img.convert(mode)


# Baseline, with a restart marker every block row, 4:2:0.
picture("RGB").save(
    "tests/data/plain-baseline.jpg", quality=90, restart_marker_rows=1
)
# Progressive: several scans with tables between them.
picture("RGB").save("tests/data/plain-progressive.jpg", quality=90, progressive=True)
# CMYK: libjpeg writes an Adobe segment with the colour transform.
picture("CMYK").save("tests/data/plain-cmyk.jpg", quality=90)
# tests/data/srgb.icc, split across two APP2 chunks by the tests, is an
# ICC version 2 sRGB profile (PDF 1.6 takes profiles up to version 4.1):
# Debian's icc-profiles-free, /usr/share/color/icc/sRGB.icc (zlib licence).
# tests/data/adobe-rgb-compatible.icc is compatibleWithAdobeRGB1998.icc from
# the same package: version 2.2, which krilla embeds in a PDF 1.7 (screen).
