"""Checks the dies of an LLM design: the graphs are on the device together,
so every die's use in report.json (resources.slrs) must be the sum of what
the processes of all the graphs placed on it need, within what it has, and
link/floorplan.tcl must put every process on the die the report gives it.
Prints one line per die and "dies: ok".
Usage: check-die-usage.py <design-dir>"""
import json
import os
import re
import sys

design = sys.argv[1]
report = json.load(open(os.path.join(design, "report.json")))
kinds = ["dsp", "lut", "ff", "bram18k", "uram"]
dies = report["resources"]["slrs"]
summed = [dict.fromkeys(kinds, 0.0) for _ in dies]
die_of = {}
for graph in report["graphs"].values():
    for kernel in graph["kernels"]:
        for process in kernel["processes"]:
            slr = process["slr"]
            for kind in kinds:
                summed[slr][kind] += process.get(kind, 0)
            die_of[(kernel["name"], process["function"])] = slr

for index, die in enumerate(dies):
    for kind in kinds:
        used, available = die[kind]["used"], die[kind]["available"]
        if abs(used - summed[index][kind]) > 1e-6 * max(1.0, used):
            sys.exit("%s %s: the report says %s used, its processes need %s"
                     % (die["name"], kind, used, summed[index][kind]))
        if used > available:
            sys.exit("%s %s: %s used, %s available"
                     % (die["name"], kind, used, available))
    print("%s: %d DSP, %d LUT" % (die["name"], die["dsp"]["used"],
                                  die["lut"]["used"]))
for kind in kinds:
    total = sum(die[kind]["used"] for die in dies)
    if abs(total - report["resources"][kind]["used"]) > 1e-6 * max(1.0, total):
        sys.exit("%s: the dies use %s, the design %s"
                 % (kind, total, report["resources"][kind]["used"]))

names = [die["name"] for die in dies]
floorplan = open(os.path.join(design, "link", "floorplan.tcl")).read()
placed = 0
for die, kernel, cell in re.findall(
        r'pblock_dynamic_(\w+)\] \[get_cells -hierarchical -filter '
        r'\{NAME =~ "\*/(\w+)_1/\*(\w+)_U0"\}', floorplan):
    matches = [slr for (name, function), slr in die_of.items()
               if name == kernel and function.endswith(cell)]
    if len(matches) != 1:
        sys.exit("floorplan cell %s/%s matches %d processes"
                 % (kernel, cell, len(matches)))
    if names[matches[0]] != die:
        sys.exit("floorplan puts %s/%s on %s, the report on %s"
                 % (kernel, cell, die, names[matches[0]]))
    placed += 1
if placed != len(die_of):
    sys.exit("floorplan places %d of %d processes" % (placed, len(die_of)))
print("dies: ok")
