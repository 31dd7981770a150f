#!/usr/bin/env python3
"""Every CSV and JSON memscope writes, read with the csv and json modules
and checked against the schema tables of doc/formats.md (the one place the
formats are written down, so the page and the program cannot drift).

usage: formats.py FORMATS_MD MEMSCOPE WORKDIR [VISUALIZER_CSV]

Runs memscope to write each file into WORKDIR, then checks every file:
CSV: the header is the documented columns in order, every cell parses as
its documented type (no text in a numeric column); JSON: every documented
field is present (unless marked optional), typed as documented, and no
undocumented member appears. Every schema of the page must be used.
"""
import csv
import glob
import json
import math
import os
import re
import subprocess
import sys

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def parse_schemas(path):
    """{name: (kind, rows)} from the tables after <!-- schema: NAME -->."""
    schemas = {}
    lines = open(path, encoding="utf-8").read().splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"<!-- schema: ([a-z-]+) -->", lines[i])
        i += 1
        if not m:
            continue
        name = m.group(1)
        head = [c.strip() for c in lines[i].strip("|").split("|")]
        i += 2  # the header and the |---| line
        rows = []
        while i < len(lines) and lines[i].startswith("|"):
            cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
            rows.append(dict(zip(head, cells)))
            i += 1
        kind = "csv" if head[0] == "column" else "json"
        assert name not in schemas, "schema %s twice" % name
        schemas[name] = (kind, rows)
    return schemas


def csv_cell_ok(text, typ):
    """Whether one CSV cell is of type typ (int, real, string; ? empty)."""
    if typ.endswith("?"):
        if text == "":
            return True
        typ = typ[:-1]
    if typ == "int":
        return re.fullmatch(r"-?[0-9]+", text) is not None
    if typ == "real":
        try:
            float(text)
        except ValueError:
            return False
        return text.lower() in ("nan", "inf", "-inf") or \
            re.fullmatch(r"-?[0-9.]+(e[-+]?[0-9]+)?", text) is not None
    if typ == "string":
        return text != ""
    raise ValueError("unknown CSV type " + typ)


def sweep_columns(rows, axes, metrics):
    """A sweep CSV's documented rows made concrete: *axis* one row per axis
    of the plan (axes: their names), "a, b, ..." one row per name, and
    the *metric*_x rows together once per metric."""
    out, per_metric = [], []
    for r in rows + [None]:
        col = r["column"] if r else ""
        if col.startswith("*metric*_"):
            per_metric.append(r)  # metric_mean, metric_std, ... per metric
            continue
        out += [dict(p, column=m + p["column"][len("*metric*"):])
                for m in metrics for p in per_metric]
        per_metric = []
        if r is None:
            break
        names = axes if col == "*axis*" else col.split(", ")
        out += [dict(r, column=n) for n in names]
    return out


def check_csv(name, path, rows):
    cols = [r["column"] for r in rows]
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header != cols:
            fail("%s (%s): header %s, documented %s" % (path, name, header,
                                                        cols))
            return
        n = 0
        for line in reader:
            n += 1
            if len(line) != len(cols):
                fail("%s line %d: %d cells, not %d" % (path, n + 1,
                                                       len(line), len(cols)))
                return
            for cell, r in zip(line, rows):
                if not csv_cell_ok(cell, r["type"]):
                    fail("%s line %d: %s = %r is not %s" % (
                        path, n + 1, r["column"], cell, r["type"]))
                    return
        if n == 0:
            fail("%s: no rows" % path)


def tokens(path):
    """'a[].b.*[]' -> ['a', '[]', 'b', '*', '[]']."""
    out = []
    for part in path.split("."):
        name = part.rstrip("[]")
        if name:
            out.append(name)
        out.extend(["[]"] * ((len(part) - len(name)) // 2))
    return out


def matches(pattern, concrete):
    return len(pattern) == len(concrete) and all(
        p == c or (p == "*" and c != "[]") for p, c in zip(pattern, concrete))


def json_type_ok(v, typ):
    if typ.endswith("?"):
        if v is None:
            return True
        typ = typ[:-1]
    if typ == "int":
        return isinstance(v, int) and not isinstance(v, bool)
    if typ == "real":
        return isinstance(v, float) and math.isfinite(v)
    if typ == "string":
        return isinstance(v, str)
    if typ == "bool":
        return isinstance(v, bool)
    if typ == "object":
        return isinstance(v, dict)
    if typ == "array":
        return isinstance(v, list)
    if typ == "scalar":
        return isinstance(v, (str, int, float, bool))
    raise ValueError("unknown JSON type " + typ)


def check_json(name, path, rows, doc):
    pats = [(tokens(r["field"]), r) for r in rows]
    bad = []

    def walk(v, at):
        if isinstance(v, dict):
            for k, x in v.items():
                visit(x, at + [k])
        elif isinstance(v, list):
            for x in v:
                visit(x, at + ["[]"])

    def visit(v, at):
        found = [r for p, r in pats if matches(p, at)]
        if not found:
            bad.append("undocumented field %s" % ".".join(at))
            return
        if not any(json_type_ok(v, r["type"]) for r in found):
            bad.append("%s = %.60r is not %s" % (".".join(at), v,
                                                 found[0]["type"]))
            return
        walk(v, at)

    def nodes(v, pattern, at):
        """The concrete values at pattern (and their paths)."""
        if not pattern:
            yield v, at
            return
        head, rest = pattern[0], pattern[1:]
        if head == "[]":
            if isinstance(v, list):
                for x in v:
                    yield from nodes(x, rest, at + ["[]"])
        elif isinstance(v, dict):
            keys = v.keys() if head == "*" else [head] if head in v else []
            for k in keys:
                yield from nodes(v[k], rest, at + [k])

    walk(doc, [])
    # every field documented as always there is there, in every parent
    for p, r in pats:
        if r["present"] != "always" or p[-1] in ("[]", "*"):
            continue
        for parent, at in nodes(doc, p[:-1], []):
            if isinstance(parent, dict) and p[-1] not in parent:
                bad.append("missing %s" % ".".join(at + [p[-1]]))
    for b in list(dict.fromkeys(bad))[:5]:
        fail("%s (%s): %s" % (path, name, b))
    if doc.get("memscope_version") in (None, ""):
        fail("%s: no memscope_version" % path)


def main():
    doc, memscope, work = sys.argv[1:4]
    viz = sys.argv[4] if len(sys.argv) > 4 else ""
    schemas = parse_schemas(doc)
    os.chdir(work)
    tiny = ["--steps", "6", "--batch", "20", "--test-batch", "20",
            "--layers", "2", "-q"]

    def ms(*args, stdout=None):
        r = subprocess.run([memscope] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            fail("memscope %s: exit %d: %s" % (" ".join(args), r.returncode,
                                                r.stderr.strip()))
        elif stdout is not None:
            open(stdout, "w").write(r.stdout)

    files = []  # (schema, path)
    ms("train", *tiny, "--runs", "2", "--csv", "h.csv", "--json", "t.json",
       "--save", "m.json")
    files += [("history-csv", "h.csv"), ("train-json", "t.json"),
              ("checkpoint-json", "m.json")]
    for mem in ("none", "cgd", "lfom"):
        ck = "m-%s.json" % mem
        ms("train", *tiny, "--memory", mem, "--save", ck)
        ms("step", "--load", ck, "--json", stdout="s-%s.json" % mem)
        files += [("checkpoint-json", ck), ("step-json", "s-%s.json" % mem)]
    ms("eval", "--load", "m.json", "--csv", "e.csv", "--json", "e.json")
    files += [("eval-csv", "e.csv"), ("eval-json", "e.json")]
    ms("baselines", "--iters", "3", "--test-batch", "20", "--runs", "2",
       "--csv", "b.csv", "--json", "b.json")
    files += [("baselines-csv", "b.csv"), ("baselines-json", "b.json")]
    ms("bench", "--steps", "3", "--warmup", "0", "--batch", "20", "--json",
       stdout="bench.json")
    ms("bench", "--steps", "8", "--warmup", "0", "--batch", "20",
       "--threads", "2", "--speedup", "--json", stdout="speedup.json")
    files += [("bench-json", "bench.json"),
              ("bench-speedup-json", "speedup.json")]
    # direct: a line name with a comma ("GD, one step (19 points)")
    ms("reproduce", "--figure", "1a,direct", "--runs", "2", "--steps", "5",
       "--depths", "2", "--batch", "20", "--test-batch", "20", "-q",
       "--out", "r", stdout="r.txt")
    files += [("reproduce-csv", "r/fig1a.csv"),
              ("reproduce-summary-csv", "r/fig1a_summary.csv"),
              ("reproduce-csv", "r/figdirect.csv"),
              ("reproduce-summary-csv", "r/figdirect_summary.csv")]
    # a sweep: 2 x 2 jobs, one of its results and the merged tables
    open("grid.ini", "w").write("kappa = 2, 10\nseeds = 2\nlayers = 2\n"
                                "steps = 6\nbatch = 20\ntest-batch = 20\n")
    ms("sweep", "run", "grid.ini", "--out", "sw", "-q", stdout="sw.txt")
    results = sorted(glob.glob("sw/results/*.json"))
    files += [("sweep-json", "sw/sweep.json"),
              ("sweep-result-json", results[0] if results else "sw/none"),
              ("sweep-results-csv", "sw/results.csv"),
              ("sweep-summary-csv", "sw/summary.csv")]
    if viz:
        files.append(("history-csv", viz))
    else:
        print("SKIP: the visualizer's export (no tmux); its schema is "
              "train --csv's, checked above")

    used = set()
    for name, path in files:
        if name not in schemas:
            fail("%s: no schema %s in %s" % (path, name, doc))
            continue
        used.add(name)
        if not os.path.exists(path):
            fail("%s was not written" % path)
            continue
        kind, rows = schemas[name]
        if name.startswith("sweep-") and kind == "csv":
            axes = [a["name"] for a in json.load(open("sw/sweep.json"))["axes"]]
            metrics = [c for r in rows if ", " in r["column"]
                       for c in r["column"].split(", ")]
            metrics = metrics or [c for r in schemas["sweep-results-csv"][1]
                                  if ", " in r["column"]
                                  for c in r["column"].split(", ")]
            if name == "sweep-summary-csv":
                axes = [a for a in axes if a != "seed"]
            rows = sweep_columns(rows, axes, metrics)
        if kind == "csv":
            check_csv(name, path, rows)
        else:
            try:
                data = json.load(open(path))
            except ValueError as e:
                fail("%s: not JSON: %s" % (path, e))
                continue
            check_json(name, path, rows, data)
        print("checked %s against %s" % (path, name))
    for name in sorted(set(schemas) - used):
        fail("schema %s of %s: no output checked against it" % (name, doc))
    if failures:
        print("formats: %d failure(s)" % len(failures))
        return 1
    print("formats: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
