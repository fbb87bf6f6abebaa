// Black-box test of the lab2_store milestone program.
#include <gtest/gtest.h>

#include "support/process.hpp"

namespace {

TEST(Lab2Program, StoresReadsBackAndReports) {
    const auto result = support::run_program(support::program_path("lab2_store"), {});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("stored 1000 keys"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("read back 1000 keys: 0 wrong or missing"), std::string::npos);
    EXPECT_NE(result.out.find("deleted 100 keys"), std::string::npos);
    EXPECT_NE(result.out.find("estimated bytes per key"), std::string::npos);
}

TEST(Lab2Program, TakesKeysAndValueSize) {
    const auto result =
        support::run_program(support::program_path("lab2_store"),
                             {"--keys", "50", "--value-size", "3000", "--delete-every", "5"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("stored 50 keys (key:0 .. key:49) with 3000-byte values"),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("deleted 10 keys (every 5th)"), std::string::npos) << result.out;
}

TEST(Lab2Program, RejectsABadFlag) {
    const auto result =
        support::run_program(support::program_path("lab2_store"), {"--keys", "many"});
    EXPECT_NE(result.exit_code, 0);
}

}  // namespace
