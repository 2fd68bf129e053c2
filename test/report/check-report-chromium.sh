#!/usr/bin/env bash
# Opens a compile folder's report.html in headless Chromium and checks that
# what a reader sees is there: the Graphviz graph parsed as inline SVG (its
# kernel clusters, process nodes and FIFO edges) and the tables with their
# rows. The screenshot is kept as the test's artefact.
#
# usage: check-report-chromium.sh <streamtensor> <model.mlir> <work-dir> <artefact-dir>
# Exit codes: 0 pass, 1 fail, 77 skipped (no Chromium or no Graphviz).
set -euo pipefail

streamtensor=$1 model=$2 work=$3 artefacts=$4

browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
  echo "SKIP: no chromium on PATH (scripts/setup.sh installs Debian's chromium)"
  exit 77
fi
if ! command -v dot > /dev/null; then
  echo "SKIP: no Graphviz dot on PATH (scripts/setup.sh installs graphviz)"
  exit 77
fi

rm -rf "$work"
mkdir -p "$work" "$artefacts"
"$streamtensor" compile "$model" -o "$work/design" > /dev/null
page="$work/design/report.html"

# Chromium runs as root only without its sandbox, and wants a profile and a
# HOME it can write; both are thrown away.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
run_chromium() {
  HOME="$profile" timeout 25 "$browser" --headless --no-sandbox --disable-gpu \
    --user-data-dir="$profile/data" --no-first-run --hide-scrollbars \
    --window-size=1400,3000 "$@" "file://$page" 2> "$work/chromium.log"
}
run_chromium --dump-dom > "$work/dom.html"
run_chromium --screenshot="$artefacts/report.png" > /dev/null

/usr/bin/python3 - "$work/dom.html" "$artefacts/report.png" <<'PY'
import html.parser
import sys

dom_path, png_path = sys.argv[1], sys.argv[2]


class Collector(html.parser.HTMLParser):
    """Counts what the browser's DOM holds, by section."""

    def __init__(self):
        super().__init__()
        self.section = None
        self.svg_depth = 0
        self.counts = {}
        self.headers = []

    def bump(self, key):
        self.counts[key] = self.counts.get(key, 0) + 1

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.section = attrs.get("id")
        if tag == "svg":
            self.svg_depth += 1
            self.bump((self.section, "svg"))
        if tag == "g" and self.svg_depth:
            self.bump((self.section, "g." + attrs.get("class", "")))
        if tag == "tr":
            self.bump((self.section, "tr"))

    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg_depth -= 1

    def handle_data(self, data):
        if self.lasttag == "th":
            self.headers.append(data)


collector = Collector()
with open(dom_path, encoding="utf-8") as dom:
    collector.feed(dom.read())
counts = collector.counts
failures = []


def expect(what, actual, at_least):
    status = "ok" if actual >= at_least else "FAIL"
    print(f"{status}: {what}: {actual} (at least {at_least})")
    if actual < at_least:
        failures.append(what)


# attention.mlir: fused kernel(s) with dozens of processes and FIFOs.
expect("graph SVGs", counts.get(("graphs", "svg"), 0), 1)
expect("graph kernel clusters", counts.get(("graphs", "g.cluster"), 0), 1)
expect("graph process nodes", counts.get(("graphs", "g.node"), 0), 20)
expect("graph FIFO edges", counts.get(("graphs", "g.edge"), 0), 20)
expect("roofline chart", counts.get(("roofline", "svg"), 0), 1)
expect("performance table rows", counts.get(("performance", "tr"), 0), 4)
expect("resource table rows", counts.get(("resources", "tr"), 0), 3)
expect("task table rows", counts.get(("tasks", "tr"), 0), 20)
expect("FIFO table rows", counts.get(("fifos", "tr"), 0), 20)
expect("memory table rows", counts.get(("memory", "tr"), 0), 2)
for header in ["L (cycles)", "D (cycles)", "II", "DSP", "BRAM18K", "depth",
               "width (bits)", "before fusion", "ping-pong bytes"]:
    expect(f"table header '{header}'", collector.headers.count(header), 1)

# A PNG of the page, not an error page: the signature and a real size.
with open(png_path, "rb") as png:
    data = png.read()
width = int.from_bytes(data[16:20], "big") if len(data) > 24 else 0
height = int.from_bytes(data[20:24], "big") if len(data) > 24 else 0
expect("screenshot is a PNG", int(data[:8] == b"\x89PNG\r\n\x1a\n"), 1)
expect("screenshot width", width, 1000)
expect("screenshot bytes", len(data), 50000)
print(f"screenshot: {png_path} ({width}x{height})")
sys.exit(1 if failures else 0)
PY
