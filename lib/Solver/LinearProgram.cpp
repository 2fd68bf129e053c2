//===- LinearProgram.cpp - LP and ILP models, solved with COIN-OR --------===//
//
// The only translation unit that sees COIN-OR: it is compiled with
// exceptions on, and every COIN-OR exception is turned into a status here.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Solver/LinearProgram.h"

#include "CbcModel.hpp"
#include "CoinError.hpp"
#include "CoinPackedMatrix.hpp"
#include "OsiClpSolverInterface.hpp"

#include <cmath>

using namespace streamtensor::solver;

int LinearProgram::addVariable(std::string name, double lower, double upper,
                               double objective, bool integer) {
  variables.push_back({std::move(name), lower, upper, objective, integer});
  return static_cast<int>(variables.size()) - 1;
}

void LinearProgram::addConstraint(std::string name, std::vector<Term> terms,
                                  double lower, double upper) {
  constraints.push_back({std::move(name), std::move(terms), lower, upper});
}

const char *streamtensor::solver::toString(SolveStatus status) {
  switch (status) {
  case SolveStatus::Optimal:
    return "optimal";
  case SolveStatus::Infeasible:
    return "infeasible";
  case SolveStatus::Unbounded:
    return "unbounded";
  case SolveStatus::LimitReached:
    return "time limit reached";
  case SolveStatus::Error:
    return "solver error";
  }
  return "unknown";
}

namespace {

/// COIN-OR spells infinity as COIN_DBL_MAX.
double toCoin(double bound) {
  if (std::isinf(bound))
    return bound > 0 ? COIN_DBL_MAX : -COIN_DBL_MAX;
  return bound;
}

std::string validate(const LinearProgram &program) {
  int numVariables = static_cast<int>(program.variables.size());
  for (const Variable &variable : program.variables)
    if (std::isnan(variable.lower) || std::isnan(variable.upper) ||
        std::isnan(variable.objective) || variable.lower > variable.upper)
      return "variable '" + variable.name + "' has invalid bounds";
  for (const Constraint &constraint : program.constraints) {
    for (const Term &term : constraint.terms)
      if (term.variable < 0 || term.variable >= numVariables ||
          std::isnan(term.coefficient))
        return "constraint '" + constraint.name + "' has an invalid term";
    if (std::isnan(constraint.lower) || std::isnan(constraint.upper))
      return "constraint '" + constraint.name + "' has invalid bounds";
  }
  return "";
}

void loadInto(OsiClpSolverInterface &solver, const LinearProgram &program) {
  int numVariables = static_cast<int>(program.variables.size());
  CoinPackedMatrix matrix(/*colordered=*/false, 0, 0);
  matrix.setDimensions(0, numVariables);
  std::vector<double> rowLower, rowUpper;
  for (const Constraint &constraint : program.constraints) {
    std::vector<int> indices;
    std::vector<double> coefficients;
    for (const Term &term : constraint.terms) {
      indices.push_back(term.variable);
      coefficients.push_back(term.coefficient);
    }
    matrix.appendRow(static_cast<int>(indices.size()), indices.data(),
                     coefficients.data());
    rowLower.push_back(toCoin(constraint.lower));
    rowUpper.push_back(toCoin(constraint.upper));
  }
  std::vector<double> columnLower, columnUpper, objective;
  for (const Variable &variable : program.variables) {
    columnLower.push_back(toCoin(variable.lower));
    columnUpper.push_back(toCoin(variable.upper));
    objective.push_back(variable.objective);
  }
  solver.loadProblem(matrix, columnLower.data(), columnUpper.data(),
                     objective.data(), rowLower.data(), rowUpper.data());
  solver.setObjSense(program.maximize ? -1.0 : 1.0);
  for (int i = 0; i < numVariables; ++i)
    if (program.variables[i].integer)
      solver.setInteger(i);
  solver.messageHandler()->setLogLevel(0);
}

Solution solveContinuous(OsiClpSolverInterface &solver,
                         const SolveOptions &options) {
  Solution solution;
  solution.message = "CLP";
  solver.getModelPtr()->setMaximumSeconds(options.timeLimitSeconds);
  solver.initialSolve();
  if (solver.isProvenOptimal()) {
    solution.status = SolveStatus::Optimal;
    solution.objective = solver.getObjValue();
    const double *values = solver.getColSolution();
    solution.values.assign(values, values + solver.getNumCols());
  } else if (solver.isProvenPrimalInfeasible()) {
    solution.status = SolveStatus::Infeasible;
  } else if (solver.isProvenDualInfeasible()) {
    solution.status = SolveStatus::Unbounded;
  } else {
    solution.status = SolveStatus::LimitReached;
  }
  return solution;
}

Solution solveInteger(OsiClpSolverInterface &solver,
                      const SolveOptions &options) {
  Solution solution;
  solution.message = "CBC";
  CbcModel model(solver);
  model.setLogLevel(0);
  model.setMaximumSeconds(options.timeLimitSeconds);
  if (options.maxNodes >= 0)
    model.setMaximumNodes(options.maxNodes);
  model.branchAndBound();
  if (model.isProvenOptimal()) {
    solution.status = SolveStatus::Optimal;
    solution.objective = model.getObjValue();
    const double *values = model.bestSolution();
    solution.values.assign(values, values + model.getNumCols());
    // Integer variables come back as 2.9999999; round what must be whole.
    for (int i = 0; i < model.getNumCols(); ++i)
      if (model.isInteger(i))
        solution.values[i] = std::round(solution.values[i]);
  } else if (model.isProvenInfeasible()) {
    solution.status = SolveStatus::Infeasible;
  } else if (model.isProvenDualInfeasible()) {
    solution.status = SolveStatus::Unbounded;
  } else {
    solution.status = SolveStatus::LimitReached;
    // Stopped by the time limit: keep the best point found, if any.
    if (const double *values = model.bestSolution()) {
      solution.values.assign(values, values + model.getNumCols());
      solution.objective = model.getObjValue();
      for (int i = 0; i < model.getNumCols(); ++i)
        if (model.isInteger(i))
          solution.values[i] = std::round(solution.values[i]);
    }
  }
  return solution;
}

} // namespace

Solution streamtensor::solver::solve(const LinearProgram &program,
                                     const SolveOptions &options) {
  Solution solution;
  std::string invalid = validate(program);
  if (!invalid.empty()) {
    solution.message = invalid;
    return solution;
  }
  if (program.variables.empty()) {
    solution.status = SolveStatus::Optimal;
    return solution;
  }
  try {
    OsiClpSolverInterface solver;
    loadInto(solver, program);
    bool hasInteger = false;
    for (const Variable &variable : program.variables)
      hasInteger |= variable.integer;
    return hasInteger ? solveInteger(solver, options)
                      : solveContinuous(solver, options);
  } catch (const CoinError &error) {
    solution.message = "COIN-OR: " + error.message();
  } catch (const std::exception &error) {
    solution.message = std::string("COIN-OR: ") + error.what();
  } catch (...) {
    solution.message = "COIN-OR: unknown exception";
  }
  return solution;
}
