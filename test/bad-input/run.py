"""Runs the bad-input table, cases.tsv. Each row is a command that must
refuse its input: exit with the row's code, print exactly one line on
stderr that matches the row's message (which names the file and the op or
field), and leave every file where it was: no output folder, no
<out>.partial, nothing changed.

Usage: run.py --bin DIR --scratch DIR [--only REGEX] cases.tsv

Columns of cases.tsv (tab-separated; '#' starts a comment line):
  name  category  exit  needs  command  message
`needs` is '-' or 'non-root' (a row that relies on file permissions, which
do not stop root). In `command`: {st} is streamtensor, {import}
streamtensor-import, {src} the Inputs folder beside this script, {in} the
generated inputs (make_inputs.py, plus the designs compiled below) and
{out} a path that does not exist. `message` is a Python regex searched in
the one line.
"""
import argparse
import collections
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
import make_inputs  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# A refusal is quick; an LLM row runs no pipeline before it fails. This
# only stops a hang from stopping the test suite.
TIMEOUT_SECONDS = 300

Row = collections.namedtuple("Row", "line name category code needs command "
                                    "message")


def read_table(path):
    rows = []
    with open(path) as f:
        for number, text in enumerate(f, 1):
            text = text.rstrip("\n")
            if not text.strip() or text.startswith("#"):
                continue
            fields = text.split("\t")
            if len(fields) != 6:
                sys.exit(f"{path}:{number}: expected 6 tab-separated fields, "
                         f"got {len(fields)}")
            name, category, code, needs, command, message = fields
            rows.append(Row(number, name, category, int(code), needs, command,
                            re.compile(message)))
    names = [row.name for row in rows]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        sys.exit(f"{path}: duplicate names: {', '.join(sorted(duplicates))}")
    return rows


def snapshot(root):
    """Every path under root, with size and modification time of files.
    Folders count by name only: creating and removing a probe inside one
    changes its time but leaves nothing behind."""
    state = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            kind = stat.S_IFMT(info.st_mode)
            state[path] = ((kind,) if stat.S_ISDIR(info.st_mode) else
                           (kind, info.st_size, info.st_mtime_ns))
    return state


def describe_changes(before, after):
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(p for p in set(before) & set(after)
                     if before[p] != after[p])
    return ([f"left behind: {p}" for p in added] +
            [f"removed: {p}" for p in removed] +
            [f"changed: {p}" for p in changed])


def run(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True,
                          errors="replace", timeout=TIMEOUT_SECONDS, **kwargs)


def make_designs(streamtensor, inputs):
    """Designs for the rows of csim, simulate and report: a good one, and
    copies with one file broken each."""
    design = os.path.join(inputs, "design")
    result = run([streamtensor, "compile", os.path.join(HERE, "Inputs",
                                                        "good.mlir"),
                  "-o", design, "--quiet"])
    if result.returncode != 0:
        sys.exit("cannot compile the fixture design:\n" + result.stderr)

    def broken(name, path, text):
        copy = os.path.join(inputs, name)
        shutil.copytree(design, copy)
        with open(os.path.join(copy, path), "w") as f:
            f.write(text)

    broken("design-bad-ir", "ir/design.mlir", "module {\n  func.func @k(\n")
    broken("design-bad-report", "report.json", '{"platform": {"spec": ')
    broken("design-no-spec", "report.json", '{"platform": {"name": "u55c"}}\n')
    broken("design-bad-platform", "report.json",
           '{"platform": {"spec": "u999"}}\n')
    os.makedirs(os.path.join(inputs, "not-a-design"))


def check(row, result, before, after):
    """The problems with one row's run, or an empty list."""
    problems = []
    code = result.returncode
    if code < 0:
        problems.append(f"crashed with signal {-code}")
    elif code == 3:
        problems.append("internal error (exit code 3)")
    elif code != row.code:
        problems.append(f"exit code {code}, expected {row.code}")
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if len(lines) != 1:
        problems.append(f"{len(lines)} lines on stderr, expected 1")
    elif not row.message.search(lines[0]):
        problems.append(f"the line does not match /{row.message.pattern}/")
    problems += describe_changes(before, after)
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--scratch", required=True)
    parser.add_argument("--only", default="")
    parser.add_argument("table")
    args = parser.parse_args()

    rows = [row for row in read_table(args.table)
            if re.search(args.only, row.name)]
    scratch = os.path.abspath(args.scratch)
    inputs = os.path.join(scratch, "in")
    make_inputs.make_all(inputs, os.path.join(HERE, "..", "..", "platforms"))
    binaries = os.path.abspath(args.bin)
    streamtensor = os.path.join(binaries, "streamtensor")
    make_designs(streamtensor, inputs)
    places = {"st": streamtensor,
              "import": os.path.join(binaries, "streamtensor-import"),
              "src": os.path.join(HERE, "Inputs"), "in": inputs}
    root = os.geteuid() == 0

    failed, counts = [], collections.Counter()
    for row in rows:
        if row.needs == "non-root" and root:
            print(f"SKIP {row.name}: running as root, whom file permissions "
                  f"do not stop")
            continue
        output = os.path.join(scratch, "out-" + row.name)
        text = row.command.format(out=output, **places)
        before = snapshot(scratch)
        try:
            result = run(shlex.split(text), cwd=scratch)
        except subprocess.TimeoutExpired:
            result = None
        after = snapshot(scratch)
        problems = (check(row, result, before, after) if result else
                    [f"no answer in {TIMEOUT_SECONDS} s"])
        counts[row.category] += 1
        if not problems:
            print(f"PASS {row.name}")
            continue
        failed.append(row.name)
        print(f"FAIL {row.name} (cases.tsv:{row.line}): " + "; ".join(problems))
        print(f"  command: {text}")
        for line in (result.stderr.splitlines() if result else []):
            print(f"  stderr: {line}")
        # Whatever it left would make the next rows fail too.
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(output + ".partial", ignore_errors=True)

    print("rows run per category: " +
          ", ".join(f"{c} {n}" for c, n in sorted(counts.items())))
    print(f"{sum(counts.values()) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
