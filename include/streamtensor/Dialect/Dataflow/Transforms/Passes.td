#ifndef STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_PASSES_TD
#define STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FuseElementwise : Pass<"dataflow-fuse-elementwise",
                           "::mlir::func::FuncOp"> {
  let summary = "Fuse elementwise linalg producers into their consumers, "
                "unless that recomputes arithmetic";
  let description = [{
    Upstream's elementwise fusion with a cost rule. A producer whose result
    the consumer reads once per element (the operand's indexing map is a
    permutation of the consumer's loops) is fused: nothing is computed
    twice. A producer whose result the consumer reads again and again (a
    matmul's activation, read once per output column; a row statistic
    broadcast over the row) is fused only when its payload is free in
    hardware: casts, shifts and bit operations on integers, selects,
    constants (the unpacking of 4-bit weights). Anything else (float
    arithmetic, math functions, integer multiplies and divides) stays a
    separate op: after tiling it becomes its own kernel, computed once per
    element and streamed, where fusion would recompute it per reuse (a GELU
    and its requantisation 4096 times per element in a down projection).
    Reshapes are folded by expansion under the same rule.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect"
  ];
}

def ConvertLinalgToKernel : Pass<"dataflow-convert-linalg-to-kernel",
                                 "::mlir::func::FuncOp"> {
  let summary = "Tile every linalg op and turn it into a dataflow kernel";
  let description = [{
    Each linalg op at the top level of the function becomes a
    `dataflow.kernel` holding one `dataflow.task`. The task walks the op's
    iteration domain tile by tile: parallel tile loops outside, reduction
    tile loops inside them, so that each output tile is complete when it is
    written. Every input is read, and the output written, through an
    itensor whose type follows from the tile loops (trip counts and steps)
    and the operand's indexing map. A `linalg.fill`-like producer of the
    output's init is recomputed on each tile instead of being streamed in.

    Each loop is tiled by the largest divisor of its range that is at most
    `tile-size`, so every tile is whole; `kernel-tile-sizes` sets that
    bound per kernel instead (the design space search tunes it kernel by
    kernel). `unroll-factor` is recorded on each task
    (`dataflow.unroll_factor`) for the lowering and the emitter.

    The parallel tile loops are nested in the op's own loop order unless
    `kernel-tile-orders` gives another one for a kernel, as NAME=i,j,...:
    the op's parallel loops, numbered 0..P-1 in the op's order, from the
    outermost tile loop in. The reduction tile loops stay inside them, in
    the op's order. The order decides the layout of every itensor of the
    kernel (which tile comes when), hence the converters that fusion puts
    between kernels and the reuse of their data. An entry that is not a
    permutation of the kernel's parallel loops, or names no kernel of the
    function, is an error.
  }];
  let options = [
    Option<"tileSize", "tile-size", "int64_t", /*default=*/"16",
           "Largest tile size on any loop">,
    ListOption<"kernelTileSizes", "kernel-tile-sizes", "std::string",
               "Largest tile size of named kernels, as NAME=SIZE (the "
               "names this pass gives, such as matmul_3)">,
    ListOption<"kernelTileOrders", "kernel-tile-orders", "std::string",
               "Order of the parallel tile loops of named kernels, outermost "
               "first, as NAME=i,j,... (a permutation of the kernel's "
               "parallel loops in the op's order)">,
    Option<"unrollFactor", "unroll-factor", "int64_t", /*default=*/"1",
           "Elements of a tile each task computes per cycle: the innermost "
           "loop of the tile computation is unrolled this many times (and "
           "the tile buffers partitioned to match)">
  ];
  let dependentDialects = [
    "::streamtensor::dataflow::DataflowDialect", "::mlir::scf::SCFDialect",
    "::mlir::arith::ArithDialect", "::mlir::tensor::TensorDialect",
    "::mlir::linalg::LinalgDialect"
  ];
}

def FuseKernels : Pass<"dataflow-fuse-kernels", "::mlir::func::FuncOp"> {
  let summary = "Fuse dataflow kernels so that they stream to each other";
  let description = [{
    The paper's Algorithm 2: kernels are visited in topological order and
    each joins the fusion group of its latest producer when the layout
    converters it needs fit in the remaining on-chip budget. Inside a fused
    kernel, a producer feeds its consumer directly when their itensor types
    are equal and through a minimal `itensor_converter` otherwise; a value
    with several consumers inside the kernel goes through `itensor_fork`.
    Values still needed outside the fused kernel remain its results.
  }];
  let options = [
    Option<"maxOnChipBytes", "max-on-chip-bytes", "int64_t",
           /*default=*/"42991616",
           "On-chip memory (bytes) the converters of one fused kernel may use "
           "(default: 41 MiB, the U55C)">
  ];
  let dependentDialects = ["::streamtensor::dataflow::DataflowDialect"];
}

def LowerKernelToFunc : Pass<"dataflow-lower-kernel-to-func",
                             "::mlir::ModuleOp"> {
  let summary = "Materialise DMAs, converters and forks; tasks become "
                "functions over FIFOs";
  let description = [{
    Every `dataflow.kernel` becomes a function over memrefs (its inputs and
    outputs in external memory) whose body declares one `dataflow.stream`
    per itensor edge and calls one function per process: a load DMA per
    input, the tasks, a converter process per `itensor_converter` (the
    ping-pong buffer inside the shared loops), a fork process per
    `itensor_fork`, and a store DMA per output. Streams carry the scalars of
    each tile in row-major order, tile after tile in itensor order. Inside
    the tasks, tiles become local buffers and linalg ops become loops over
    them, reduction loops outermost (the paper's permutation heuristic) so
    that the innermost, pipelined loop carries no dependence; that loop is
    marked with the task's `dataflow.unroll_factor`. DMAs move one tile at a
    time through a local buffer. The kernel op is replaced by a call of the
    new function.
  }];
  let dependentDialects = [
    "::streamtensor::dataflow::DataflowDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect"
  ];
}

def PackMacs : Pass<"dataflow-pack-macs", "::mlir::ModuleOp"> {
  let summary = "Compute two int8 MACs that share an activation in one multiply";
  let description = [{
    WP486's packing: a matmul's two output columns share the activation a,
    so a * (w0 * 2^16 + w1) gives both a * w0 (the high part, plus the
    borrow of the low one) and a * w1 (the low 16 bits, sign-extended), one
    DSP48E2 multiply for two MACs; the accumulations stay exact 32-bit
    sums. On each process's MAC (acc[i] += a * w, 8-bit operands at most,
    in the loop over the output columns, from 0 by 1 an even number of
    times, which holds no other store), that loop goes by two and the two
    columns' updates become a loop of two unrolled completely; by default
    only where each weight serves several output rows (a prefill's tokens):
    a weight used once comes at its stream's pace, and more MACs a cycle
    only add adders that wait for it. Runs before
    the unrolling, which then spends the DSPs saved, and only for the MACs
    the platform packs two per DSP (`dspPacking`), the figure the task
    model prices the packed multiply at.
  }];
  let options = [
    Option<"platform", "platform", "std::string", /*default=*/"\"u55c\"",
           "Target platform (a name under platforms/ or a .json path)">,
    Option<"packOnceUsedWeights", "once-used-weights", "bool",
           /*default=*/"false",
           "Also pack a MAC whose weights each serve one output row (a "
           "decode step's), which its weight stream paces">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def UnrollByIntensity : Pass<"dataflow-unroll-by-intensity",
                              "::mlir::ModuleOp"> {
  let summary = "Unroll the slowest tasks first, within a DSP budget";
  let description = [{
    Paper section 5.1: a max-heap of task latencies; the slowest task's
    unroll factor is raised (to the next divisor of its compute loop's trip
    count) as long as the design's DSPs stay within the budget, its LUTs
    and FFs within the device's, and the task within half of one die (a
    task is placed on one die). A compute loop whose inner loops are all
    unrolled completely is unrolled next: they are its pipeline's body.
    Latencies and resources come from the task profiler on the platform's
    operator costs, so the factors and the profiles agree. Loops that move
    tokens through FIFOs are not unrolled: a FIFO passes one token per
    cycle. A step whose operators add more LUTs than `luts-per-cycle`
    times the cycles it saves is not taken. When a task's longest nest
    cannot get faster, its shorter nests may still take steps that cost no
    operators and no memory banks (an accumulator reset). With
    `order=cheapest`, the step that saves the most cycles of its task per
    part of the DSP, LUT or FF limit it takes comes first instead of the
    slowest task's: a graph whose tasks run one after another (a decode
    step) wants its total latency, not its slowest task, cut.
  }];
  let options = [
    Option<"platform", "platform", "std::string", /*default=*/"\"u55c\"",
           "Target platform (a name under platforms/ or a .json path)">,
    Option<"dspBudget", "dsp-budget", "int64_t", /*default=*/"-1",
           "DSPs the kernels may use (-1: 80% of the platform's, less "
           "the shell, times `share`)">,
    Option<"share", "share", "double", /*default=*/"1.0",
           "Part of the device this module's kernels may fill, in (0, 1]: "
           "an LLM's graphs sit side by side, each with its share of the "
           "DSPs, LUTs and FFs">,
    Option<"lutsPerCycle", "luts-per-cycle", "double", /*default=*/"30",
           "LUTs of operators a step may add per cycle of the task's "
           "latency it saves (0: no limit)">,
    Option<"order", "order", "std::string", /*default=*/"\"slowest\"",
           "Which step comes first: 'slowest' (the paper's: the slowest "
           "task's, which suits a pipeline) or 'cheapest' (the one saving "
           "the most cycles per part of the budget it takes, which suits a "
           "chain of tasks whose latencies add)">
  ];
}

def WidenFifos : Pass<"dataflow-widen-fifos", "::mlir::ModuleOp"> {
  let summary = "Give FIFOs the width of the unroll factors around them";
  let description = [{
    Paper section 5.1: vector factors follow the unroll factors. A FIFO
    carries W elements per token, W the most elements per cycle a process
    that touches it, or the FIFOs it shares a loop with, computes (a
    pipelined loop's unroll factor times the lanes of the loops it unrolls
    completely), lowered to what each of those loops admits: a divisor of
    its trip count, or whole rows of it when it sits alone in a loop over
    rows (the row loop is widened then). The loop that reads or writes it
    steps by W and handles the lanes
    of a token in a completely unrolled inner loop, through a pack buffer;
    the DMA loops of those processes are unrolled by W as well. A token is
    at most as wide as the platform's kernel AXI ports.

    With `width=axi`, every group wants the AXI width, as the groups of DMAs
    always do: each phase of a process (reading a tile, computing, writing
    it) takes a cycle per token, so wide tokens shorten the reading and
    writing of processes that compute few elements a cycle, for the LUTs of
    their pack buffers and unrolled FIFO loops. The design search tries it.
  }];
  let options = [
    Option<"platform", "platform", "std::string", /*default=*/"\"u55c\"",
           "Target platform (a name under platforms/ or a .json path)">,
    Option<"fifoWidth", "width", "std::string", /*default=*/"\"lanes\"",
           "What a FIFO group wants: lanes (the most elements a process of "
           "it computes per cycle; a DMA's group the AXI width) or axi "
           "(the AXI width for every group)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def BindFloatAdders : Pass<"dataflow-bind-float-adders", "::mlir::ModuleOp"> {
  let summary = "Choose how the design implements its float adds: DSPs or LUTs";
  let description = [{
    Records on the module (`dataflow.float_adders`) whether the float adds
    and subtracts of every process are built from DSPs (the platform's
    `fadd`) or from LUTs (its `fadd_fabric`, HLS `bind_op impl=fabric`).
    The passes after it price them so, and the emitter binds each one so.
    A float MAC's add is one of them: in LUTs, a float MAC takes the
    multiplier's DSPs only (3 instead of 5 on the U55C), and a bias add or
    a norm's sum none, which leaves the DSPs to the matmuls that bind
    the decode and prefill layers. In LUTs, the platform must have a
    figure for them (`fadd_fabric`).
  }];
  let options = [
    Option<"platform", "platform", "std::string", /*default=*/"\"u55c\"",
           "Target platform: a name (platforms/<name>.json) or a .json path">,
    Option<"impl", "impl", "std::string", /*default=*/"\"dsp\"",
           "fabric (LUTs) or dsp">,
  ];
}

def HoistInvariants : Pass<"dataflow-hoist-invariants", "::mlir::ModuleOp"> {
  let summary = "Compute a loop's float invariants once, before the loop";
  let description = [{
    A float computation inside a loop nest whose operands the nest does not
    change (a layer norm's 1 / sqrt(variance / n + eps), in the loop that
    normalizes each element) moves before the outermost loop of the nest
    where it is invariant, with the loads and ops it reads: the pipelined
    loop no longer waits for its chain in every run (about 40 cycles of
    divide, add and square root). It stays where it is when the loop it
    would leave is its parent's only op, as the two form a perfect nest that
    HLS flattens into one pipeline, which pays for the chain once. Loads
    move only from buffers no op in the nest writes.
  }];
}

def HoistTileReads : Pass<"dataflow-hoist-tile-reads", "::mlir::ModuleOp"> {
  let summary = "Read a replayed vector's tiles before the reduction loop";
  let description = [{
    A reduction loop whose body fills a small buffer from a FIFO, then
    computes with it, restarts both pipelines on every iteration. When the
    loop sits inside a loop of more than one iteration (the vector is
    replayed, once per output tile), the FIFO is read nowhere else in the
    process and all its tiles take at most `max-bytes`, the loop is split:
    one loop fills a buffer with all the tiles, one computes. Each is a
    perfect nest, which HLS flattens into one pipeline.
  }];
  let options = [
    Option<"maxBytes", "max-bytes", "int64_t", /*default=*/"4096",
           "largest buffer of all the tiles, in bytes">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def FuseTileReads : Pass<"dataflow-fuse-tile-reads", "::mlir::ModuleOp"> {
  let summary = "Read a tile from its FIFO where the computation uses it";
  let description = [{
    A process fills a local buffer with an input tile, then computes on it.
    When the computation's pipelined loop uses the tile's elements in FIFO
    order, iteration i the elements of tokens i*k .. i*k + k - 1 (through
    loops unrolled completely, each element as often as it likes; every
    other FIFO of the loop moving k tokens per iteration too), the fill is
    removed and
    that loop reads its tokens itself. A
    matrix-vector product then computes while its weights stream in. Runs
    after WidenFifos: fill and use are both checked on the loops' actual
    iterations against the tokens' widths.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def UnrollResets : Pass<"dataflow-unroll-resets", "::mlir::ModuleOp"> {
  let summary = "Clear a buffer one element of each of its banks a cycle";
  let description = [{
    A loop nest that stores one constant into every element of a local
    buffer (a matmul's accumulator, cleared before each output tile) gets,
    on each loop that walks a dimension of the buffer from 0 by 1, the
    unroll factor of that dimension's cyclic partitions when it divides the
    loop's trip count: no new banks and no operators, a bank each per
    cycle. Runs after WidenFifos, which gives the loops that write a tile
    out their lanes (and the buffer its banks) after the unrolling has
    decided the reset's.
  }];
}

def PrefetchTiles : Pass<"dataflow-prefetch-tiles", "::mlir::ModuleOp"> {
  let summary = "Fill the next tile's buffer while the current one is computed on";
  let description = [{
    A process that copies each tile from a FIFO into a local buffer and
    then computes on it (a prefill matmul's weight and activation tiles)
    pays for the copy on every tile. Such a fill moves into a process of its
    own that writes a three-block `dataflow.buffer`; the computation takes
    each tile with `dataflow.block_acquire` while the next one is filled.
    Only a buffer allocated inside constant-bound loops, filled by one nest
    that reads one FIFO nothing else in the process reads, and only loaded
    by the rest of the process, and whose tile takes at most
    `max-block-bytes` (the buffer holds three).
  }];
  let options = [
    Option<"maxBlockBytes", "max-block-bytes", "int64_t", /*default=*/"8192",
           "Largest tile (bytes) a prefetch copies; larger ones stay in their "
           "process">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def ReadMemoryFirst : Pass<"dataflow-read-memory-first", "::mlir::ModuleOp"> {
  let summary = "Read a DMA's tile before the tiles other processes produce";
  let description = [{
    A process reads its input tiles in its op's operand order, so a DMA
    feeding the second one (an attention score's K cache) stops when its
    FIFO is full and waits until the first (the query) has come. A loop
    nest that only moves the tokens of a FIFO into the process's own
    buffers, where the FIFO's writer reads memory and writes only that
    FIFO, moves above the ops before it that touch neither the FIFO nor
    those buffers and define nothing it uses (not above another such nest).
    Such a writer waits for nothing but the nest, so the nest always ends:
    the move cannot deadlock, and the tile is taken while the other
    operands are still being computed.
  }];
  let dependentDialects = [
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def SplitFloatSums : Pass<"dataflow-split-float-sums", "::mlir::ModuleOp"> {
  let summary = "Add a float sum into several partial sums";
  let description = [{
    A float sum into one element (a layer norm's mean or variance) waits
    for each add before the next: its pipelined loop takes an element per
    float-add latency. When the element's address does not change in the
    loops that accumulate into it, and the sum has enough updates
    (perf::matchFloatSum), update i adds into partial sum i mod P instead:
    P registers, zero before those loops, added up to the element after
    them. P is `partials` per update of a pipelined iteration (more than
    one when the unroller unrolled the sum, on the promise of this split);
    more than `partials` partial sums are folded into `partials` of them,
    one add a cycle, before a balanced tree. This changes the float
    rounding (the sum is reassociated). A partial-sum buffer is marked
    `dataflow.partial_sums` = its size: the emitter tells HLS the
    dependence distance, and the task model takes it as the recurrence's
    distance. (The unroller and the model assume the default `partials`,
    perf::kPartialsPerUpdate.)
  }];
  let options = [
    Option<"partials", "partials", "int64_t", /*default=*/"16",
           "Partial sums per update of a pipelined iteration (a power of "
           "two, at least the "
           "cycles of the accumulation's chain)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def StripeWeights : Pass<"dataflow-stripe-weights", "::mlir::ModuleOp"> {
  let summary = "Spread a weight's DMA over several HBM pseudo-channels";
  let description = [{
    One HBM pseudo-channel gives a port about 53 bytes per cycle on the
    U55C; a DMA whose FIFO takes wider tokens every cycle waits for it. A
    weight that its DMA streams front to back (`dataflow.in_order_repeats`,
    set by LowerKernelToFunc) is split into S stripes, separate buffers
    the host writes once, each behind a port of its own that the HBM plan
    puts on its own channel: token t's lanes [s*C, (s+1)*C) are stripe s's
    elements [t*C, (t+1)*C). S is the fewest stripes whose ports keep up
    with one token per cycle, a divisor of the token's lanes. The graph
    function's argument becomes S arguments marked `dataflow.stripe`
    (index, count, chunk_bytes), which the driver turns into weight files.

    When the FIFO's reader takes k tokens at a time (a pipelined loop that
    reads several tokens into one pack buffer per iteration), the FIFO
    carries tokens j times as wide instead, j the largest divisor of k whose
    stripes keep up and number at most `max-join-stripes`; the reader takes
    one token where it took j.
  }];
  let options = [
    Option<"platform", "platform", "std::string", /*default=*/"\"u55c\"",
           "Target platform (a name under platforms/ or a .json path)">,
    Option<"stripes", "stripes", "int64_t", /*default=*/"0",
           "Stripes per weight (0: as many as keep up with the FIFO, for "
           "weights of min-bytes or more; 1: none; more: every weight "
           "streamed in order whose token lanes it divides)">,
    Option<"minBytes", "min-bytes", "int64_t", /*default=*/"65536",
           "Smallest weight that is striped (smaller DMAs are latency-bound)">,
    Option<"maxJoinStripes", "max-join-stripes", "int64_t", /*default=*/"0",
           "Most stripes of a weight whose tokens are joined for a reader "
           "that takes several at a time (0: the platform's HBM "
           "pseudo-channels)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def SizeFifos : Pass<"dataflow-size-fifos", "::mlir::ModuleOp"> {
  let summary = "Choose the depth of every FIFO";
  let description = [{
    Paper section 5.3, with back-pressure. `mode=normal` (default) gives
    every FIFO its peak occupancy in the held-back schedule: the design is
    simulated with unbounded FIFOs, then backwards in time so that every
    writer is held back as long as that delays no sink, and the depths are
    checked by one more simulation (docs/resource-allocation.md).
    `mode=conservative` is the paper's method: every process profiled (L,
    D, II), every task stretched to the slowest one's throughput, start
    cycles from the LP of equations (3)-(5) solved with COIN-OR CLP, and
    max_tokens by equation (1) or (2) plus one slot for the token in flight.
    `mode=upper-bound` makes every FIFO as deep as the entries that cross
    it. In the first two modes, a FIFO that a DMA writes (a process that
    reads memory and no FIFO) and that would sit in URAM drops a last
    4096-entry slice at most a quarter full: it only lets the DMA run
    ahead, and that slice costs a whole column of blocks. `run-ahead-cap`
    limits those FIFOs' depth in every mode (the design search sets it to
    one URAM slice when a design's memory does not fit). `override`
    forces the depth of named FIFOs: `fifo=depth` in every kernel that has
    a FIFO of that name, `kernel/fifo=depth` in one kernel.
  }];
  let options = [
    Option<"runAheadCap", "run-ahead-cap", "int64_t", /*default=*/"0",
           "Largest depth of a FIFO that a DMA writes, which only lets it "
           "run ahead of its reader (0: no cap)">,
    Option<"mode", "mode", "std::string", /*default=*/"\"normal\"",
           "normal, conservative or upper-bound">,
    Option<"platform", "platform", "std::string", /*default=*/"\"u55c\"",
           "Target platform (a name under platforms/ or a .json path)">,
    ListOption<"overrides", "override", "std::string",
               "FIFO depths to force, as fifo=depth or kernel/fifo=depth">
  ];
}

def AssignMemories : Pass<"dataflow-assign-memories", "::mlir::ModuleOp"> {
  let summary = "Put every FIFO and buffer in registers, SRL, LUTRAM, BRAM or URAM";
  let description = [{
    Paper section 5.3: arrays go to LUTRAM, BRAM or URAM by size, largest
    first, under the platform's thresholds and capacities; shallow FIFOs
    become registers or shift registers. Sets `dataflow.storage` on every
    dataflow.stream, dataflow.buffer and process-local memref.alloca; the
    emitter turns it into `bind_storage` pragmas.
  }];
  let options = [
    Option<"platform", "platform", "std::string", /*default=*/"\"u55c\"",
           "Target platform (a name under platforms/ or a .json path)">
  ];
}

def AssignSlrs : Pass<"dataflow-assign-slrs", "::mlir::ModuleOp"> {
  let summary = "Place tasks on the dies of the FPGA, and check that they fit";
  let description = [{
    Paper section 5.3: an ILP (COIN-OR CBC) assigns every process of every
    kernel to a die (SLR), minimising the FIFO bits crossing dies and the
    imbalance of DSP, LUT, FF, BRAM and URAM between them, under each die's
    capacity (less the platform shell's share). DMAs sit on the die next to
    the HBM. Sets `dataflow.slr` on every process call. A design that does
    not fit the platform is refused with the resource, the amount over and
    its largest users.
  }];
  let options = [
    Option<"platform", "platform", "std::string", /*default=*/"\"u55c\"",
           "Target platform (a name under platforms/ or a .json path)">
  ];
}

def ProfileTasks : Pass<"dataflow-profile-tasks", "::mlir::ModuleOp"> {
  let summary = "Record every process's L, D, II and resources";
  let description = [{
    Sets `dataflow.profile` on every process function: latency L, initial
    delay D, II, DSP, LUT, FF, BRAM_18K and URAM, and where the figures come
    from: `estimate` (the profiler on the platform's operator costs) or
    `csynth` when `profiles` names a folder of Vitis HLS csynth reports
    (`<process function>_csynth.xml`) that has the process. DMA processes
    also get `dataflow.dma` (port, bytes, HBM pseudo-channel, bandwidth).
  }];
  let options = [
    Option<"platform", "platform", "std::string", /*default=*/"\"u55c\"",
           "Target platform (a name under platforms/ or a .json path)">,
    Option<"profiles", "profiles", "std::string", /*default=*/"\"\"",
           "Folder of Vitis HLS csynth.xml reports to use instead of estimates">
  ];
}

#endif // STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_PASSES_TD
