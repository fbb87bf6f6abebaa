// Black-box tests of the lab3_resp milestone program: RESP on stdin, replies on stdout, exactly
// as docs/lab3_resp.md shows them. Introduced in lab 3.
#include <gtest/gtest.h>

#include <string>

#include "support/process.hpp"

namespace {

const std::string set_then_get =
    "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";

support::RunResult run(const std::vector<std::string>& arguments, const std::string& input) {
    return support::run_program(support::program_path("lab3_resp"), arguments, input);
}

TEST(Lab3Program, TheChapterExample) {
    const auto result = run({}, set_then_get);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "+OK\r\n$1\r\nv\r\n");
    EXPECT_EQ(result.err, "");
}

TEST(Lab3Program, SameRepliesWhenReadingOneByteAtATime) {
    const auto result = run({"--read-size", "1"}, set_then_get + "PING\r\nDEL k k\r\n");
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "+OK\r\n$1\r\nv\r\n+PONG\r\n:1\r\n");
}

TEST(Lab3Program, InlineCommandsAndUserErrors) {
    const auto result =
        run({}, "ECHO \"hello world\"\r\n\r\nfoo a\r\nGET\r\nGET missing\r\nPING\n");
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out,
              "$11\r\nhello world\r\n"
              "-ERR unknown command 'foo', with args beginning with: 'a' \r\n"
              "-ERR wrong number of arguments for 'get' command\r\n"
              "$-1\r\n"
              "+PONG\r\n");
}

TEST(Lab3Program, BinarySafeValues) {
    const std::string value("a\0\r\nb", 5);
    const auto result = run(
        {}, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\n" + value + "\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    EXPECT_EQ(result.out, "+OK\r\n$5\r\n" + value + "\r\n");
}

TEST(Lab3Program, StopsAtAProtocolErrorWithRedisReply) {
    const auto result = run({}, "PING\r\n*1\r\n$-5\r\nPING\r\n");
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n");
}

TEST(Lab3Program, IgnoresAnUnfinishedCommandAtTheEnd) {
    const auto result = run({}, "PING\r\n*2\r\n$3\r\nGET\r\n");
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, "+PONG\r\n");
    EXPECT_NE(result.err.find("input ended inside a command (13 bytes ignored)"), std::string::npos)
        << result.err;
}

TEST(Lab3Program, ExplainShowsCommandsAndRepliesBesideTheirBytes) {
    const auto result = run({"--explain"}, set_then_get);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out,
              "> SET \"k\" \"v\"                   "
              "*3\\r\\n$3\\r\\nSET\\r\\n$1\\r\\nk\\r\\n$1\\r\\nv\\r\\n\n"
              "< OK                            +OK\\r\\n\n"
              "> GET \"k\"                       *2\\r\\n$3\\r\\nGET\\r\\n$1\\r\\nk\\r\\n\n"
              "< \"v\"                           $1\\r\\nv\\r\\n\n");
}

TEST(Lab3Program, ExplainMarksAProtocolError) {
    const auto result = run({"--explain"}, "*1\r\n$x\r\n");
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.out.find("! protocol error at byte 0"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("< (error) ERR Protocol error: invalid bulk length"),
              std::string::npos);
}

TEST(Lab3Program, RejectsABadFlag) {
    EXPECT_NE(run({"--read-size", "0"}, "").exit_code, 0);
}

}  // namespace
