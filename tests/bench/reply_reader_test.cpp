// The load generator's RESP reply reader: every reply type, "need more" at every split point of
// a stream of replies, and input that is not RESP. Part of the benchmark harness's tests.
#include "reply_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using bench::read_reply;
using bench::Reply;
using bench::ReplyKind;
using bench::ReplyStatus;

Reply complete(std::string_view bytes) {
    const Reply reply = read_reply(bytes);
    EXPECT_EQ(reply.status, ReplyStatus::complete) << bytes;
    EXPECT_EQ(reply.consumed, bytes.size()) << bytes;
    return reply;
}

TEST(ReplyReader, SimpleString) {
    const Reply reply = complete("+OK\r\n");
    EXPECT_EQ(reply.kind, ReplyKind::simple);
    EXPECT_EQ(reply.text, "OK");
}

TEST(ReplyReader, ErrorKeepsItsText) {
    const Reply reply =
        complete("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    EXPECT_EQ(reply.kind, ReplyKind::error);
    EXPECT_EQ(reply.text, "WRONGTYPE Operation against a key holding the wrong kind of value");
}

TEST(ReplyReader, Integer) {
    EXPECT_EQ(complete(":42\r\n").integer, 42);
    EXPECT_EQ(complete(":-7\r\n").integer, -7);
    EXPECT_EQ(complete(":0\r\n").kind, ReplyKind::integer);
}

TEST(ReplyReader, BulkStringIsBinarySafe) {
    const Reply reply = complete(std::string_view{"$5\r\na\r\n\0b\r\n", 11});
    EXPECT_EQ(reply.kind, ReplyKind::bulk);
    EXPECT_EQ(reply.text, std::string_view("a\r\n\0b", 5));
    EXPECT_EQ(complete("$0\r\n\r\n").text, "");
}

TEST(ReplyReader, Nulls) {
    EXPECT_EQ(complete("$-1\r\n").kind, ReplyKind::null);
    EXPECT_EQ(complete("*-1\r\n").kind, ReplyKind::null);
    EXPECT_EQ(complete("_\r\n").kind, ReplyKind::null);
}

TEST(ReplyReader, ArraysAreReadWhole) {
    const Reply reply = complete("*3\r\n$1\r\na\r\n:1\r\n*2\r\n+x\r\n$-1\r\n");
    EXPECT_EQ(reply.kind, ReplyKind::array);
    EXPECT_EQ(reply.integer, 3);
    EXPECT_EQ(complete("*0\r\n").integer, 0);
}

TEST(ReplyReader, Resp3Types) {
    EXPECT_EQ(complete("#t\r\n").kind, ReplyKind::simple);
    EXPECT_EQ(complete(",1.5\r\n").kind, ReplyKind::simple);
    EXPECT_EQ(complete("(12345678901234567890\r\n").kind, ReplyKind::simple);
    EXPECT_EQ(complete("!9\r\nERR boom!\r\n").kind, ReplyKind::error);
    EXPECT_EQ(complete("=7\r\ntxt:abc\r\n").text, "txt:abc");
    EXPECT_EQ(complete("%1\r\n+k\r\n:1\r\n").kind, ReplyKind::array);
    EXPECT_EQ(complete("~2\r\n:1\r\n:2\r\n").integer, 2);
    EXPECT_EQ(complete(">2\r\n+a\r\n+b\r\n").kind, ReplyKind::array);
}

TEST(ReplyReader, ReadsOneReplyAtATime) {
    const std::string_view stream = "+OK\r\n:1\r\n";
    const Reply first = read_reply(stream);
    ASSERT_EQ(first.status, ReplyStatus::complete);
    EXPECT_EQ(first.consumed, 5U);
    EXPECT_EQ(read_reply(stream.substr(first.consumed)).integer, 1);
}

TEST(ReplyReader, NeedsMoreAtEverySplitPoint) {
    // Every prefix of every reply is "need more", never an error or a wrong reply; the whole
    // stream read reply by reply gives the replies in order.
    const std::vector<std::string> replies = {"+OK\r\n",
                                              "-ERR no\r\n",
                                              ":123\r\n",
                                              "$3\r\nabc\r\n",
                                              "$-1\r\n",
                                              "*-1\r\n",
                                              "*2\r\n$1\r\nx\r\n*1\r\n:5\r\n",
                                              "%1\r\n+a\r\n$1\r\nb\r\n",
                                              "_\r\n"};
    for (const std::string& reply : replies) {
        for (std::size_t cut = 0; cut < reply.size(); ++cut) {
            EXPECT_EQ(read_reply(std::string_view{reply}.substr(0, cut)).status,
                      ReplyStatus::need_more)
                << reply << " cut at " << cut;
        }
    }
    std::string stream;
    for (const std::string& reply : replies)
        stream += reply;
    std::string_view rest = stream;
    for (const std::string& reply : replies) {
        const Reply read = read_reply(rest);
        ASSERT_EQ(read.status, ReplyStatus::complete);
        EXPECT_EQ(rest.substr(0, read.consumed), reply);
        rest.remove_prefix(read.consumed);
    }
    EXPECT_TRUE(rest.empty());
}

TEST(ReplyReader, RejectsWhatIsNotResp) {
    for (const std::string_view bad :
         {"?\r\n", "OK\r\n", ":12x\r\n", ":\r\n", "$x\r\n", "$-2\r\n", "$3\r\nabcde\r\n", "*x\r\n",
          "*-5\r\n", "+OK\rX", "*1\r\n?\r\n", "_x\r\n"}) {
        EXPECT_EQ(read_reply(bad).status, ReplyStatus::bad) << bad;
    }
}

TEST(ReplyReader, RejectsAnEndlessLineAndEndlessNesting) {
    EXPECT_EQ(read_reply("+" + std::string(100'000, 'a')).status, ReplyStatus::bad);
    std::string deep;
    for (int i = 0; i < 100; ++i)
        deep += "*1\r\n";
    EXPECT_EQ(read_reply(deep + ":1\r\n").status, ReplyStatus::bad);
}

}  // namespace
