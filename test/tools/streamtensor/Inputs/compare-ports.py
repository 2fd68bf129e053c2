"""Checks that a design's link/connectivity.cfg maps every m_axi port of
every kernel's top function, and nothing else: the ports are read from the
HLS C++ (the interface pragmas), independently of the link emitter.
Usage: compare-ports.py <design-dir> <pseudo-channels>"""
import glob
import os
import re
import sys

design, channels = sys.argv[1], int(sys.argv[2])

# The m_axi and s_axilite ports of each top function, from the HLS C++.
axi, lite = {}, {}
for path in glob.glob(os.path.join(design, "hls", "*.cpp")):
    text = open(path).read()
    top = re.search(r'extern "C" void (\w+)\(', text)
    if not top:
        sys.exit("%s: no top function" % path)
    body = text[top.start():]
    axi[top.group(1)] = set(re.findall(r"interface m_axi port=(\w+)", body))
    lite[top.group(1)] = set(re.findall(r"interface s_axilite port=(\w+)", body))

# The compute units and the ports the link step maps, from the config.
units, mapped = {}, {}
for line in open(os.path.join(design, "link", "connectivity.cfg")):
    line = line.strip()
    if line.startswith("nk="):
        kernel, count, unit = line[3:].split(":")
        units[unit] = kernel
    elif line.startswith("sp="):
        port, memory = line[3:].split(":", 1)
        unit, name = port.split(".")
        # One pseudo-channel, or a range of adjacent ones: HBM[a:b].
        bank = re.fullmatch(r"HBM\[(\d+)(?::(\d+))?\]", memory)
        last = bank and int(bank.group(2) or bank.group(1))
        if not bank or not int(bank.group(1)) <= last < channels:
            sys.exit("%s: not a pseudo-channel of the card" % line)
        if unit not in units:
            sys.exit("%s: unit %s has no nk= line" % (line, unit))
        ports = mapped.setdefault(units[unit], set())
        if name in ports:
            sys.exit("%s: port mapped twice" % line)
        ports.add(name)

if set(axi) != set(mapped):
    sys.exit("kernels differ: HLS %s, connectivity %s" %
             (sorted(axi), sorted(mapped)))
for kernel in sorted(axi):
    if axi[kernel] != mapped[kernel]:
        sys.exit("%s: m_axi ports %s, mapped %s" %
                 (kernel, sorted(axi[kernel]), sorted(mapped[kernel])))
# Pointers have their address in the control registers too; the scalars
# are the control registers that are no pointer (nor the return).
scalars = sum(len(lite[kernel] - axi[kernel] - {"return"}) for kernel in axi)
print("connectivity maps every m_axi port: %d kernels, %d ports, %d scalars "
      "left on s_axilite" % (len(axi), sum(len(p) for p in axi.values()),
                             scalars))
