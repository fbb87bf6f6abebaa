// Malformed requests and limits: each error with Redis 7's exact message (checked against
// redis-server 7.0), at every split point, and huge lengths rejected without allocating.
// Introduced in lab 3.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resp/explain.hpp"
#include "resp/parser.hpp"
#include "store/memory.hpp"

namespace {

using resp::Parser;
using resp::ParseResult;
using resp::ParseStatus;
using resp::ProtocolError;

struct Malformed {
    std::string bytes;
    ProtocolError error;
    std::string message;
};

const std::string invalid_multibulk = "ERR Protocol error: invalid multibulk length";
const std::string invalid_bulk = "ERR Protocol error: invalid bulk length";
const std::string unbalanced = "ERR Protocol error: unbalanced quotes in request";

const std::vector<Malformed> malformed = {
    {"*x\r\n", ProtocolError::invalid_multibulk_length, invalid_multibulk},
    {"*\r\n", ProtocolError::invalid_multibulk_length, invalid_multibulk},
    {"*01\r\n", ProtocolError::invalid_multibulk_length, invalid_multibulk},
    {"*+1\r\n", ProtocolError::invalid_multibulk_length, invalid_multibulk},
    {"*-0\r\n", ProtocolError::invalid_multibulk_length, invalid_multibulk},
    {"*1 \r\n", ProtocolError::invalid_multibulk_length, invalid_multibulk},
    {"*2147483648\r\n", ProtocolError::invalid_multibulk_length, invalid_multibulk},
    {"*99999999999999999999999\r\n", ProtocolError::invalid_multibulk_length, invalid_multibulk},
    {"*18446744073709551617\r\n", ProtocolError::invalid_multibulk_length, invalid_multibulk},
    {"*1\r\n$-1\r\n", ProtocolError::invalid_bulk_length, invalid_bulk},
    {"*1\r\n$\r\n", ProtocolError::invalid_bulk_length, invalid_bulk},
    {"*1\r\n$04\r\n", ProtocolError::invalid_bulk_length, invalid_bulk},
    {"*1\r\n$ 4\r\n", ProtocolError::invalid_bulk_length, invalid_bulk},
    {"*1\r\n$536870913\r\n", ProtocolError::invalid_bulk_length, invalid_bulk},
    {"*1\r\n$99999999999999999999\r\n", ProtocolError::invalid_bulk_length, invalid_bulk},
    {"*1\r\n$-9223372036854775808\r\n", ProtocolError::invalid_bulk_length, invalid_bulk},
    {"*2\r\n$4\r\nECHO\r\n$9223372036854775807\r\n", ProtocolError::invalid_bulk_length,
     invalid_bulk},
    {"*1\r\n:4\r\n", ProtocolError::expected_dollar, "ERR Protocol error: expected '$', got ':'"},
    {"*2\r\n$3\r\nGET\r\n*1\r\n", ProtocolError::expected_dollar,
     "ERR Protocol error: expected '$', got '*'"},
    {"*1\r\n\r\n", ProtocolError::expected_dollar, "ERR Protocol error: expected '$', got '\r'"},
    {"ECHO \"ab\r\n", ProtocolError::unbalanced_quotes, unbalanced},
    {"ECHO \"ab\"c\r\n", ProtocolError::unbalanced_quotes, unbalanced},
    {"ECHO 'ab'c\r\n", ProtocolError::unbalanced_quotes, unbalanced},
    {"ECHO 'a\\'\r\n", ProtocolError::unbalanced_quotes, unbalanced},
    {"PING\r\nECHO \"x\n", ProtocolError::unbalanced_quotes, unbalanced},
};

// Every prefix either needs more or already shows the error; the whole input shows it.
TEST(ProtocolErrors, EachHasRedisExactMessageAtEverySplitPoint) {
    for (const Malformed& sample : malformed) {
        SCOPED_TRACE(resp::escape_bytes(sample.bytes));
        for (std::size_t split = 0; split <= sample.bytes.size(); ++split) {
            Parser parser;
            std::size_t offset = 0;
            ParseResult result;
            for (const std::size_t end : {split, sample.bytes.size()}) {
                const std::string buffer = sample.bytes.substr(0, end);
                do {
                    result = parser.parse(buffer, offset);
                    offset += result.consumed;
                } while (result.status == ParseStatus::complete);
                if (result.status == ParseStatus::error) break;
            }
            ASSERT_EQ(result.status, ParseStatus::error) << "split " << split;
            EXPECT_EQ(result.error, sample.error);
            EXPECT_EQ(result.message, sample.message);
        }
    }
}

TEST(ProtocolErrors, ReportWhereTheBrokenCommandStarts) {
    const std::string buffer = "\r\n*0\r\n*1\r\n$x\r\n";
    Parser parser;
    const ParseResult result = parser.parse(buffer);
    ASSERT_EQ(result.status, ParseStatus::error);
    EXPECT_EQ(result.consumed, 6u);  // the AOF reports corruption at this offset
}

TEST(ProtocolErrors, TooBigInlineRequest) {
    const std::string message = "ERR Protocol error: too big inline request";
    Parser parser;
    std::string line(64 * 1024, 'x');
    EXPECT_EQ(parser.parse(line).status, ParseStatus::need_more);  // exactly the limit: waits
    line.push_back('x');
    const ParseResult result = parser.parse(line);
    ASSERT_EQ(result.status, ParseStatus::error);
    EXPECT_EQ(result.message, message);

    // The same verdict when the newline is already there: the answer never depends on how the
    // bytes were split.
    Parser whole;
    EXPECT_EQ(whole.parse(line + "\n").message, message);
    Parser fits;
    EXPECT_EQ(fits.parse(std::string(64 * 1024, 'x') + "\n").status, ParseStatus::complete);
}

TEST(ProtocolErrors, TooBigCountLines) {
    Parser count;
    const ParseResult result = count.parse("*" + std::string(70'000, '1'));
    ASSERT_EQ(result.status, ParseStatus::error);
    EXPECT_EQ(result.message, "ERR Protocol error: too big mbulk count string");

    Parser length;
    const ParseResult bulk = length.parse("*1\r\n$" + std::string(70'000, '1'));
    ASSERT_EQ(bulk.status, ParseStatus::error);
    EXPECT_EQ(bulk.message, "ERR Protocol error: too big bulk count string");
}

TEST(ProtocolErrors, ConfigurableBulkLimit) {
    Parser parser{resp::Limits{.max_bulk_length = 3}};
    EXPECT_EQ(parser.parse("*1\r\n$3\r\nabc\r\n").status, ParseStatus::complete);
    EXPECT_EQ(parser.parse("*1\r\n$4\r\n").message, "ERR Protocol error: invalid bulk length");
}

// Heap growth while `parser` reads `bytes`, measured as lab 2 measures the keyspace (mallinfo2).
std::size_t heap_growth(Parser& parser, const std::string& bytes, ParseStatus expected) {
    const auto before = store::read_process_memory().heap_bytes;
    EXPECT_EQ(parser.parse(bytes).status, expected);
    const auto after = store::read_process_memory().heap_bytes;
    return after > before ? after - before : 0;
}

TEST(Limits, HugeClaimedLengthsAreNotAllocated) {
    // Both claims are legal, so the parser waits for the bytes; neither may reserve what it
    // claims (2 GiB of argument slots, 512 MiB of bulk).
    constexpr std::size_t mebibyte = 1024 * 1024;
    Parser count;
    EXPECT_LT(heap_growth(count, "*2147483647\r\n$4\r\nPING\r\n", ParseStatus::need_more),
              mebibyte);
    Parser bulk;
    EXPECT_LT(heap_growth(bulk, "*1\r\n$536870912\r\nabc", ParseStatus::need_more), mebibyte);
    Parser rejected;
    EXPECT_LT(heap_growth(rejected, "*1\r\n$536870913\r\n", ParseStatus::error), mebibyte);
}

TEST(Limits, NegativeAndZeroCountsAreSkippedLikeRedis) {
    Parser parser;
    const std::string buffer = "*0\r\n*-1\r\n*-9223372036854775808\r\n*1\r\n$4\r\nPING\r\n";
    const ParseResult result = parser.parse(buffer);
    ASSERT_EQ(result.status, ParseStatus::complete);
    EXPECT_EQ(result.consumed, buffer.size());
    ASSERT_EQ(result.args.size(), 1u);
    EXPECT_EQ(result.args[0], "PING");
}

TEST(Limits, TheLargestCountAndLengthAreAccepted) {
    Parser parser;
    EXPECT_EQ(parser.parse("*2147483647\r\n").status, ParseStatus::need_more);
    Parser bulk;
    EXPECT_EQ(bulk.parse("*1\r\n$536870912\r\n").status, ParseStatus::need_more);
}

// --- Before AUTH: Redis's limits for a client that has not authenticated yet ---

const resp::Limits unauthenticated{.authentication = resp::Authentication::pending};
const std::string unauthenticated_multibulk =
    "ERR Protocol error: unauthenticated multibulk length";
const std::string unauthenticated_bulk = "ERR Protocol error: unauthenticated bulk length";

// `bytes` parsed whole and cut at every split point by a parser under `limits`: the status of
// the first result that is not `complete`, and its message.
void expect_at_every_split(const resp::Limits& limits, const std::string& bytes, ParseStatus status,
                           const std::string& message = {}) {
    SCOPED_TRACE(resp::escape_bytes(bytes.substr(0, 40)));
    for (std::size_t split = 0; split <= bytes.size(); ++split) {
        Parser parser{limits};
        std::size_t offset = 0;
        ParseResult result;
        for (const std::size_t end : {split, bytes.size()}) {
            const std::string buffer = bytes.substr(0, end);
            result = parser.parse(buffer, offset);
            offset += result.consumed;
            if (result.status != ParseStatus::need_more) break;
        }
        ASSERT_EQ(result.status, status) << "split " << split;
        EXPECT_EQ(result.message, message);
    }
}

TEST(UnauthenticatedLimits, MoreThanTenElementsAreRefused) {
    expect_at_every_split(unauthenticated, "*11\r\n", ParseStatus::error,
                          unauthenticated_multibulk);
    expect_at_every_split(unauthenticated, "*2147483647\r\n", ParseStatus::error,
                          unauthenticated_multibulk);
    std::string ten = "*10\r\n";
    for (int i = 0; i < 10; ++i)
        ten += "$1\r\nk\r\n";
    expect_at_every_split(unauthenticated, ten, ParseStatus::complete);
}

TEST(UnauthenticatedLimits, BulkStringsOver16KiBAreRefused) {
    expect_at_every_split(unauthenticated, "*2\r\n$4\r\nECHO\r\n$16385\r\n", ParseStatus::error,
                          unauthenticated_bulk);
    expect_at_every_split(unauthenticated, "*1\r\n$536870912\r\n", ParseStatus::error,
                          unauthenticated_bulk);
    Parser parser{unauthenticated};
    const std::string largest = "*2\r\n$4\r\nECHO\r\n$16384\r\n" + std::string(16384, 'x') + "\r\n";
    const ParseResult result = parser.parse(largest);
    ASSERT_EQ(result.status, ParseStatus::complete);
    EXPECT_EQ(result.args[1].size(), 16384u);
}

TEST(UnauthenticatedLimits, InvalidLengthsAreReportedFirstAsRedisDoes) {
    expect_at_every_split(unauthenticated, "*3000000000\r\n", ParseStatus::error,
                          "ERR Protocol error: invalid multibulk length");
    expect_at_every_split(unauthenticated, "*1\r\n$629145600\r\n", ParseStatus::error,
                          "ERR Protocol error: invalid bulk length");
    expect_at_every_split(unauthenticated, "*1\r\n$-1\r\n", ParseStatus::error,
                          "ERR Protocol error: invalid bulk length");
}

TEST(UnauthenticatedLimits, NoOpArraysAndInlineCommandsAreNotLimited) {
    // Redis limits only `*<count>` and `$<length>`; an inline line keeps its 64 KiB.
    std::string words = "DEL";
    for (int i = 0; i < 20; ++i)
        words += " k" + std::to_string(i);
    Parser parser{unauthenticated};
    const ParseResult inline_command = parser.parse("*-1\r\n*0\r\n" + words + "\r\n");
    ASSERT_EQ(inline_command.status, ParseStatus::complete);
    EXPECT_EQ(inline_command.args.size(), 21u);
}

TEST(UnauthenticatedLimits, EndWithAuthenticationBetweenTwoCommandsOfOneBuffer) {
    // AUTH and a big SET in one read: the server runs AUTH, then says the client is
    // authenticated before the parser reads the SET's header.
    const std::string auth = "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n";
    const std::string set =
        "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$20000\r\n" + std::string(20000, 'v') + "\r\n";
    const std::string buffer = auth + set;
    Parser parser{unauthenticated};
    const ParseResult first = parser.parse(buffer);
    ASSERT_EQ(first.status, ParseStatus::complete);
    EXPECT_EQ(first.args[0], "AUTH");
    parser.set_authentication(resp::Authentication::done);
    const ParseResult second = parser.parse(buffer, first.consumed);
    ASSERT_EQ(second.status, ParseStatus::complete);
    EXPECT_EQ(second.args[2].size(), 20000u);

    // Without the AUTH succeeding, the same SET is refused.
    Parser stranger{unauthenticated};
    EXPECT_EQ(stranger.parse(set).message, unauthenticated_bulk);
}

TEST(UnauthenticatedLimits, TheCatalogHasRedisMessages) {
    EXPECT_EQ(resp::protocol_error_message(ProtocolError::unauthenticated_multibulk_length),
              unauthenticated_multibulk);
    EXPECT_EQ(resp::protocol_error_message(ProtocolError::unauthenticated_bulk_length),
              unauthenticated_bulk);
}

}  // namespace
