#!/usr/bin/env python3
"""The visualizer's SVG screen export against the canvas it was made from.

    screen_svg.py DIR

For each DIR/NAME.svg (tests/test_screen_svg's output) beside DIR/NAME.txt
(the canvas as text): the SVG is well-formed XML (xml.etree), its
font-family starts with DejaVu Sans Mono, every colour is #rrggbb, and its
<text> elements decoded back into a grid (a character per x position, row
from y, cells of the size the <desc> states) are the canvas's text, cell by
cell: every visible glyph is in the SVG at its cell, and nothing else is.
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
BASELINE = 14  # SCREEN_SVG_BASELINE


def decode(path):
    """The grid the SVG's text draws, as lines; raises on a malformed file."""
    root = ET.parse(path).getroot()
    if root.tag != NS + "svg":
        raise ValueError("the root is %s, not svg" % root.tag)
    fonts = root.get("font-family", "")
    if not fonts.startswith("'DejaVu Sans Mono'"):
        raise ValueError("font-family %r" % fonts)
    desc = root.find(NS + "desc").text
    m = re.search(r"(\d+) x (\d+) cells of (\d+) x (\d+) px", desc)
    cols, rows, cw, ch = (int(v) for v in m.groups())
    if int(root.get("width")) != cols * cw or \
            int(root.get("height")) != rows * ch:
        raise ValueError("the size is not cols x rows cells")
    grid = [[" "] * cols for _ in range(rows)]
    for el in root.iter():
        fill = el.get("fill")
        if fill is not None and not re.fullmatch(r"#[0-9a-f]{6}", fill):
            raise ValueError("fill %r" % fill)
        if el.tag != NS + "text":
            continue
        y = int(el.get("y"))
        if (y - BASELINE) % ch != 0:
            raise ValueError("text at y=%d is not on a row's baseline" % y)
        row = (y - BASELINE) // ch
        xs = [int(v) for v in el.get("x").split()]
        text = el.text or ""
        if len(xs) != len(text):
            raise ValueError("row %d: %d x positions for %d characters"
                             % (row, len(xs), len(text)))
        # a renderer may keep only the first x (librsvg): glyphs beyond
        # ASCII, whose fonts' advances differ, stand alone
        if len(text) > 1 and any(ord(c) >= 0x80 for c in text):
            raise ValueError("row %d: %r mixes glyphs beyond ASCII in one "
                             "text" % (row, text[:20]))
        for x, c in zip(xs, text):
            if x % cw != 0:
                raise ValueError("row %d: x=%d is not a cell's" % (row, x))
            if grid[row][x // cw] != " ":
                raise ValueError("row %d col %d drawn twice" % (row, x // cw))
            grid[row][x // cw] = c
    return ["".join(r) for r in grid]


def main(argv):
    svgs = sorted(glob.glob(os.path.join(argv[1], "*.svg")))
    if not svgs:
        print("no SVG files in %s" % argv[1], file=sys.stderr)
        return 1
    bad = 0
    for svg in svgs:
        with open(svg[:-4] + ".txt", encoding="utf-8") as f:
            want = f.read().split("\n")[:-1]
        try:
            got = decode(svg)
        except (ET.ParseError, ValueError, AttributeError) as e:
            print("%s: %s" % (svg, e), file=sys.stderr)
            bad += 1
            continue
        for i, (a, b) in enumerate(zip(want, got)):
            if a != b:
                print("%s row %d:\n  canvas %r\n  svg    %r" % (svg, i, a, b),
                      file=sys.stderr)
                bad += 1
                break
        if len(want) != len(got):
            print("%s: %d rows, the canvas has %d" % (svg, len(got),
                                                       len(want)),
                  file=sys.stderr)
            bad += 1
        print("%s: %d rows match" % (os.path.basename(svg), len(got)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
