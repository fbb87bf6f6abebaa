// Exercise 3.2, say how much is missing: for "need more" inside a bulk string, ParseResult::
// bytes_wanted is how many more bytes complete it, its CRLF included. Zero where the parser
// cannot know (inside a header line or an inline command) and for every other outcome.
#include <gtest/gtest.h>

#include <string>

#include "resp/parser.hpp"

namespace {

TEST(BytesWanted, CountsTheRestOfTheBulkAndItsCrlf) {
    resp::Parser parser;
    const std::string head = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\n";
    auto result = parser.parse(head + "abc");
    ASSERT_EQ(result.status, resp::ParseStatus::need_more);
    EXPECT_EQ(result.bytes_wanted, 7u + 2u);
    result = parser.parse(head + "abcdefghij");
    ASSERT_EQ(result.status, resp::ParseStatus::need_more);
    EXPECT_EQ(result.bytes_wanted, 2u);
    result = parser.parse(head + "abcdefghij\r");
    ASSERT_EQ(result.status, resp::ParseStatus::need_more);
    EXPECT_EQ(result.bytes_wanted, 1u);
    result = parser.parse(head + "abcdefghij\r\n");
    ASSERT_EQ(result.status, resp::ParseStatus::complete);
    EXPECT_EQ(result.bytes_wanted, 0u);
}

TEST(BytesWanted, AHeaderJustReadWantsTheWholeBulk) {
    resp::Parser parser;
    const auto result = parser.parse("*2\r\n$4\r\nECHO\r\n$1000000\r\n");
    ASSERT_EQ(result.status, resp::ParseStatus::need_more);
    EXPECT_EQ(result.bytes_wanted, 1'000'002u);
}

TEST(BytesWanted, IsZeroWhenTheParserCannotKnow) {
    for (const std::string input : {"", "*", "*2\r", "*2\r\n$3", "*2\r\n$3\r\nGET\r\n", "GET k"}) {
        resp::Parser parser;
        const auto result = parser.parse(input);
        ASSERT_EQ(result.status, resp::ParseStatus::need_more) << input;
        EXPECT_EQ(result.bytes_wanted, 0u) << testing::PrintToString(input);
    }
}

TEST(BytesWanted, CountsFromTheOffsetAfterSkippedRequests) {
    resp::Parser parser;
    const std::string buffer = "*1\r\n$4\r\nPING\r\n*0\r\n\r\n*1\r\n$5\r\nab";
    auto result = parser.parse(buffer, 0);
    ASSERT_EQ(result.status, resp::ParseStatus::complete);
    result = parser.parse(buffer, result.consumed);
    ASSERT_EQ(result.status, resp::ParseStatus::need_more);
    EXPECT_EQ(result.bytes_wanted, 3u + 2u);
}

TEST(BytesWanted, IsZeroForAnError) {
    resp::Parser parser;
    const auto result = parser.parse("*1\r\n$-5\r\n");
    ASSERT_EQ(result.status, resp::ParseStatus::error);
    EXPECT_EQ(result.bytes_wanted, 0u);
}

}  // namespace
