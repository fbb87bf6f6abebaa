// Inline commands split with Redis's quoting rules (sdssplitargs); every expectation here was
// checked against redis-server 7.0 with ECHO. Introduced in lab 3.
#include "resp/inline_args.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace {

using Args = std::vector<std::string>;
using namespace std::string_literals;

// The arguments of `line`, or nothing for unbalanced quotes.
std::optional<Args> split(std::string_view line) {
    std::vector<resp::ArgumentSlice> slices;
    std::vector<std::string> decoded;
    if (!resp::split_inline_arguments(line, slices, decoded)) return std::nullopt;
    Args args;
    for (const resp::ArgumentSlice& slice : slices) {
        args.push_back(slice.decoded ? decoded[slice.position]
                                     : std::string{line.substr(slice.position, slice.length)});
    }
    return args;
}

TEST(InlineArgs, SplitsOnRunsOfWhitespace) {
    EXPECT_EQ(split("SET k v"), (Args{"SET", "k", "v"}));
    EXPECT_EQ(split("  SET \t k   v  "), (Args{"SET", "k", "v"}));
    EXPECT_EQ(split(""), Args{});
    EXPECT_EQ(split(" \t "), Args{});
    EXPECT_EQ(split("ECHO a\rb"), (Args{"ECHO", "a", "b"}));  // \r separates words
}

TEST(InlineArgs, VerticalTabAndFormFeedSeparateOnlyBetweenWords) {
    EXPECT_EQ(split("ECHO a\vb"), (Args{"ECHO", "a\vb"}));
    EXPECT_EQ(split("ECHO \fa"), (Args{"ECHO", "a"}));
}

TEST(InlineArgs, DoubleQuotesUnderstandEscapes) {
    EXPECT_EQ(split(R"(ECHO "a b")"), (Args{"ECHO", "a b"}));
    EXPECT_EQ(split(R"(ECHO "\n\r\t\b\a\\\"")"), (Args{"ECHO", "\n\r\t\b\a\\\""}));
    EXPECT_EQ(split(R"(ECHO "a\x41\x4\qb")"), (Args{"ECHO", "aAx4qb"}));
    EXPECT_EQ(split(R"(ECHO "\x00\xff\xFf")"), (Args{"ECHO", "\0\xff\xff"s}));
    EXPECT_EQ(split(R"(ECHO "")"), (Args{"ECHO", ""}));
}

TEST(InlineArgs, SingleQuotesUnderstandOnlyAnEscapedQuote) {
    EXPECT_EQ(split(R"(ECHO 'a\'b')"), (Args{"ECHO", "a'b"}));
    EXPECT_EQ(split(R"(ECHO 'a\nb')"), (Args{"ECHO", "a\\nb"}));
    EXPECT_EQ(split(R"(ECHO '')"), (Args{"ECHO", ""}));
    EXPECT_EQ(split(R"(ECHO 'say "hi"')"), (Args{"ECHO", "say \"hi\""}));
}

TEST(InlineArgs, AQuoteMayStartInsideAWord) {
    EXPECT_EQ(split(R"(ECHO a"b c")"), (Args{"ECHO", "ab c"}));
    EXPECT_EQ(split(R"(ECHO a'b c' d)"), (Args{"ECHO", "ab c", "d"}));
}

TEST(InlineArgs, AClosingQuoteMustBeFollowedBySpaceOrEnd) {
    EXPECT_EQ(split(R"(ECHO "ab"c)"), std::nullopt);
    EXPECT_EQ(split(R"(ECHO 'ab'c)"), std::nullopt);
    EXPECT_EQ(split(R"(ECHO "a" "b")"), (Args{"ECHO", "a", "b"}));
    EXPECT_EQ(split("ECHO \"a\"\t\"b\""), (Args{"ECHO", "a", "b"}));
}

TEST(InlineArgs, AnUnclosedQuoteIsUnbalanced) {
    EXPECT_EQ(split(R"(ECHO "ab)"), std::nullopt);
    EXPECT_EQ(split(R"(ECHO 'ab)"), std::nullopt);
    EXPECT_EQ(split(R"(ECHO "ab\")"), std::nullopt);
    EXPECT_EQ(split(R"(ECHO 'ab\')"), std::nullopt);
}

TEST(InlineArgs, ANulByteEndsTheLineAsInAString) {
    EXPECT_EQ(split("GET a\0b"s), (Args{"GET", "a"}));
    EXPECT_EQ(split("ECHO \"a\0b\""s), std::nullopt);
}

TEST(InlineArgs, PlainWordsAreSlicesOfTheLine) {
    std::vector<resp::ArgumentSlice> slices;
    std::vector<std::string> decoded;
    ASSERT_TRUE(resp::split_inline_arguments("GET  key \"q\"", slices, decoded));
    ASSERT_EQ(slices.size(), 3u);
    EXPECT_FALSE(slices[1].decoded);
    EXPECT_EQ(slices[1].position, 5u);
    EXPECT_EQ(slices[1].length, 3u);
    EXPECT_TRUE(slices[2].decoded);
    EXPECT_EQ(decoded.size(), 1u);  // only the quoted word was copied
}

}  // namespace
