// Unit tests of resp::Parser: every sample at every split point, many commands per buffer,
// binary arguments, no-op requests, the offset contract, and slow arrivals. Introduced in lab 3.
#include "resp/parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resp/explain.hpp"

namespace {

using resp::Framing;
using resp::Parser;
using resp::ParseResult;
using resp::ParseStatus;
using Args = std::vector<std::string>;
using namespace std::string_literals;  // "a\0b"s keeps its \0

Args to_args(const ParseResult& result) {
    return {result.args.begin(), result.args.end()};
}

struct Sample {
    std::string bytes;
    Args args;
    Framing framing = Framing::multibulk;
};

// Each holds exactly one command (perhaps after no-op requests) and nothing after it.
const std::vector<Sample> samples = {
    {"*1\r\n$4\r\nPING\r\n", {"PING"}},
    {"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n", {"SET", "k", "v"}},
    {"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", {"ECHO", ""}},
    {"*2\r\n$4\r\nECHO\r\n$6\r\na\0\r\nb\r\r\n"s, {"ECHO", "a\0\r\nb\r"s}},
    {"*3\r\n$3\r\nSET\r\n$12\r\n*1\r\n$4\r\nPING\r\n$0\r\n\r\n", {"SET", "*1\r\n$4\r\nPING", ""}},
    {"*0\r\n*1\r\n$4\r\nPING\r\n", {"PING"}},
    {"*-1\r\n*-7\r\n*1\r\n$4\r\nPING\r\n", {"PING"}},
    {"*1\r\n$4\r\nPINGxx", {"PING"}},   // Redis skips the two bytes after a bulk unchecked
    {"*1\rX$4\r\nPING\r\n", {"PING"}},  // ... and the byte after a count's \r
    {"PING\r\n", {"PING"}, Framing::inline_command},
    {"PING\n", {"PING"}, Framing::inline_command},
    {"  SET   k\tv  \r\n", {"SET", "k", "v"}, Framing::inline_command},
    {"\r\n\n   \r\nGET k\n", {"GET", "k"}, Framing::inline_command},
    {"ECHO \"a b\\r\\n\\x41\"\r\n", {"ECHO", "a b\r\nA"}, Framing::inline_command},
    {"*0\r\nPING\r\n", {"PING"}, Framing::inline_command},
};

// Feeds the first `split` bytes (expecting "need more"), then the whole sample in a *new*
// buffer, so the parser cannot rely on pointers into the old one.
void check_split(const Sample& sample, std::size_t split) {
    SCOPED_TRACE("sample " + resp::escape_bytes(sample.bytes) + " split at " +
                 std::to_string(split));
    Parser parser;
    std::size_t offset = 0;
    const std::string prefix = sample.bytes.substr(0, split);
    const ParseResult first = parser.parse(prefix, offset);
    ASSERT_EQ(first.status, ParseStatus::need_more);
    offset += first.consumed;
    ASSERT_LE(offset, split);

    const std::string whole = sample.bytes;
    const ParseResult second = parser.parse(whole, offset);
    ASSERT_EQ(second.status, ParseStatus::complete);
    EXPECT_EQ(offset + second.consumed, whole.size());
    EXPECT_EQ(to_args(second), sample.args);
    EXPECT_EQ(second.framing, sample.framing);
    EXPECT_TRUE(parser.idle());
}

TEST(Parser, ParsesEverySampleAtEverySplitPoint) {
    for (const Sample& sample : samples) {
        for (std::size_t split = 0; split < sample.bytes.size(); ++split) {
            check_split(sample, split);
        }
    }
}

TEST(Parser, ParsesEverySampleOneByteAtATime) {
    for (const Sample& sample : samples) {
        SCOPED_TRACE(resp::escape_bytes(sample.bytes));
        Parser parser;
        std::string buffer;
        std::size_t offset = 0;
        ParseResult result;
        for (const char c : sample.bytes) {
            ASSERT_NE(result.status, ParseStatus::complete) << "complete too early";
            buffer.push_back(c);
            result = parser.parse(buffer, offset);
            offset += result.consumed;
        }
        ASSERT_EQ(result.status, ParseStatus::complete);
        EXPECT_EQ(offset, buffer.size());
        EXPECT_EQ(to_args(result), sample.args);
    }
}

TEST(Parser, ParsesManyCommandsFromOneBuffer) {
    std::string buffer;
    for (const Sample& sample : samples)
        buffer += sample.bytes;
    Parser parser;
    std::size_t offset = 0;
    for (const Sample& sample : samples) {
        const ParseResult result = parser.parse(buffer, offset);
        ASSERT_EQ(result.status, ParseStatus::complete) << resp::escape_bytes(sample.bytes);
        EXPECT_EQ(to_args(result), sample.args);
        offset += result.consumed;
    }
    const ParseResult end = parser.parse(buffer, offset);
    EXPECT_EQ(end.status, ParseStatus::need_more);
    EXPECT_EQ(end.consumed, 0u);
    EXPECT_EQ(offset, buffer.size());
}

TEST(Parser, ArgumentsOfAnArrayAreViewsIntoTheBuffer) {
    const std::string buffer = "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n";
    Parser parser;
    const ParseResult result = parser.parse(buffer);
    ASSERT_EQ(result.status, ParseStatus::complete);
    ASSERT_EQ(result.args.size(), 2u);
    EXPECT_EQ(result.args[1].data(), buffer.data() + 17);  // no copy
}

TEST(Parser, PlainInlineWordsAreViewsAndQuotedOnesAreOwned) {
    const std::string buffer = "SET key \"a\\tb\"\r\n";
    Parser parser;
    const ParseResult result = parser.parse(buffer);
    ASSERT_EQ(result.status, ParseStatus::complete);
    ASSERT_EQ(to_args(result), (Args{"SET", "key", "a\tb"}));
    EXPECT_EQ(result.args[1].data(), buffer.data() + 4);
    const auto* third = result.args[2].data();
    EXPECT_TRUE(third < buffer.data() || third >= buffer.data() + buffer.size());
}

TEST(Parser, WorksFromAnOffsetWithoutTheConsumedPrefixRemoved) {
    const std::string buffer = "garbage that was consumed*1\r\n$4\r\nPING\r\n";
    Parser parser;
    const ParseResult result = parser.parse(buffer, 25);
    ASSERT_EQ(result.status, ParseStatus::complete);
    EXPECT_EQ(result.consumed, buffer.size() - 25);
    EXPECT_EQ(to_args(result), Args{"PING"});
}

TEST(Parser, ResumesAfterTheCallerDropsTheConsumedPrefix) {
    // First batch: one whole command and half of the next.
    std::string buffer = "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$5\r\nhel";
    Parser parser;
    std::size_t offset = 0;
    ParseResult result = parser.parse(buffer, offset);
    ASSERT_EQ(result.status, ParseStatus::complete);
    offset += result.consumed;
    result = parser.parse(buffer, offset);
    ASSERT_EQ(result.status, ParseStatus::need_more);
    EXPECT_FALSE(parser.idle());
    buffer.erase(0, offset);  // once per batch
    buffer += "lo\r\n";
    result = parser.parse(buffer, 0);
    ASSERT_EQ(result.status, ParseStatus::complete);
    EXPECT_EQ(to_args(result), (Args{"ECHO", "hello"}));
}

TEST(Parser, NoOpRequestsBeforeAPartialCommandAreReportedConsumed) {
    Parser parser;
    const std::string buffer = "*0\r\n\r\n*1\r\n$4\r\nPI";
    const ParseResult result = parser.parse(buffer);
    ASSERT_EQ(result.status, ParseStatus::need_more);
    EXPECT_EQ(result.consumed, 6u);  // "*0\r\n" and "\r\n": where the torn command starts
}

TEST(Parser, AnEmptyBufferNeedsMoreAndIsIdle) {
    Parser parser;
    const ParseResult result = parser.parse("");
    EXPECT_EQ(result.status, ParseStatus::need_more);
    EXPECT_EQ(result.consumed, 0u);
    EXPECT_TRUE(parser.idle());
}

TEST(Parser, AResetParserStartsAfresh) {
    Parser parser;
    ASSERT_EQ(parser.parse("*1\r\n$x\r\n").status, ParseStatus::error);
    ASSERT_EQ(parser.parse("*1\r\n$4\r\nPING\r\n").status, ParseStatus::error);  // sticky
    parser.reset();
    const ParseResult result = parser.parse("*1\r\n$4\r\nPING\r\n");
    ASSERT_EQ(result.status, ParseStatus::complete);
    EXPECT_EQ(to_args(result), Args{"PING"});
}

TEST(Parser, RejectsInlineCommandsWhenAskedTo) {
    Parser parser{resp::Limits{.inline_commands = resp::InlineCommands::reject}};
    const ParseResult result = parser.parse("*1\r\n$4\r\nPING\r\nPING\r\n");
    ASSERT_EQ(result.status, ParseStatus::complete);
    const ParseResult bad = parser.parse("*1\r\n$4\r\nPING\r\nPING\r\n", result.consumed);
    ASSERT_EQ(bad.status, ParseStatus::error);
    EXPECT_EQ(bad.consumed, 0u);
    EXPECT_EQ(bad.message, "ERR Protocol error: expected '*', got 'P'");
}

TEST(Parser, ABigBulkArrivingAByteAtATimeIsLinear) {
    // Quadratic rescanning would take minutes here; the parser resumes where it stopped.
    const std::size_t size = 300'000;
    const std::string header = "*2\r\n$4\r\nECHO\r\n$" + std::to_string(size) + "\r\n";
    std::string buffer;
    Parser parser;
    ParseResult result;
    for (const char c : header) {
        buffer.push_back(c);
        result = parser.parse(buffer);
    }
    for (std::size_t i = 0; i < size + 2; ++i) {
        ASSERT_EQ(result.status, ParseStatus::need_more);
        buffer.push_back(i < size ? 'x' : (i == size ? '\r' : '\n'));
        result = parser.parse(buffer);
    }
    ASSERT_EQ(result.status, ParseStatus::complete);
    EXPECT_EQ(result.args[1].size(), size);
}

TEST(Parser, ManyArgumentsArrivingInSmallPiecesAreLinear) {
    const std::size_t count = 50'000;
    std::string bytes = "*" + std::to_string(count + 1) + "\r\n$4\r\nMSET\r\n";
    for (std::size_t i = 0; i < count; ++i)
        bytes += "$2\r\nab\r\n";
    Parser parser;
    std::string buffer;
    ParseResult result;
    for (std::size_t at = 0; at < bytes.size(); at += 5) {
        buffer.append(bytes, at, 5);
        result = parser.parse(buffer);
        if (at + 5 < bytes.size()) {
            ASSERT_EQ(result.status, ParseStatus::need_more);
        }
    }
    ASSERT_EQ(result.status, ParseStatus::complete);
    EXPECT_EQ(result.args.size(), count + 1);
    EXPECT_EQ(result.args.back(), "ab");
}

TEST(Parser, ALongInlineLineArrivingSlowlyIsScannedOnce) {
    Parser parser;
    std::string buffer = "ECHO ";
    for (std::size_t i = 0; i < 60'000; ++i) {
        buffer.push_back('y');
        ASSERT_EQ(parser.parse(buffer).status, ParseStatus::need_more);
    }
    buffer += "\r\n";
    const ParseResult result = parser.parse(buffer);
    ASSERT_EQ(result.status, ParseStatus::complete);
    EXPECT_EQ(result.args[1].size(), 60'000u);
}

}  // namespace
