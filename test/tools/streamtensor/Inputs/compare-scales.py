"""Compares two scales.json files (activation scale per linear layer, by
the HuggingFace name of its weight): same layers, values within 1e-5
relative. Usage: compare-scales.py <ours> <reference>"""
import json
import sys

ours = json.load(open(sys.argv[1]))
reference = json.load(open(sys.argv[2]))
if ours.keys() != reference.keys():
    sys.exit("layers differ: only ours %s, only the reference's %s"
             % (sorted(ours.keys() - reference.keys()),
                sorted(reference.keys() - ours.keys())))
bad = [(name, ours[name], reference[name]) for name in ours
       if abs(ours[name] - reference[name]) > 1e-5 * abs(reference[name])]
if bad:
    sys.exit("scales differ: %s" % bad)
print("scales match: %d layers" % len(ours))
