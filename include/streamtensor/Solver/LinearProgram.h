//===- LinearProgram.h - LP and ILP models, solved with COIN-OR -*- C++ -*-===//
//
// A small, solver-neutral description of a linear (or mixed-integer) program.
// The FIFO sizing LP and the die-assignment ILP are built as one of these and
// handed to `solve`, which runs COIN-OR CLP (pure LP) or CBC (any integer
// variable). The COIN-OR headers need C++ exceptions while the rest of the
// project is built without them, so they stay inside LinearProgram.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_SOLVER_LINEARPROGRAM_H
#define STREAMTENSOR_SOLVER_LINEARPROGRAM_H

#include <limits>
#include <string>
#include <vector>

namespace streamtensor::solver {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

struct Variable {
  std::string name;
  double lower = 0;
  double upper = kInfinity;
  double objective = 0;
  bool integer = false;
};

struct Term {
  int variable;
  double coefficient;
};

/// lower <= sum(terms) <= upper.
struct Constraint {
  std::string name;
  std::vector<Term> terms;
  double lower = -kInfinity;
  double upper = kInfinity;
};

struct LinearProgram {
  std::vector<Variable> variables;
  std::vector<Constraint> constraints;
  bool maximize = false;

  int addVariable(std::string name, double lower, double upper,
                  double objective, bool integer = false);
  void addConstraint(std::string name, std::vector<Term> terms, double lower,
                     double upper);
};

enum class SolveStatus { Optimal, Infeasible, Unbounded, LimitReached, Error };

struct Solution {
  SolveStatus status = SolveStatus::Error;
  double objective = 0;
  /// The optimum; for LimitReached, the best point found (empty if none).
  std::vector<double> values;
  /// Which solver ran, and why it failed when it did.
  std::string message;

  bool isOptimal() const { return status == SolveStatus::Optimal; }
};

struct SolveOptions {
  double timeLimitSeconds = 60;
  /// Branch-and-bound nodes CBC may explore (-1: no limit). Unlike the time
  /// limit, a node limit gives the same answer on a loaded machine.
  int maxNodes = -1;
};

/// Solves `program` to optimality: CLP's simplex when every variable is
/// continuous, CBC's branch and bound otherwise. Never throws.
Solution solve(const LinearProgram &program, const SolveOptions &options = {});

const char *toString(SolveStatus status);

} // namespace streamtensor::solver

#endif // STREAMTENSOR_SOLVER_LINEARPROGRAM_H
