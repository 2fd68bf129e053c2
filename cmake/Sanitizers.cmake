# STREAMTENSOR_SANITIZE: build the project's own C++ (lib, tools, unittests,
# bench) with AddressSanitizer (LeakSanitizer included) and
# UndefinedBehaviorSanitizer, for `make sanitize` (docs/sanitizers.md).
#
#   -DSTREAMTENSOR_SANITIZE=ON                   ASan + UBSan
#   -DSTREAMTENSOR_SANITIZE="address;undefined"  the same, spelled out
#   -DSTREAMTENSOR_SANITIZE=address              one of them
#
# LLVM's own switch, LLVM_USE_SANITIZER (HandleLLVMOptions), is not used:
# its UBSan flags come from LLVM_UBSAN_FLAGS, which only LLVM's source tree
# defines, so with Debian's installed CMake files "Address;Undefined" would
# silently build ASan alone. Debian's LLVM and MLIR libraries stay
# uninstrumented: errors inside them are found only where our code hands
# them bad memory, but ASan replaces malloc and free for the whole process,
# so leaks and bad frees are reported wherever they happen.
#
# The fuzz targets (fuzz/) are a CMake project of their own, always built
# with sanitizers, and are not affected by this option.

set(STREAMTENSOR_SANITIZE OFF CACHE STRING
    "Sanitizers for the project's own code: OFF, ON (address;undefined), or a list of address, undefined")

# The directory and those below it, depth first.
function(streamtensor_collect_directories dir out)
  set(all ${dir})
  get_property(children DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(child ${children})
    streamtensor_collect_directories(${child} below)
    list(APPEND all ${below})
  endforeach()
  set(${out} ${all} PARENT_SCOPE)
endfunction()

# Called once every target exists (end of the top-level CMakeLists.txt):
# compiles the runtimes' options (scripts/sanitizers/options.cpp.in) into
# every executable, so that they hold however it is started: ctest, lit, a
# test's python or shell script, GoogleTest's discovery at build time, by
# hand. ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS still override them
# flag by flag. Does nothing in a build without sanitizers.
function(streamtensor_finish_sanitizer_build)
  if(NOT STREAMTENSOR_SANITIZERS)
    return()
  endif()
  streamtensor_collect_directories(${PROJECT_SOURCE_DIR} directories)
  foreach(dir ${directories})
    get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
    foreach(target ${targets})
      get_target_property(type ${target} TYPE)
      if(type STREQUAL "EXECUTABLE")
        target_sources(${target} PRIVATE
                       ${PROJECT_BINARY_DIR}/sanitizer-options.cpp)
      endif()
    endforeach()
  endforeach()
endfunction()

set(STREAMTENSOR_SANITIZERS)
if(STREAMTENSOR_SANITIZE)
  # Any true value of CMake's (ON, YES, TRUE, 1) means both.
  string(TOUPPER "${STREAMTENSOR_SANITIZE}" value)
  if(value MATCHES "^(ON|YES|TRUE|Y|1)$")
    set(STREAMTENSOR_SANITIZERS address undefined)
  else()
    foreach(sanitizer ${STREAMTENSOR_SANITIZE})
      if(NOT sanitizer MATCHES "^(address|undefined)$")
        message(FATAL_ERROR "STREAMTENSOR_SANITIZE: unknown sanitizer "
                "'${sanitizer}' (expected ON, OFF, or a list of address, "
                "undefined)")
      endif()
      list(APPEND STREAMTENSOR_SANITIZERS ${sanitizer})
    endforeach()
    list(REMOVE_DUPLICATES STREAMTENSOR_SANITIZERS)
  endif()
endif()
if(NOT STREAMTENSOR_SANITIZERS)
  return()
endif()
list(JOIN STREAMTENSOR_SANITIZERS "," sanitize_list)
message(STATUS "Sanitizers: ${sanitize_list} (STREAMTENSOR_SANITIZE)")

# Every target of this project from here on; the runtimes' fast unwinder
# walks the frame pointers for the stack of every allocation and report.
add_compile_options(-fsanitize=${sanitize_list} -fno-omit-frame-pointer)
add_link_options(-fsanitize=${sanitize_list})
if("address" IN_LIST STREAMTENSOR_SANITIZERS)
  # LLVM's headers (llvm/Support/Compiler.h) take __SANITIZE_ADDRESS__ to
  # mean that LLVM itself is instrumented, and then poison and unpoison the
  # memory of LLVM's allocators (BumpPtrAllocator, Recycler) in inline
  # code. Debian's libLLVM and libMLIR were compiled without it, and the
  # linker keeps one copy of each inline function, ours or theirs: memory
  # poisoned by our copy is handed out by theirs without unpoisoning, and
  # the next access is a false use-after-poison (in MLIRContext's
  # constructor, for one). So LLVM's headers see the uninstrumented build
  # that LLVM is; our own code asks STREAMTENSOR_ADDRESS_SANITIZER.
  add_compile_options(-U__SANITIZE_ADDRESS__)
  add_compile_definitions(STREAMTENSOR_ADDRESS_SANITIZER=1)
endif()
if("undefined" IN_LIST STREAMTENSOR_SANITIZERS)
  # Undefined behaviour ends the program like a memory error does, instead
  # of a line in a test's output that nothing reads.
  add_compile_options(-fno-sanitize-recover=undefined)
endif()

# llvm-symbolizer names the frames of a report (else addr2line, slower).
find_program(STREAMTENSOR_LLVM_SYMBOLIZER llvm-symbolizer
             PATHS ${LLVM_TOOLS_BINARY_DIR} NO_DEFAULT_PATH)
set(STREAMTENSOR_SYMBOLIZER_OPTION "")
if(STREAMTENSOR_LLVM_SYMBOLIZER)
  set(STREAMTENSOR_SYMBOLIZER_OPTION
      ":external_symbolizer_path=${STREAMTENSOR_LLVM_SYMBOLIZER}")
endif()
set(STREAMTENSOR_SANITIZER_DIR ${PROJECT_SOURCE_DIR}/scripts/sanitizers)
configure_file(${STREAMTENSOR_SANITIZER_DIR}/options.cpp.in
               ${PROJECT_BINARY_DIR}/sanitizer-options.cpp @ONLY)
