// In-process tests of the generic key commands (DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN, RENAME,
// RENAMENX, RANDOMKEY, DBSIZE, FLUSHALL, FLUSHDB) and of the expiry commands.
// Introduced in lab 5.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "cmd/scan.hpp"
#include "cmd_harness.hpp"

namespace {

using namespace cmd_test;
using namespace std::chrono_literals;

// Splits a reply that is an array of bulk strings into its strings (KEYS, SCAN's key list).
std::vector<std::string> bulk_strings(const std::string& reply, std::size_t from = 0) {
    std::vector<std::string> items;
    std::size_t position = reply.find("\r\n", from) + 2;  // after the array header
    while (position < reply.size() && reply[position] == '$') {
        const std::size_t end = reply.find("\r\n", position);
        const auto length = std::stoul(reply.substr(position + 1, end - position - 1));
        items.push_back(reply.substr(end + 2, length));
        position = end + 2 + length + 2;
    }
    return items;
}

TEST_F(CommandTest, DelUnlinkExists) {
    given({"MSET", "a", "1", "b", "2", "c", "3"});
    EXPECT_EQ(run({"EXISTS", "a", "a", "missing"}), integer(2));
    EXPECT_EQ(run({"DEL", "a", "missing"}), integer(1));
    EXPECT_EQ(run({"UNLINK", "b", "c"}), integer(2));
    EXPECT_EQ(run({"DBSIZE"}), integer(0));
}

TEST_F(CommandTest, Type) {
    given({"SET", "k", "v"});
    EXPECT_EQ(run({"TYPE", "k"}), "+string\r\n");
    EXPECT_EQ(run({"TYPE", "missing"}), "+none\r\n");
}

TEST_F(CommandTest, KeysMatchesGlobs) {
    given({"MSET", "user:1", "a", "user:2", "b", "user:10", "c", "other", "d"});
    auto sorted = [](std::vector<std::string> items) {
        std::sort(items.begin(), items.end());
        return items;
    };
    EXPECT_EQ(sorted(bulk_strings(run({"KEYS", "user:*"}))),
              (std::vector<std::string>{"user:1", "user:10", "user:2"}));
    EXPECT_EQ(sorted(bulk_strings(run({"KEYS", "user:?"}))),
              (std::vector<std::string>{"user:1", "user:2"}));
    EXPECT_EQ(sorted(bulk_strings(run({"KEYS", "user:[^1]*"}))),
              (std::vector<std::string>{"user:2"}));
    EXPECT_EQ(bulk_strings(run({"KEYS", "*"})).size(), 4u);
    EXPECT_EQ(run({"KEYS", "nothing*"}), "*0\r\n");
}

TEST_F(CommandTest, KeysStarListsAnEmptyKeyButDoubleStarDoesNot) {
    given({"SET", "", "v"});
    EXPECT_EQ(run({"KEYS", "*"}), "*1\r\n$0\r\n\r\n");
    EXPECT_EQ(run({"KEYS", "**"}), "*0\r\n");
}

TEST_F(CommandTest, KeysSkipsExpiredKeys) {
    given({"SET", "gone", "v", "PX", "10"});
    given({"SET", "kept", "v"});
    clock.advance(11ms);
    EXPECT_EQ(bulk_strings(run({"KEYS", "*"})), std::vector<std::string>{"kept"});
}

// Runs a whole SCAN iteration, calling `between` after each step; returns every key seen.
template <typename Between>
std::multiset<std::string> scan_all(CommandTest& test, std::string_view count, Between between,
                                    int& calls) {
    std::multiset<std::string> seen;
    std::string cursor = "0";
    calls = 0;
    do {
        const std::string reply = test.run_as(test.session, {"SCAN", cursor, "COUNT", count});
        const auto header_end = reply.find("\r\n", 4);  // after *2 and the cursor's $n
        const std::size_t cursor_start = header_end + 2;
        const std::size_t cursor_end = reply.find("\r\n", cursor_start);
        cursor = reply.substr(cursor_start, cursor_end - cursor_start);
        for (auto& key : bulk_strings(reply, cursor_end + 2))
            seen.insert(key);
        between();
        ++calls;
    } while (cursor != "0" && calls < 10'000);
    return seen;
}

TEST_F(CommandTest, ScanReturnsEveryKeyExactlyOnce) {
    for (int i = 0; i < 500; ++i)
        given({"SET", "key:" + std::to_string(i), "v"});
    int calls = 0;
    const auto seen = scan_all(
        *this, "7", [] {}, calls);
    EXPECT_EQ(seen.size(), 500u);
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 500u);
    EXPECT_GE(calls, 500 / 7);
}

TEST_F(CommandTest, ScanSurvivesKeysAddedAndRehashingDuringTheIteration) {
    for (int i = 0; i < 100; ++i)
        given({"SET", "old:" + std::to_string(i), "v"});
    int added = 0;
    int calls = 0;
    // Thousands of new keys between the first steps force the table to rehash several times.
    const auto seen = scan_all(
        *this, "5",
        [&] {
            if (added >= 4000) return;
            for (int j = 0; j < 200; ++j)
                given({"SET", "new:" + std::to_string(added++), "v"});
        },
        calls);
    EXPECT_EQ(added, 4000);
    for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(seen.count("old:" + std::to_string(i)), 1u) << "old:" << i;
    }
}

TEST_F(CommandTest, ScanMatchTypeAndErrors) {
    given({"MSET", "a1", "x", "a2", "x", "b1", "x"});
    const std::string reply = run({"SCAN", "0", "MATCH", "a*", "COUNT", "100"});
    EXPECT_EQ(reply.substr(0, 11), "*2\r\n$1\r\n0\r\n");
    auto keys = bulk_strings(reply, 11);
    std::sort(keys.begin(), keys.end());
    EXPECT_EQ(keys, (std::vector<std::string>{"a1", "a2"}));
    EXPECT_EQ(run({"SCAN", "0", "TYPE", "list", "COUNT", "100"}), "*2\r\n$1\r\n0\r\n*0\r\n");
    EXPECT_EQ(bulk_strings(run({"SCAN", "0", "TYPE", "string", "COUNT", "100"}), 11).size(), 3u);
    EXPECT_EQ(run({"SCAN", "abc"}), error("ERR invalid cursor"));
    EXPECT_EQ(run({"SCAN", "0", "COUNT", "0"}), error("ERR syntax error"));
    EXPECT_EQ(run({"SCAN", "0", "MATCH"}), error("ERR syntax error"));
    EXPECT_EQ(run({"SCAN", "0", "COUNT", "x"}),
              error("ERR value is not an integer or out of range"));
}

TEST_F(CommandTest, ScanOfAnEmptyKeyspace) {
    EXPECT_EQ(run({"SCAN", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
    EXPECT_EQ(run({"SCAN", "18446744073709551615"}), "*2\r\n$1\r\n0\r\n*0\r\n");
}

TEST(ScanKeys, EqualHashesStayInOneBatch) {
    // The cursor is one past the last hash, so a batch of one key still ends the iteration.
    store::ManualClock clock;
    store::Keyspace keyspace{clock};
    keyspace.set("only", "v");
    const cmd::ScanBatch batch = cmd::scan_keys(keyspace, 0, 1);
    EXPECT_EQ(batch.keys, std::vector<std::string>{"only"});
    EXPECT_EQ(batch.next_cursor, 0u);
}

TEST_F(CommandTest, RenameMovesValueAndDeadline) {
    given({"SET", "a", "1", "EX", "100"});
    given({"SET", "b", "2"});
    EXPECT_EQ(run({"RENAME", "a", "b"}), ok);
    EXPECT_EQ(run({"GET", "b"}), bulk("1"));
    EXPECT_EQ(run({"TTL", "b"}), integer(100));
    EXPECT_EQ(run({"EXISTS", "a"}), integer(0));
    EXPECT_EQ(run({"RENAME", "a", "c"}), error("ERR no such key"));
    EXPECT_EQ(run({"RENAME", "b", "b"}), ok);
    EXPECT_EQ(run({"RENAME", "x", "x"}), error("ERR no such key"));
}

TEST_F(CommandTest, Renamenx) {
    given({"MSET", "a", "1", "b", "2"});
    EXPECT_EQ(run({"RENAMENX", "a", "b"}), integer(0));
    EXPECT_EQ(run({"RENAMENX", "a", "a"}), integer(0));
    EXPECT_EQ(run({"RENAMENX", "a", "c"}), integer(1));
    EXPECT_EQ(run({"GET", "c"}), bulk("1"));
    EXPECT_EQ(run({"RENAMENX", "missing", "d"}), error("ERR no such key"));
}

TEST_F(CommandTest, RandomkeyAndDbsize) {
    EXPECT_EQ(run({"RANDOMKEY"}), null);
    EXPECT_EQ(run({"DBSIZE"}), integer(0));
    given({"MSET", "a", "1", "b", "2"});
    const std::string key = run({"RANDOMKEY"});
    EXPECT_TRUE(key == bulk("a") || key == bulk("b")) << key;
    EXPECT_EQ(run({"DBSIZE"}), integer(2));
}

TEST_F(CommandTest, FlushdbAndFlushall) {
    given({"MSET", "a", "1", "b", "2"});
    EXPECT_EQ(run({"FLUSHDB", "ASYNC"}), ok);
    EXPECT_EQ(run({"DBSIZE"}), integer(0));
    given({"SET", "a", "1"});
    EXPECT_EQ(run({"FLUSHALL", "sync"}), ok);
    EXPECT_EQ(run({"DBSIZE"}), integer(0));
    EXPECT_EQ(server.saves, 1);  // save points are configured by default: FLUSHALL saves
    EXPECT_EQ(run({"FLUSHALL", "foo"}), error("ERR syntax error"));
    EXPECT_EQ(run({"FLUSHDB", "ASYNC", "SYNC"}), error("ERR syntax error"));
}

TEST_F(CommandTest, ExpireAndTtl) {
    given({"SET", "k", "v"});
    EXPECT_EQ(run({"TTL", "k"}), integer(-1));
    EXPECT_EQ(run({"TTL", "missing"}), integer(-2));
    EXPECT_EQ(run({"PTTL", "missing"}), integer(-2));
    EXPECT_EQ(run({"EXPIRE", "k", "100"}), integer(1));
    EXPECT_EQ(run({"TTL", "k"}), integer(100));
    clock.advance(1500ms);
    EXPECT_EQ(run({"TTL", "k"}), integer(99));  // 98.5 s rounds to 99, as Redis
    EXPECT_EQ(run({"PTTL", "k"}), integer(98'500));
    EXPECT_EQ(run({"PEXPIRE", "k", "2000"}), integer(1));
    EXPECT_EQ(run({"PTTL", "k"}), integer(2000));
    EXPECT_EQ(run({"EXPIRE", "missing", "10"}), integer(0));
}

TEST_F(CommandTest, ExpireatAndExpiretime) {
    given({"SET", "k", "v"});
    EXPECT_EQ(run({"EXPIRETIME", "k"}), integer(-1));
    EXPECT_EQ(run({"EXPIRETIME", "missing"}), integer(-2));
    const long long at = now_ms() / 1000 + 60;
    EXPECT_EQ(run({"EXPIREAT", "k", std::to_string(at)}), integer(1));
    EXPECT_EQ(run({"EXPIRETIME", "k"}), integer(at));
    EXPECT_EQ(run({"PEXPIRETIME", "k"}), integer(at * 1000));
    EXPECT_EQ(run({"PEXPIREAT", "k", std::to_string(now_ms() + 1234)}), integer(1));
    EXPECT_EQ(run({"PTTL", "k"}), integer(1234));
}

TEST_F(CommandTest, ExpireInThePastDeletes) {
    given({"SET", "k", "v"});
    EXPECT_EQ(run({"EXPIRE", "k", "-1"}), integer(1));
    EXPECT_EQ(run({"EXISTS", "k"}), integer(0));
    given({"SET", "k", "v"});
    EXPECT_EQ(run({"EXPIREAT", "k", "1"}), integer(1));
    EXPECT_EQ(run({"TTL", "k"}), integer(-2));
}

TEST_F(CommandTest, ExpireOptions) {
    given({"SET", "k", "v"});
    EXPECT_EQ(run({"EXPIRE", "k", "100", "XX"}), integer(0));  // no deadline yet
    EXPECT_EQ(run({"EXPIRE", "k", "100", "GT"}), integer(0));  // none counts as infinite
    EXPECT_EQ(run({"EXPIRE", "k", "100", "LT"}), integer(1));
    EXPECT_EQ(run({"EXPIRE", "k", "50", "NX"}), integer(0));
    EXPECT_EQ(run({"EXPIRE", "k", "200", "GT"}), integer(1));
    EXPECT_EQ(run({"EXPIRE", "k", "150", "GT"}), integer(0));
    EXPECT_EQ(run({"EXPIRE", "k", "150", "LT"}), integer(1));
    EXPECT_EQ(run({"EXPIRE", "k", "300", "xx", "lt"}), integer(0));
    EXPECT_EQ(run({"TTL", "k"}), integer(150));
    given({"SET", "j", "v"});
    EXPECT_EQ(run({"EXPIRE", "j", "50", "nx"}), integer(1));
}

TEST_F(CommandTest, ExpireErrors) {
    given({"SET", "k", "v"});
    EXPECT_EQ(run({"EXPIRE", "k", "10", "NX", "XX"}),
              error("ERR NX and XX, GT or LT options at the same time are not compatible"));
    EXPECT_EQ(run({"EXPIRE", "k", "10", "GT", "LT"}),
              error("ERR GT and LT options at the same time are not compatible"));
    EXPECT_EQ(run({"EXPIRE", "k", "10", "foo"}), error("ERR Unsupported option foo"));
    EXPECT_EQ(run({"EXPIRE", "k", "abc"}), error("ERR value is not an integer or out of range"));
    EXPECT_EQ(run({"EXPIRE", "k", "9223372036854775807"}),
              error("ERR invalid expire time in 'expire' command"));
    EXPECT_EQ(run({"PEXPIRE", "k", "9223372036854775807"}),
              error("ERR invalid expire time in 'pexpire' command"));
    EXPECT_EQ(run({"TTL", "k"}), integer(-1));
}

TEST_F(CommandTest, Persist) {
    given({"SET", "k", "v", "EX", "10"});
    EXPECT_EQ(run({"PERSIST", "k"}), integer(1));
    EXPECT_EQ(run({"PERSIST", "k"}), integer(0));
    EXPECT_EQ(run({"PERSIST", "missing"}), integer(0));
    EXPECT_EQ(run({"TTL", "k"}), integer(-1));
}

}  // namespace
