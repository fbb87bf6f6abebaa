// Exercise 3.1, strict framing: with Limits::bulk_terminator set to BulkTerminator::check, the
// parser refuses a bulk string whose two following bytes are not "\r\n" (ProtocolError::
// expected_crlf), where Redis, and the default, skip them unchecked. Every verdict is the same
// at every split point of the input.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "resp/parser.hpp"

namespace {

const resp::Limits strict{.bulk_terminator = resp::BulkTerminator::check};

// Feeds `input` in two reads split at `split` (the second read sees the whole input, as a
// server's buffer would after more bytes arrived) and returns the final result's status; the
// first read must not decide anything the whole input contradicts.
resp::ParseResult parse_split(resp::Parser& parser, const std::string& input, std::size_t split,
                              std::vector<std::string>& args) {
    const resp::ParseResult first = parser.parse(std::string_view{input}.substr(0, split));
    resp::ParseResult result = first;
    if (first.status == resp::ParseStatus::need_more) result = parser.parse(input, first.consumed);
    args.assign(result.args.begin(), result.args.end());
    return result;
}

TEST(StrictFraming, TheDefaultSkipsTheTwoBytesAsRedisDoes) {
    resp::Parser parser;
    const auto result = parser.parse("*1\r\n$4\r\nPINGxx");
    ASSERT_EQ(result.status, resp::ParseStatus::complete);
    ASSERT_EQ(result.args.size(), 1u);
    EXPECT_EQ(result.args[0], "PING");
}

TEST(StrictFraming, ABulkNotFollowedByCrlfIsAnErrorAtEverySplitPoint) {
    for (const std::string input : {"*1\r\n$4\r\nPINGxx", "*1\r\n$4\r\nPING\rx",
                                    "*1\r\n$4\r\nPING\n\r", "*2\r\n$1\r\na\r\n$1\r\nbcd\r\n"}) {
        for (std::size_t split = 0; split <= input.size(); ++split) {
            resp::Parser parser{strict};
            std::vector<std::string> args;
            const auto result = parse_split(parser, input, split, args);
            ASSERT_EQ(result.status, resp::ParseStatus::error)
                << testing::PrintToString(input) << " split at " << split;
            EXPECT_EQ(result.error, resp::ProtocolError::expected_crlf);
            EXPECT_TRUE(result.message.starts_with("ERR Protocol error: ")) << result.message;
            EXPECT_EQ(result.consumed, 0u) << "the broken command starts at the offset";
        }
    }
}

TEST(StrictFraming, WellFormedCommandsStillParseAtEverySplitPoint) {
    const std::string input = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\na\r\nb\r\n";
    for (std::size_t split = 0; split <= input.size(); ++split) {
        resp::Parser parser{strict};
        std::vector<std::string> args;
        const auto result = parse_split(parser, input, split, args);
        ASSERT_EQ(result.status, resp::ParseStatus::complete) << "split at " << split;
        EXPECT_EQ(result.consumed, input.size());
        EXPECT_EQ(args, (std::vector<std::string>{"SET", "k", "a\r\nb"}));
    }
}

TEST(StrictFraming, HalfATerminatorIsNeedMoreNotAnError) {
    resp::Parser parser{strict};
    const std::string input = "*1\r\n$4\r\nPING\r";
    EXPECT_EQ(parser.parse(input).status, resp::ParseStatus::need_more);
    EXPECT_EQ(parser.parse(input + "\n").status, resp::ParseStatus::complete);
}

TEST(StrictFraming, TheErrorIsStickyLikeEveryProtocolError) {
    resp::Parser parser{strict};
    ASSERT_EQ(parser.parse("*1\r\n$4\r\nPINGxx").status, resp::ParseStatus::error);
    EXPECT_EQ(parser.parse("*1\r\n$4\r\nPING\r\n").status, resp::ParseStatus::error);
    parser.reset();
    EXPECT_EQ(parser.parse("*1\r\n$4\r\nPING\r\n").status, resp::ParseStatus::complete);
}

}  // namespace
