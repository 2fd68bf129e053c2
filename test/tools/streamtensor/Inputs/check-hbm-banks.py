"""Checks the HBM bank of every buffer of an LLM design: the host program's
tables (host/llm_graphs.cpp: which graph argument, result or internal buffer
each kernel port is bound to) against link/connectivity.cfg (the bank of each
port). Every buffer must be in one bank whatever kernel or graph binds it, so
that the host never copies between banks; the token ids, the hidden
states, each KV cache and the logits in banks of their own; the weights spread over all the other
banks (as many as there are weights, up to the bank count).
Usage: check-hbm-banks.py <design-dir> <pseudo-channels>"""
import os
import re
import sys

design, channels = sys.argv[1], int(sys.argv[2])
source = open(os.path.join(design, "host", "llm_graphs.cpp")).read()

# Per graph, the role of each argument and result.
ACTIVATION_ARGS = {"Hidden": "hidden", "KeyCache": "k_cache",
                   "ValueCache": "v_cache"}
RESULTS = {"Hidden": "hidden", "NewKey": "k_cache", "NewValue": "v_cache",
           "Logits": "logits"}
args, results = {}, {}
for graph, body in re.findall(r"const llm::Arg (\w+)_args\[\] = \{(.*?)\n\};",
                              source, re.S):
    args[graph] = []
    for kind, name, part in re.findall(
            r'\{llm::ArgKind::(\w+), "([^"]+)", \d+, (\d+), \d+\}', body):
        if kind in ("KeyCache", "ValueCache"):
            args[graph].append(("%s.%s" % (ACTIVATION_ARGS[kind], part), True))
        elif kind in ("Hidden", "Tokens"):
            args[graph].append((kind.lower(), True))
        else:
            args[graph].append((name, False))
for graph, body in re.findall(
        r"const llm::Result (\w+)_results\[\] = \{(.*?)\n\};", source, re.S):
    results[graph] = []
    for kind, part in re.findall(
            r'\{llm::ResultKind::(\w+), "[^"]+", \d+, (\d+)\}', body):
        role = RESULTS[kind]
        if kind in ("NewKey", "NewValue"):
            role += "." + part
        results[graph].append((role, True))

# The bank of each port of each compute unit.
bank = {}
for line in open(os.path.join(design, "link", "connectivity.cfg")):
    # A bank is one pseudo-channel, or a range of them (HBM[a:b]), by its
    # first.
    match = re.match(r"sp=(\w+)_1\.(\w+):HBM\[(\d+)(:\d+)?\]", line.strip())
    if match:
        bank[(match.group(1), match.group(2))] = int(match.group(3))

# Every port binding of every step: the bank of the buffer bound to it.
banks_of = {}
activation = {}
steps = re.findall(r"const llm::Binding (\w+)_step\d+\[\] = \{(.*?)\n\};",
                   source, re.S)
kernels = dict(re.findall(r'\{"(\w+)", (\w+_step\d+), \d+, \d+\}', source))
step_names = {v: k for k, v in kernels.items()}
for (graph, body), name in zip(
        steps, re.findall(r"const llm::Binding (\w+_step\d+)\[\]", source)):
    if name not in step_names:
        continue  # a copy step (in place when the host passes the cache)
    kernel = step_names[name]
    for kind, index, port in re.findall(
            r'\{llm::BindingKind::(\w+), (\d+), "(\w+)", \w+\}', body):
        index = int(index)
        if kind == "Scalar":
            continue
        if kind == "Argument":
            role, is_activation = args[graph][index]
        elif kind == "Result":
            role, is_activation = results[graph][index]
        else:
            role, is_activation = "%s.buffer%d" % (graph, index), True
        if (kernel, port) not in bank:
            sys.exit("%s.%s (%s) has no bank" % (kernel, port, role))
        banks_of.setdefault(role, set()).add(bank[(kernel, port)])
        activation[role] = is_activation

errors = []
for role, banks in sorted(banks_of.items()):
    if len(banks) != 1:
        errors.append("%s is bound in banks %s" % (role, sorted(banks)))
activation_banks = [min(b) for r, b in banks_of.items() if activation[r]]
weight_banks = {min(b) for r, b in banks_of.items() if not activation[r]}
if len(set(activation_banks)) != len(activation_banks):
    errors.append("activations share banks: %s" % sorted(activation_banks))
if weight_banks & set(activation_banks):
    errors.append("weights in activation banks %s" %
                  sorted(weight_banks & set(activation_banks)))
weights = sum(1 for r in banks_of if not activation[r])
expected = min(weights, channels - len(activation_banks))
if len(weight_banks) != expected:
    errors.append("weights in %d banks, expected %d" %
                  (len(weight_banks), expected))
if errors:
    sys.exit("\n".join(errors))
print("one bank per buffer: %d buffers, %d activation banks, "
      "%d weights over %d banks" % (len(banks_of), len(activation_banks),
                                    weights, len(weight_banks)))
