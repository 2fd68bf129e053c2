//===- ImportMLIR.cpp - Read a linalg-on-tensors module -------------------===//
//
// The legacy-syntax upgrade is a small scanner over the text: it knows enough
// of MLIR's lexical structure (comments, strings, sigil identifiers, numbers,
// bare identifiers) to find op names, and enough of the three old op formats
// to rewrite them. Every rewrite is an edit of the text; the list of edits is
// kept so that locations in the upgraded text can be mapped back to the
// user's text (diagnostics and the locations of the returned IR).
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Frontend/ImportMLIR.h"

#include "streamtensor/Registration.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <optional>

using namespace mlir;
using llvm::StringRef;
using streamtensor::SyntaxUpgrade;

namespace {

//===----------------------------------------------------------------------===//
// Edits of a text, and the map from the edited text back to the original.
//===----------------------------------------------------------------------===//

/// Replace `length` bytes at `offset` of the original text by `replacement`
/// (an insertion when `length` is 0).
struct Edit {
  size_t offset;
  size_t length;
  std::string replacement;
};

/// Offsets (0-based) of the first byte of every line.
std::vector<size_t> computeLineStarts(StringRef text) {
  std::vector<size_t> starts{0};
  for (size_t i = 0, e = text.size(); i != e; ++i)
    if (text[i] == '\n')
      starts.push_back(i + 1);
  return starts;
}

/// Maps line:col positions of an edited text to the original text.
class OffsetMap {
public:
  OffsetMap() = default;

  /// Applies `edits` (sorted, not overlapping) to `original`; returns the
  /// edited text and remembers how to map it back.
  std::string apply(StringRef original, const std::vector<Edit> &edits) {
    std::string result;
    result.reserve(original.size() + 64 * edits.size());
    size_t copied = 0;
    for (const Edit &edit : edits) {
      result.append(original.data() + copied, edit.offset - copied);
      segments.push_back(
          {edit.offset, edit.length, result.size(), edit.replacement.size()});
      result += edit.replacement;
      copied = edit.offset + edit.length;
    }
    result.append(original.data() + copied, original.size() - copied);
    if (!segments.empty()) {
      originalLineStarts = computeLineStarts(original);
      editedLineStarts = computeLineStarts(result);
    }
    return result;
  }

  bool empty() const { return segments.empty(); }

  /// Maps a 1-based line:col of the edited text to the original text. A
  /// position inside replaced text maps to the start of what it replaced.
  std::pair<unsigned, unsigned> toOriginal(unsigned line, unsigned col) const {
    if (segments.empty() || line == 0 || col == 0 ||
        line > editedLineStarts.size())
      return {line, col};
    size_t offset = editedLineStarts[line - 1] + (col - 1);
    auto after = llvm::upper_bound(segments, offset,
                                   [](size_t offset, const Segment &segment) {
                                     return offset < segment.editedOffset;
                                   });
    size_t originalOffset = offset;
    if (after != segments.begin()) {
      const Segment &segment = *std::prev(after);
      size_t editedEnd = segment.editedOffset + segment.editedLength;
      originalOffset = offset < editedEnd
                           ? segment.originalOffset
                           : offset - editedEnd + segment.originalOffset +
                                 segment.originalLength;
    }
    auto lineIt = llvm::upper_bound(originalLineStarts, originalOffset);
    unsigned originalLine = lineIt - originalLineStarts.begin();
    return {originalLine,
            static_cast<unsigned>(originalOffset - *std::prev(lineIt) + 1)};
  }

private:
  struct Segment {
    size_t originalOffset, originalLength, editedOffset, editedLength;
  };
  std::vector<Segment> segments;
  std::vector<size_t> originalLineStarts, editedLineStarts;
};

//===----------------------------------------------------------------------===//
// The legacy-syntax scanner.
//===----------------------------------------------------------------------===//

constexpr const char *kMaxfUpgrade = "arith.maxf to arith.maximumf";
constexpr const char *kMinfUpgrade = "arith.minf to arith.minimumf";
constexpr const char *kInitTensorUpgrade = "linalg.init_tensor to tensor.empty";
constexpr const char *kExpandShapeUpgrade =
    "tensor.expand_shape without output_shape to tensor.expand_shape with "
    "output_shape";

bool isBareIdStart(char c) { return llvm::isAlpha(c) || c == '_'; }
bool isBareIdChar(char c) {
  return llvm::isAlnum(c) || c == '_' || c == '$' || c == '.';
}
/// Characters of the identifier after a sigil (`%`, `@`, `^`, `#`, `!`).
bool isSuffixIdChar(char c) { return isBareIdChar(c) || c == '-'; }
bool isSigil(char c) {
  return c == '%' || c == '@' || c == '^' || c == '#' || c == '!';
}

class LegacySyntaxScanner {
public:
  explicit LegacySyntaxScanner(StringRef text)
      : text(text), lineStarts(computeLineStarts(text)) {}

  void run();

  std::vector<Edit> edits;
  std::vector<SyntaxUpgrade> upgrades;

private:
  static constexpr size_t npos = StringRef::npos;

  char at(size_t p) const { return p < text.size() ? text[p] : '\0'; }
  unsigned lineOf(size_t offset) const {
    return llvm::upper_bound(lineStarts, offset) - lineStarts.begin();
  }

  /// Skips whitespace and `//` comments.
  size_t skipTrivia(size_t p) const {
    while (p < text.size()) {
      char c = text[p];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
          c == '\v') {
        ++p;
      } else if (c == '/' && at(p + 1) == '/') {
        p = text.find('\n', p);
        if (p == npos)
          return text.size();
      } else {
        break;
      }
    }
    return p;
  }

  /// `p` is at a '"'. Returns the offset after the closing quote; an
  /// unterminated string (which the lexer rejects) ends at the newline.
  size_t skipString(size_t p) const {
    for (++p; p < text.size(); ++p) {
      char c = text[p];
      if (c == '"')
        return p + 1;
      if (c == '\n')
        return p;
      if (c == '\\')
        ++p;
    }
    return text.size();
  }

  /// `p` is at a sigil; returns the end of the identifier after it.
  size_t skipSigilId(size_t p) const {
    ++p;
    if (at(p) == '"')
      return skipString(p);
    while (p < text.size() && isSuffixIdChar(text[p]))
      ++p;
    return p;
  }

  /// `p` is at `open`; returns the offset after the matching `close`, or npos.
  /// Strings are skipped; for angle brackets, `->` is not a closing bracket.
  size_t skipBalanced(size_t p, char open, char close) const {
    int depth = 0;
    while (p < text.size()) {
      char c = text[p];
      if (c == '"') {
        p = skipString(p);
        continue;
      }
      if (c == '-' && at(p + 1) == '>') {
        p += 2;
        continue;
      }
      if (c == open) {
        ++depth;
      } else if (c == close) {
        if (--depth == 0)
          return p + 1;
      }
      ++p;
    }
    return npos;
  }

  /// Whether the bare identifier `word` starts at `p` (and is not the prefix
  /// of a longer identifier).
  bool isWordAt(size_t p, StringRef word) const {
    return text.substr(p).starts_with(word) &&
           !isBareIdChar(at(p + word.size()));
  }

  void record(size_t opOffset, const char *description) {
    upgrades.push_back({lineOf(opOffset), description});
  }

  /// Handles a bare identifier at [begin, end); returns where to resume.
  size_t visitBareId(size_t begin, size_t end);
  /// Handles a string literal at [begin, end); the generic op form.
  void visitString(size_t begin, size_t end);

  size_t upgradeInitTensor(size_t begin, size_t end);
  void upgradeExpandShape(size_t begin, size_t end);

  StringRef text;
  std::vector<size_t> lineStarts;
};

void LegacySyntaxScanner::run() {
  size_t p = 0, n = text.size();
  while (p < n) {
    char c = text[p];
    if (c == '/' && at(p + 1) == '/') {
      p = text.find('\n', p);
      if (p == npos)
        break;
    } else if (c == '"') {
      size_t end = skipString(p);
      visitString(p, end);
      p = end;
    } else if (isSigil(c)) {
      p = skipSigilId(p);
    } else if (llvm::isDigit(c)) {
      // Numbers and dimension lists (`4x8xf32`) as one token.
      while (p < n && isBareIdChar(text[p]))
        ++p;
    } else if (isBareIdStart(c)) {
      size_t begin = p;
      while (p < n && isBareIdChar(text[p]))
        ++p;
      p = visitBareId(begin, p);
    } else {
      ++p;
    }
  }
}

size_t LegacySyntaxScanner::visitBareId(size_t begin, size_t end) {
  StringRef id = text.slice(begin, end);
  if (id == "arith.maxf") {
    edits.push_back({begin, id.size(), "arith.maximumf"});
    record(begin, kMaxfUpgrade);
  } else if (id == "arith.minf") {
    edits.push_back({begin, id.size(), "arith.minimumf"});
    record(begin, kMinfUpgrade);
  } else if (id == "linalg.init_tensor") {
    return upgradeInitTensor(begin, end);
  } else if (id == "tensor.expand_shape") {
    upgradeExpandShape(begin, end);
  }
  return end;
}

void LegacySyntaxScanner::visitString(size_t begin, size_t end) {
  // The generic form: the op name is a string followed by its operand list.
  if (end <= begin + 1 || at(end - 1) != '"' || at(skipTrivia(end)) != '(')
    return;
  StringRef name = text.slice(begin + 1, end - 1);
  if (name == "arith.maxf") {
    edits.push_back({begin + 1, name.size(), "arith.maximumf"});
    record(begin, kMaxfUpgrade);
  } else if (name == "arith.minf") {
    edits.push_back({begin + 1, name.size(), "arith.minimumf"});
    record(begin, kMinfUpgrade);
  }
}

/// `linalg.init_tensor [4, %d] : tensor<4x?xf32>` ->
/// `tensor.empty(%d) : tensor<4x?xf32>`. The static sizes are implied by the
/// result type. The dynamic sizes stay where they are in the text (so that
/// their locations map back exactly); what is between them is rewritten, and
/// any newline in it is kept at the end of its replacement.
size_t LegacySyntaxScanner::upgradeInitTensor(size_t begin, size_t end) {
  size_t open = skipTrivia(end);
  if (at(open) != '[')
    return end;
  // [begin, end) of each dynamic size.
  SmallVector<std::pair<size_t, size_t>> dynamicSizes;
  size_t p = skipTrivia(open + 1);
  if (at(p) != ']') {
    while (true) {
      size_t itemBegin = p;
      if (at(p) == '%') {
        p = skipSigilId(p);
        if (at(p) == '#')
          for (++p; llvm::isDigit(at(p));)
            ++p;
        dynamicSizes.emplace_back(itemBegin, p);
      } else {
        if (at(p) == '-')
          ++p;
        if (!llvm::isDigit(at(p)))
          return end;
        while (llvm::isDigit(at(p)))
          ++p;
      }
      p = skipTrivia(p);
      if (at(p) == ']')
        break;
      if (at(p) != ',')
        return end;
      p = skipTrivia(p + 1);
    }
  }
  size_t close = p + 1;

  auto replace = [&](size_t from, size_t to, StringRef with) {
    std::string replacement = with.str();
    replacement.append(text.slice(from, to).count('\n'), '\n');
    if (to > from || !replacement.empty())
      edits.push_back({from, to - from, std::move(replacement)});
  };
  if (dynamicSizes.empty()) {
    replace(begin, close, "tensor.empty()");
  } else {
    replace(begin, open + 1, "tensor.empty(");
    replace(open + 1, dynamicSizes.front().first, "");
    for (size_t i = 1, e = dynamicSizes.size(); i != e; ++i)
      replace(dynamicSizes[i - 1].second, dynamicSizes[i].first, ", ");
    replace(dynamicSizes.back().second, close, ")");
  }
  record(begin, kInitTensorUpgrade);
  return close;
}

/// `tensor.expand_shape %x [[0, 1], [2]] {attrs} : S into tensor<4x8x4xf32>`
/// -> `tensor.expand_shape %x [[0, 1], [2]] output_shape [4, 8, 4] {attrs} :
/// ...`. Left alone when anything does not look as expected, when it already
/// has `output_shape`, and when the result shape is dynamic.
void LegacySyntaxScanner::upgradeExpandShape(size_t begin, size_t end) {
  size_t p = skipTrivia(end);
  if (at(p) != '%')
    return;
  p = skipSigilId(p);
  if (at(p) == '#')
    for (++p; llvm::isDigit(at(p));)
      ++p;
  p = skipTrivia(p);
  if (at(p) != '[')
    return;
  size_t insertAt = skipBalanced(p, '[', ']');
  if (insertAt == npos)
    return;
  p = skipTrivia(insertAt);
  if (isWordAt(p, "output_shape"))
    return;
  if (at(p) == '{') {
    p = skipBalanced(p, '{', '}');
    if (p == npos)
      return;
    p = skipTrivia(p);
  }
  if (at(p) != ':')
    return;
  // The source type: `tensor<...>`, or an alias `!name`.
  p = skipTrivia(p + 1);
  if (at(p) == '!') {
    p = skipSigilId(p);
  } else {
    while (p < text.size() && isBareIdChar(text[p]))
      ++p;
  }
  if (at(p) == '<') {
    p = skipBalanced(p, '<', '>');
    if (p == npos)
      return;
  }
  p = skipTrivia(p);
  if (!isWordAt(p, "into"))
    return;
  p = skipTrivia(p + 4);
  if (!text.substr(p).starts_with("tensor<"))
    return;
  p += 7;
  // The shape: `4x8x4x` before the element type.
  SmallVector<StringRef> dims;
  while (true) {
    size_t dimBegin = p;
    if (at(p) == '?')
      return; // Dynamic: output_shape would need SSA values.
    while (llvm::isDigit(at(p)))
      ++p;
    if (p == dimBegin)
      break;
    if (at(p) != 'x')
      return;
    dims.push_back(text.slice(dimBegin, p));
    ++p;
  }
  std::string insertion = " output_shape [";
  insertion += llvm::join(dims, ", ");
  insertion += "]";
  edits.push_back({insertAt, 0, std::move(insertion)});
  record(begin, kExpandShapeUpgrade);
}

std::string upgrade(StringRef text, std::vector<SyntaxUpgrade> &upgrades,
                    OffsetMap &map) {
  LegacySyntaxScanner scanner(text);
  scanner.run();
  // The scanner goes forward, but an insertion of expand_shape is found
  // before the scanner reaches it: sort, and drop anything overlapping.
  std::vector<Edit> edits = std::move(scanner.edits);
  llvm::stable_sort(
      edits, [](const Edit &a, const Edit &b) { return a.offset < b.offset; });
  std::vector<Edit> kept;
  for (Edit &edit : edits) {
    if (!kept.empty() && edit.offset < kept.back().offset + kept.back().length)
      continue;
    kept.push_back(std::move(edit));
  }
  llvm::append_range(upgrades, scanner.upgrades);
  return map.apply(text, kept);
}

//===----------------------------------------------------------------------===//
// Import.
//===----------------------------------------------------------------------===//

/// "note: f.mlir: upgraded 3 uses of arith.maxf to arith.maximumf (lines 12,
/// 40, 41)", one line per kind, in the order of their first use.
void printNotes(llvm::raw_ostream &os, StringRef fileName,
                const std::vector<SyntaxUpgrade> &upgrades) {
  std::vector<std::string> kinds;
  for (const SyntaxUpgrade &upgrade : upgrades)
    if (!llvm::is_contained(kinds, upgrade.description))
      kinds.push_back(upgrade.description);
  constexpr size_t kMaxLinesShown = 10;
  for (const std::string &kind : kinds) {
    unsigned uses = 0;
    SmallVector<unsigned> lines;
    for (const SyntaxUpgrade &upgrade : upgrades) {
      if (upgrade.description != kind)
        continue;
      ++uses;
      if (!llvm::is_contained(lines, upgrade.line))
        lines.push_back(upgrade.line);
    }
    llvm::sort(lines);
    os << "note: " << fileName << ": upgraded " << uses
       << (uses == 1 ? " use of " : " uses of ") << kind
       << (lines.size() == 1 ? " (line " : " (lines ");
    for (size_t i = 0, e = std::min(lines.size(), kMaxLinesShown); i != e; ++i)
      os << (i ? ", " : "") << lines[i];
    if (lines.size() > kMaxLinesShown)
      os << ", and " << lines.size() - kMaxLinesShown << " more";
    os << ")\n";
  }
}

/// What a diagnostic says, kept to be emitted again with other locations.
struct SavedDiagnostic {
  Location loc;
  DiagnosticSeverity severity;
  std::string message;
  SmallVector<std::pair<Location, std::string>> notes;
};

/// MLIR's parser says "operation being parsed with an unregistered dialect.
/// If this is intended, please use -allow-unregistered-dialect with the
/// MLIR tool used", which names neither the op nor an option of ours. The
/// op's name is where the diagnostic points, in the parsed `text`.
std::optional<std::string> describeUnregistered(const Diagnostic &diag,
                                                llvm::SourceMgr &text) {
  auto file = dyn_cast<FileLineColLoc>(diag.getLocation());
  if (!file ||
      !StringRef(diag.str())
           .starts_with("operation being parsed with an unregistered dialect"))
    return std::nullopt;
  llvm::SMLoc at = text.FindLocForLineAndColumn(
      text.getMainFileID(), file.getLine(), file.getColumn());
  if (!at.isValid())
    return std::nullopt;
  // It points just after the quoted name of the generic form:
  // "torch.aten.relu"(%x) : ...
  const llvm::MemoryBuffer *buffer = text.getMemoryBuffer(text.getMainFileID());
  StringRef before(buffer->getBufferStart(),
                   at.getPointer() - buffer->getBufferStart());
  if (!before.consume_back("\""))
    return std::nullopt;
  StringRef name = before.substr(before.rfind('"') + 1);
  return ("op '" + name +
          "' is of a dialect streamtensor does not read; it reads linalg on "
          "tensors (torch-mlir's linalg-on-tensors output)")
      .str();
}

/// Checks an argument or result type of the entry function.
LogicalResult checkBoundaryType(Type type, Location loc, StringRef what,
                                unsigned index, StringRef funcName) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (!tensorType || !isa<IntegerType, FloatType>(tensorType.getElementType()))
    return emitError(loc) << what << " #" << index << " of @" << funcName
                          << " has type " << type
                          << "; expected a ranked tensor of integer or float "
                             "elements";
  if (!tensorType.hasStaticShape())
    return emitError(loc) << what << " #" << index << " of @" << funcName
                          << " has a dynamic shape (" << type
                          << "); the compiler needs static shapes: export the "
                             "model with fixed input sizes";
  return success();
}

/// Checks that `module` is something we can compile (see the header).
LogicalResult checkModule(ModuleOp module, StringRef entry) {
  SmallVector<func::FuncOp> publicFuncs;
  for (auto func : module.getBody()->getOps<func::FuncOp>())
    if (func.isPublic())
      publicFuncs.push_back(func);
  auto listNames = [](ArrayRef<func::FuncOp> funcs) {
    std::string names;
    for (func::FuncOp func : funcs)
      names += (names.empty() ? "@" : ", @") + func.getSymName().str();
    return names;
  };

  auto entryFunc = module.lookupSymbol<func::FuncOp>(entry);
  if (!entryFunc) {
    if (publicFuncs.size() == 1)
      return emitError(publicFuncs.front().getLoc())
             << "no entry function @" << entry
             << " in the module; its public function is @"
             << publicFuncs.front().getSymName();
    InFlightDiagnostic diag = emitError(module.getLoc())
                              << "no entry function @" << entry
                              << " in the module";
    if (publicFuncs.empty())
      diag << "; it has no public func.func";
    else
      diag << "; its public functions are " << listNames(publicFuncs);
    return diag;
  }
  if (!entryFunc.isPublic())
    return emitError(entryFunc.getLoc())
           << "the entry function @" << entry << " is private; expected it "
           << "to be public";
  // (A public declaration is an error of the verifier.)
  if (publicFuncs.size() > 1) {
    func::FuncOp other = *llvm::find_if(
        publicFuncs, [&](func::FuncOp func) { return func != entryFunc; });
    return emitError(other.getLoc())
           << "the module has " << publicFuncs.size() << " public functions ("
           << listNames(publicFuncs) << "); expected exactly one, the entry @"
           << entry << ": make @" << other.getSymName() << " private";
  }

  // The first problem only: one error, one line (docs/cli.md), and a bad
  // result is most often the bad argument flowing through.
  for (BlockArgument arg : entryFunc.getArguments())
    if (failed(checkBoundaryType(arg.getType(), arg.getLoc(), "argument",
                                 arg.getArgNumber(), entry)))
      return failure();
  for (auto [index, type] : llvm::enumerate(entryFunc.getResultTypes()))
    if (failed(checkBoundaryType(type, entryFunc.getLoc(), "result", index,
                                 entry)))
      return failure();
  return success();
}

} // namespace

std::string
streamtensor::upgradeLegacySyntax(StringRef text,
                                  std::vector<SyntaxUpgrade> &upgrades) {
  OffsetMap map;
  return upgrade(text, upgrades, map);
}

OwningOpRef<ModuleOp> streamtensor::importLinalgModule(StringRef path,
                                                       MLIRContext &context,
                                                       llvm::raw_ostream &notes,
                                                       StringRef entry) {
  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> input =
      openInputFile(path, &errorMessage);
  if (!input) {
    StringRef name = path == "-" ? StringRef("<stdin>") : path;
    emitError(FileLineColLoc::get(&context, name, 0, 0)) << errorMessage;
    return nullptr;
  }
  return importLinalgModule(std::move(input), context, notes, entry);
}

OwningOpRef<ModuleOp>
streamtensor::importLinalgModule(std::unique_ptr<llvm::MemoryBuffer> input,
                                 MLIRContext &context, llvm::raw_ostream &notes,
                                 StringRef entry) {
  DialectRegistry registry;
  registerAllDialects(registry);
  context.appendDialectRegistry(registry);

  StringRef bufferName = input->getBufferIdentifier();

  std::vector<SyntaxUpgrade> upgrades;
  OffsetMap map;
  std::string upgraded = upgrade(input->getBuffer(), upgrades, map);
  printNotes(notes, bufferName, upgrades);

  // Locations in the upgraded text -> locations in the user's text.
  auto bufferNameAttr = StringAttr::get(&context, bufferName);
  AttrTypeReplacer replacer;
  replacer.addReplacement([&](FileLineColLoc loc) -> std::optional<Attribute> {
    if (loc.getFilename() != bufferNameAttr)
      return std::nullopt;
    auto [line, col] = map.toOriginal(loc.getLine(), loc.getColumn());
    return Attribute(FileLineColLoc::get(bufferNameAttr, line, col));
  });
  auto toOriginal = [&](Location loc) -> Location {
    if (map.empty())
      return loc;
    return cast<LocationAttr>(replacer.replace(Attribute(LocationAttr(loc))));
  };

  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(upgraded, bufferName),
      llvm::SMLoc());
  // The parser reports in the upgraded text: hold its diagnostics, and emit
  // them again at the user's locations.
  std::vector<SavedDiagnostic> saved;
  OwningOpRef<ModuleOp> module;
  {
    ScopedDiagnosticHandler holder(&context, [&](Diagnostic &diag) {
      SavedDiagnostic copy{
          toOriginal(diag.getLocation()),
          diag.getSeverity(),
          describeUnregistered(diag, sourceMgr).value_or(diag.str()),
          {}};
      for (Diagnostic &note : diag.getNotes())
        copy.notes.emplace_back(toOriginal(note.getLocation()), note.str());
      saved.push_back(std::move(copy));
      return success();
    });
    module = parseSourceFile<ModuleOp>(
        sourceMgr, ParserConfig(&context, /*verifyAfterParse=*/false));
  }
  for (SavedDiagnostic &diag : saved) {
    InFlightDiagnostic inFlight =
        context.getDiagEngine().emit(diag.loc, diag.severity);
    inFlight << diag.message;
    for (auto &[loc, message] : diag.notes)
      inFlight.attachNote(loc) << message;
  }
  if (!module)
    return nullptr;

  if (!map.empty())
    replacer.recursivelyReplaceElementsIn(*module, /*replaceAttrs=*/false,
                                          /*replaceLocs=*/true,
                                          /*replaceTypes=*/false);
  if (failed(verify(*module)) || failed(checkModule(*module, entry)))
    return nullptr;
  return module;
}
