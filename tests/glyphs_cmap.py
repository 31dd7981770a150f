#!/usr/bin/env python3
"""The code points a TrueType font maps to glyphs: its 'cmap' table's Unicode
subtables of format 4 (the Basic Multilingual Plane) and 12 (all planes),
read with struct alone (no fontTools); and the check of the glyphs the
visualizer uses against them.

    glyphs_cmap.py FONT.ttf
        the font's code points as sorted ranges ("2500-257f"), one a line,
        after a comment; tests/data/dejavu-sans-mono.txt is
        glyphs_cmap.py /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf \
            > tests/data/dejavu-sans-mono.txt
    glyphs_cmap.py --check USED FONT.ttf|LIST.txt
        every code point in USED (lines "U+2502 ...", tests/test_glyphs'
        output) must be braille (U+2800-28FF), a block element
        (U+2580-259F), box drawing (U+2500-257F) or in the font (a .ttf
        read as above, or a list made by the first form); exit 1 naming
        each one that is not
"""
import struct
import sys


def tables(data):
    """The font's table directory: tag -> (offset, length)."""
    (numtables,) = struct.unpack(">H", data[4:6])
    out = {}
    for i in range(numtables):
        rec = data[12 + 16 * i: 28 + 16 * i]
        tag, _sum, off, length = struct.unpack(">4sIII", rec)
        out[tag.decode("latin-1")] = (off, length)
    return out


def format4(data, at):
    """Code points of a format 4 subtable starting at byte at."""
    segx2 = struct.unpack(">H", data[at + 6: at + 8])[0]
    n = segx2 // 2
    ends = struct.unpack(">%dH" % n, data[at + 14: at + 14 + segx2])
    starts_at = at + 16 + segx2
    starts = struct.unpack(">%dH" % n, data[starts_at: starts_at + segx2])
    deltas_at = starts_at + segx2
    deltas = struct.unpack(">%dh" % n, data[deltas_at: deltas_at + segx2])
    ro_at = deltas_at + segx2
    offsets = struct.unpack(">%dH" % n, data[ro_at: ro_at + segx2])
    cps = set()
    for i in range(n):
        for cp in range(starts[i], ends[i] + 1):
            if cp == 0xFFFF:
                continue
            if offsets[i] == 0:
                gid = (cp + deltas[i]) & 0xFFFF
            else:
                # idRangeOffset counts from its own place in the array
                g_at = ro_at + 2 * i + offsets[i] + 2 * (cp - starts[i])
                (gid,) = struct.unpack(">H", data[g_at: g_at + 2])
                if gid != 0:
                    gid = (gid + deltas[i]) & 0xFFFF
            if gid != 0:
                cps.add(cp)
    return cps


def format12(data, at):
    """Code points of a format 12 subtable starting at byte at."""
    (ngroups,) = struct.unpack(">I", data[at + 12: at + 16])
    cps = set()
    for i in range(ngroups):
        g = at + 16 + 12 * i
        start, end, gid = struct.unpack(">III", data[g: g + 12])
        for cp in range(start, end + 1):
            if gid + (cp - start) != 0:
                cps.add(cp)
    return cps


def codepoints(path):
    """Every code point the font at path maps to a glyph (not .notdef)."""
    with open(path, "rb") as f:
        data = f.read()
    off, _len = tables(data)["cmap"]
    (nsub,) = struct.unpack(">H", data[off + 2: off + 4])
    cps = set()
    for i in range(nsub):
        rec = data[off + 4 + 8 * i: off + 12 + 8 * i]
        platform, encoding, suboff = struct.unpack(">HHI", rec)
        # Unicode subtables: platform 0 (any), or 3 (Windows) with 1 or 10
        if not (platform == 0 or (platform == 3 and encoding in (1, 10))):
            continue
        at = off + suboff
        (fmt,) = struct.unpack(">H", data[at: at + 2])
        if fmt == 4:
            cps |= format4(data, at)
        elif fmt == 12:
            cps |= format12(data, at)
    return cps


def ranges(cps):
    """Sorted code points as [start, end] runs."""
    out = []
    for cp in sorted(cps):
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def read_list(path):
    """The code points of a list made by this script (ranges, # comments)."""
    cps = set()
    with open(path) as f:
        for line in f:
            line = line.split("#")[0].strip()
            if not line:
                continue
            a, _, b = line.partition("-")
            cps.update(range(int(a, 16), int(b or a, 16) + 1))
    return cps


# the established set for terminal plots, allowed whatever the font
TERMINAL_SETS = [
    (0x2500, 0x257F, "box drawing"),
    (0x2580, 0x259F, "block elements"),
    (0x2800, 0x28FF, "braille"),
]


def check(used_path, font_path):
    """0 if every glyph in used_path is allowed, else 1 (each one named)."""
    if font_path.endswith(".txt"):
        font = read_list(font_path)
    else:
        font = codepoints(font_path)
    bad = 0
    with open(used_path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("U+"):
                continue
            cp = int(line.split()[0][2:], 16)
            if cp < 0x80 or cp in font:
                continue
            if any(a <= cp <= b for a, b, _ in TERMINAL_SETS):
                continue
            sys.stderr.write("U+%04X %s is not in %s, nor braille, block "
                             "elements or box drawing\n"
                             % (cp, chr(cp), font_path))
            bad += 1
    return 1 if bad else 0


def main(argv):
    if len(argv) == 4 and argv[1] == "--check":
        return check(argv[2], argv[3])
    if len(argv) != 2 or argv[1].startswith("-"):
        sys.stderr.write("usage: glyphs_cmap.py FONT.ttf\n"
                         "       glyphs_cmap.py --check USED FONT\n")
        return 2
    cps = codepoints(argv[1])
    print("# the %d code points of %s's cmap (formats 4 and 12), made by"
          % (len(cps), argv[1].split("/")[-1]))
    print("# tests/glyphs_cmap.py %s > tests/data/dejavu-sans-mono.txt"
          % argv[1])
    for a, b in ranges(cps):
        print("%04x-%04x" % (a, b) if a != b else "%04x" % a)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
