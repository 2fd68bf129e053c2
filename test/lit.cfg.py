# -*- Python -*-
import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "StreamTensor"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.streamtensor_obj_root, "test")
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

llvm_config.with_system_environment(["HOME", "TMP", "TEMP"])
llvm_config.use_default_substitutions()  # FileCheck, not, count

# Debian's python3 (numpy) runs the scripts of the tests; upstream MLIR's CPU
# lowering gives the goldens.
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%golden", os.path.join(config.streamtensor_src_root, "test", "golden", "mlir-cpu-golden.py")))
# The folder of the binaries, for scripts that run several of them.
config.substitutions.append(("%streamtensor_bin", os.path.join(config.streamtensor_obj_root, "bin")))
config.substitutions.append(("%examples", os.path.join(config.streamtensor_src_root, "examples")))
# mlir-runner's support libraries (printI64 and the like).
config.substitutions.append(("%llvm_lib_dir", os.path.join(os.path.dirname(config.llvm_tools_dir), "lib")))

# Real torch-mlir exports, kept next to the repository (not in it).
corpus_dir = os.path.normpath(os.path.join(config.streamtensor_src_root, "..", "shared", "corpus", "streamhls"))
config.substitutions.append(("%corpus", corpus_dir))
if os.path.isdir(corpus_dir):
    config.available_features.add("corpus")

# report.html's graphs need Graphviz's dot (scripts/setup.sh installs it).
if shutil.which("dot"):
    config.available_features.add("graphviz")

tool_dirs = [os.path.join(config.streamtensor_obj_root, "bin"), config.llvm_tools_dir]
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(["streamtensor-opt", "streamtensor", "streamtensor-import"], tool_dirs)
