# StreamTensor: the two commands of the README, and their parts.
#   make run    set up, build, run the main job on its built-in default
#   make test   set up, build, run every test (ends with ctest's summary)

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all setup build test run docs clean

all: build

setup:
	@scripts/setup.sh

build: setup
	@test -f $(BUILD_DIR)/build.ninja || \
	  cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	@ninja -C $(BUILD_DIR) -j $(JOBS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# Until `streamtensor compile` lands, the main job verifies and prints the
# paper's Figure 5 as dataflow IR: a producer, the minimal 8x2 layout
# converter, a consumer.
run: build
	@$(BUILD_DIR)/bin/streamtensor-opt examples/figure5.mlir --canonicalize
	@echo "examples/figure5.mlir: verified (itensor types, loop nests, converter buffer)"

docs: build
	@ninja -C $(BUILD_DIR) mlir-doc
	@echo "dialect reference: $(BUILD_DIR)/docs/Dialects/Dataflow.md"

clean:
	rm -rf $(BUILD_DIR)
