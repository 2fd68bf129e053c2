# StreamTensor: the two commands of the README, and their parts.
#   make run    set up, build, run the main job on its built-in default
#   make test   set up, build, run every test (ends with ctest's summary)
#   make bench  the benchmarks (never part of the tests): the simulator on a
#               GPT-2 Medium block, our designs of the Stream-HLS corpus, and
#               the LLM presets at the paper's [in:out] points
#   make sanitize  every test again on an ASan + UBSan build of our code, in
#               build-sanitize/ (slow: run before every release,
#               docs/sanitizers.md)

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all setup build test run bench docs sanitize clean

all: build

setup:
	@scripts/setup.sh

build: setup
	@test -f $(BUILD_DIR)/build.ninja || \
	  cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	@ninja -C $(BUILD_DIR) -j $(JOBS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The main job on its built-in default: the attention block of
# examples/attention is compiled into a dataflow design, run in C simulation,
# checked against upstream MLIR's CPU lowering of the same model, and its
# performance estimated by the cycle-level simulator.
RUN_MODEL ?= examples/attention/attention.mlir
RUN_INPUTS ?= examples/attention/data
RUN_OUT ?= out/attention
# Then the tiny GPT-2 (seeded random weights) through the host program on
# its C-simulation backend: prefill, 8 greedy decode steps, generated ids.
RUN_LLM_OUT ?= out/gpt2-tiny
RUN_GPT2_OUT ?= out/gpt2-medium
RUN_LLM_PROMPT ?= 3,14,15,92,65,35,89,79
run: build
	@$(BUILD_DIR)/bin/streamtensor compile $(RUN_MODEL) -o $(RUN_OUT)
	@/usr/bin/python3 test/golden/mlir-cpu-golden.py $(RUN_MODEL) \
	  --inputs $(RUN_INPUTS) --out $(RUN_OUT).golden
	@$(BUILD_DIR)/bin/streamtensor csim $(RUN_OUT) --inputs $(RUN_INPUTS) \
	  --golden $(RUN_OUT).golden
	@$(BUILD_DIR)/bin/streamtensor simulate $(RUN_OUT) | \
	  grep -E '^(All figures|kernel|  bound|total)'
	@echo "design: $(RUN_OUT)/hls (Vitis HLS C++), $(RUN_OUT)/link, $(RUN_OUT)/report.json"
	@echo "== GPT-2 Medium in w4a8 for the U55C: compiled, not simulated; figures are estimates =="
	@$(BUILD_DIR)/bin/streamtensor compile gpt2-medium --precision w4a8 \
	  --platform u55c --seq-len 32 --out-tokens 32 --params no \
	  -o $(RUN_GPT2_OUT) --quiet --json | /usr/bin/python3 scripts/demo-summary.py
	@echo "== The tiny GPT-2 through the host program, C-simulation backend =="
	@$(BUILD_DIR)/bin/streamtensor compile gpt2-tiny --seq-len 8 --max-len 16 \
	  --seed 1 -o $(RUN_LLM_OUT) --quiet
	@$(BUILD_DIR)/bin/streamtensor csim $(RUN_LLM_OUT) --prompt $(RUN_LLM_PROMPT) \
	  --steps 8

# The whole suite on an AddressSanitizer + UndefinedBehaviorSanitizer build
# (STREAMTENSOR_SANITIZE, cmake/Sanitizers.cmake) at -O1 with debug info for
# the reports' stacks. The fuzz targets are left out: they are ASan + UBSan
# builds of their own in every build, and their tests run in `make test`.
# run-tests.sh fails on any sanitizer report, even one inside a test that
# expected its program to fail.
SANITIZE_BUILD_DIR ?= build-sanitize
SANITIZE_OPT_FLAGS ?= -O1 -g -DNDEBUG
sanitize: setup
	@test -f $(SANITIZE_BUILD_DIR)/build.ninja || \
	  cmake -S . -B $(SANITIZE_BUILD_DIR) -G Ninja \
	    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$(SANITIZE_OPT_FLAGS)" \
	    -DCMAKE_C_FLAGS_RELWITHDEBINFO="$(SANITIZE_OPT_FLAGS)" \
	    -DSTREAMTENSOR_SANITIZE=ON -DSTREAMTENSOR_ENABLE_FUZZING=OFF \
	    $(CMAKE_FLAGS)
	@ninja -C $(SANITIZE_BUILD_DIR) -j $(JOBS)
	@scripts/sanitizers/run-tests.sh $(SANITIZE_BUILD_DIR) -j $(JOBS)

CORPUS ?= ../shared/corpus/streamhls
bench: build
	@$(BUILD_DIR)/bench/simulator/streamtensor-bench-simulator
	@$(BUILD_DIR)/bench/simulator/streamtensor-bench-simulator --width 1
	@/usr/bin/python3 bench/corpus/compare-streamhls.py \
	  $(BUILD_DIR)/bin/streamtensor $(CORPUS) $(BUILD_DIR)/bench-corpus
	@/usr/bin/python3 bench/llm/llm-estimates.py \
	  $(BUILD_DIR)/bin/streamtensor $(BUILD_DIR)/bench-llm --jobs $(JOBS)

docs: build
	@ninja -C $(BUILD_DIR) mlir-doc
	@echo "dialect reference: $(BUILD_DIR)/docs/Dialects/Dataflow.md"

clean:
	rm -rf $(BUILD_DIR)
