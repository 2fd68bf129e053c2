"""Checks the design space search in an LLM compile's report.json.

  check-search.py REPORT BUDGET [OTHER_REPORT]

Each graph's search (or the design's, for an MLIR input): BUDGET trials,
the first the options as given; the chosen trial is feasible, has the
fewest cycles of the feasible ones and is on the front; the design written
is the chosen one (its cycles are the chosen trial's). With OTHER_REPORT (the same compile with another
--jobs): the same trials and choices, point by point.

An LLM's graphs are searched in the order embed_decode, embed_prefill,
lm_head, block_decode, block_prefill, each lent what the earlier ones left:
the first is lent nothing; each next one is lent, per resource kind, what
the previous one could use (`available`) less what its chosen trial uses;
and the chosen designs together fit the device.
"""
import json
import sys


def searches(report):
    """name: search section, per graph of an LLM or for an MLIR design."""
    if "graphs" not in report:
        return {"design": report["search"]}
    return {name: graph["search"] for name, graph in report["graphs"].items()}


def design_cycles(report, name):
    """The written design's estimated cycles as the search measured them
    (one graph call for an LLM, its ports bound graph by graph, before the
    model's HBM plan)."""
    if "graphs" not in report:
        return report["performance"]["estimated_kernel_cycles"]
    return report["graphs"][name]["search_estimated_cycles"]


KINDS = ["dsp", "lut", "ff", "bram18k", "uram"]
ORDER = ["embed_decode", "embed_prefill", "lm_head", "block_decode", "block_prefill"]


def check_lending(report, problems):
    graphs = report["graphs"]
    expected = {kind: 0 for kind in KINDS}
    for name in ORDER:
        search = graphs[name]["search"]
        for kind in KINDS:
            if abs(search["lent"][kind] - expected[kind]) > 1:
                problems.append(f"{name}: lent {search['lent'][kind]} {kind}, "
                                f"expected {expected[kind]}")
            if search["available"][kind] < search["lent"][kind]:
                problems.append(f"{name}: available {kind} below what it was lent")
        chosen = search["trials"][search["chosen"]]
        expected = {kind: max(0, search["available"][kind] - chosen[kind])
                    for kind in KINDS}
    resources = report["resources"]
    if not resources["fits"]:
        problems.append("the chosen designs together do not fit the device")


def main():
    report = json.load(open(sys.argv[1]))
    budget = int(sys.argv[2])
    problems = []
    for name, search in searches(report).items():
        trials = search["trials"]
        if len(trials) != budget:
            problems.append(f"{name}: {len(trials)} trials, not {budget}")
        if search["start"] != 0 or not trials[0]["point"].startswith("tile 16, unroll 100%"):
            problems.append(f"{name}: the first trial is not the options as given")
        feasible = [t for t in trials if t["feasible"]]
        chosen = trials[search["chosen"]]
        if not chosen["feasible"]:
            problems.append(f"{name}: the chosen trial does not fit")
        if chosen["estimated_cycles"] != min(t["estimated_cycles"] for t in feasible):
            problems.append(f"{name}: the chosen trial is not the fastest")
        if search["chosen"] not in search["front"]:
            problems.append(f"{name}: the chosen trial is not on the front")
        for index in search["front"]:
            if not trials[index]["feasible"]:
                problems.append(f"{name}: trial {index} on the front does not fit")
        cycles = design_cycles(report, name)
        if cycles != chosen["estimated_cycles"]:
            problems.append(f"{name}: the design's {cycles} cycles are not the "
                            f"chosen trial's {chosen['estimated_cycles']}")
        points = [t["point"] for t in trials]
        if len(set(points)) != len(points):
            problems.append(f"{name}: a point was compiled twice")
    if "graphs" in report:
        check_lending(report, problems)
        start = report["search"]["start_design"]
        if start is None or start["estimated_ttft_ms"] <= 0:
            problems.append("no estimate of the options as given")
    if len(sys.argv) > 3:
        other = searches(json.load(open(sys.argv[3])))
        for name, search in searches(report).items():
            if search != other[name]:
                problems.append(f"{name}: another --jobs searched differently")
    for problem in problems:
        print("error:", problem)
    if not problems:
        print("search ok:", ", ".join(
            f"{name} {s['trials'][s['chosen']]['point']}"
            for name, s in sorted(searches(report).items())))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
