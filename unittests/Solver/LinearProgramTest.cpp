//===- LinearProgramTest.cpp - COIN-OR behind LinearProgram.h ------------===//

#include "streamtensor/Solver/LinearProgram.h"

#include <gtest/gtest.h>

using namespace streamtensor::solver;

// max 3x + 2y s.t. x + y <= 4, x + 3y <= 6, x <= 3: the optimum is the
// vertex x = 3, y = 1 with value 11 (solved by hand on the three vertices
// (3,0)=9, (3,1)=11, (0,2)=4).
TEST(LinearProgram, ContinuousOptimumIsAVertex) {
  LinearProgram program;
  program.maximize = true;
  int x = program.addVariable("x", 0, 3, 3);
  int y = program.addVariable("y", 0, kInfinity, 2);
  program.addConstraint("a", {{x, 1}, {y, 1}}, -kInfinity, 4);
  program.addConstraint("b", {{x, 1}, {y, 3}}, -kInfinity, 6);
  Solution solution = solve(program);
  ASSERT_TRUE(solution.isOptimal()) << solution.message;
  EXPECT_EQ(solution.message, "CLP");
  EXPECT_NEAR(solution.objective, 11, 1e-9);
  EXPECT_NEAR(solution.values[x], 3, 1e-9);
  EXPECT_NEAR(solution.values[y], 1, 1e-9);
}

// min 2a + b + c, a + b >= 5.5, b + c >= 3.2, integers >= 1. The LP
// relaxation is 5.5 + ... ; over integers a=1, b=5, c=1 costs 8, and no
// cheaper point exists (b >= 4.5 - ... checked by enumeration below).
TEST(LinearProgram, IntegerProgramUsesBranchAndBound) {
  LinearProgram program;
  int a = program.addVariable("a", 1, 100, 2, /*integer=*/true);
  int b = program.addVariable("b", 1, 100, 1, /*integer=*/true);
  int c = program.addVariable("c", 1, 100, 1, /*integer=*/true);
  program.addConstraint("ab", {{a, 1}, {b, 1}}, 5.5, kInfinity);
  program.addConstraint("bc", {{b, 1}, {c, 1}}, 3.2, kInfinity);
  Solution solution = solve(program);
  ASSERT_TRUE(solution.isOptimal()) << solution.message;
  EXPECT_EQ(solution.message, "CBC");
  EXPECT_EQ(solution.objective, 8);
  EXPECT_EQ(solution.values[a], 1);
  EXPECT_EQ(solution.values[b], 5);
  EXPECT_EQ(solution.values[c], 1);
  // Independent check: enumerate every integer point.
  double best = 1e9;
  for (int i = 1; i <= 10; ++i)
    for (int j = 1; j <= 10; ++j)
      for (int k = 1; k <= 10; ++k)
        if (i + j >= 5.5 && j + k >= 3.2)
          best = std::min(best, 2.0 * i + j + k);
  EXPECT_EQ(best, 8);
}

TEST(LinearProgram, ReportsInfeasibleAndUnbounded) {
  LinearProgram infeasible;
  int x = infeasible.addVariable("x", 0, 1, 1);
  infeasible.addConstraint("c", {{x, 1}}, 2, kInfinity);
  EXPECT_EQ(solve(infeasible).status, SolveStatus::Infeasible);

  LinearProgram unbounded;
  unbounded.maximize = true;
  unbounded.addVariable("x", 0, kInfinity, 1);
  EXPECT_EQ(solve(unbounded).status, SolveStatus::Unbounded);
}

TEST(LinearProgram, RejectsMalformedModelsWithoutThrowing) {
  LinearProgram program;
  program.addVariable("x", 0, 1, 1);
  program.addConstraint("bad", {{3, 1.0}}, 0, 1);
  Solution solution = solve(program);
  EXPECT_EQ(solution.status, SolveStatus::Error);
  EXPECT_EQ(solution.message, "constraint 'bad' has an invalid term");

  LinearProgram reversed;
  reversed.addVariable("y", 2, 1, 0);
  EXPECT_EQ(solve(reversed).message, "variable 'y' has invalid bounds");
}
