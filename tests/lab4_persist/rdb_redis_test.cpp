// Our RDB files against the real thing: Debian's redis-check-rdb must pass them, and a real
// redis-server 7.0.15 must load them and answer with the same values, deadlines included. Each
// test is skipped when the program is not installed. Introduced in lab 4.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "persist/rdb.hpp"
#include "rdb_bytes.hpp"
#include "resp/writer.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"
#include "support/process.hpp"
#include "support/test_client.hpp"
#include "temp_dir.hpp"

namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;

const std::string redis_server = "/usr/bin/redis-server";
const std::string redis_check_rdb = "/usr/bin/redis-check-rdb";

// 2100-01-01: far enough ahead that no key expires while the test runs on the real clock.
constexpr store::TimePoint year_2100{std::chrono::milliseconds{4'102'444'800'000}};

std::string bulk(std::string_view text) {
    return "$" + std::to_string(text.size()) + "\r\n" + std::string{text} + "\r\n";
}

std::string array(const std::vector<std::string>& items) {
    std::string reply = "*" + std::to_string(items.size()) + "\r\n";
    for (const auto& item : items)
        reply += bulk(item);
    return reply;
}

class RdbAgainstRedis : public ::testing::Test {
protected:
    store::SystemClock clock;
    store::Keyspace keyspace{clock};
    lab4_test::TempDir dir;

    std::vector<std::string> strings = lab4_test::encoding_strings();
    std::vector<std::string> many;

    // Every value type and string encoding we write, some keys with deadlines.
    void SetUp() override {
        for (std::size_t i = 0; i < strings.size(); ++i) {
            keyspace.set("s" + std::to_string(i), strings[i]);
        }
        keyspace.set("ttl", "value", year_2100);
        store::List list;
        for (int i = 0; i < 3000; ++i) {
            many.push_back(std::to_string(i * 7919 % 10007) + (i % 3 == 0 ? "x" : ""));
            list.push(store::End::tail, many.back());
        }
        keyspace.replace("list", std::move(list), year_2100 + 1ms);
        store::Set strings_set;
        for (const auto& text : strings)
            strings_set.insert(text);
        keyspace.replace("set", std::move(strings_set), std::nullopt);
        store::Set numbers;
        for (const char* number : {"1", "2", "-5", "100000", "5000000000"})
            numbers.insert(number);
        keyspace.replace("intset", std::move(numbers), year_2100);
        keyspace.set("\xff\x00key"s, "binary key");
    }
};

TEST_F(RdbAgainstRedis, RedisCheckRdbAcceptsOurFile) {
    if (!std::filesystem::exists(redis_check_rdb)) GTEST_SKIP() << "redis-check-rdb is missing";
    for (const bool compress : {true, false}) {
        const auto path = dir / "ours.rdb";
        (void)persist::save_rdb(keyspace, path, clock.now(), {compress, true});
        const auto run = support::run_program(redis_check_rdb, {path.string()});
        EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
        EXPECT_NE(run.out.find("RDB looks OK!"), std::string::npos) << run.out;
        EXPECT_NE(run.out.find("[info] " + std::to_string(keyspace.size()) + " keys read"),
                  std::string::npos)
            << run.out;
        EXPECT_NE(run.out.find("[info] 3 expires"), std::string::npos) << run.out;
    }
}

TEST_F(RdbAgainstRedis, RedisServerLoadsOurFileWithTheSameValues) {
    if (!std::filesystem::exists(redis_server)) GTEST_SKIP() << "redis-server is missing";
    (void)persist::save_rdb(keyspace, dir / "dump.rdb", clock.now());
    const std::uint16_t port = support::free_port();
    auto server = support::ServerProcess::start_on_port(
        redis_server,
        {"--port", std::to_string(port), "--bind", "127.0.0.1", "--dir", dir.string(),
         "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no"},
        port);
    support::TestClient client{port};
    const auto ask = [&](std::initializer_list<std::string_view> command,
                         const std::string& expected) {
        client.send(resp::encode_command(command));
        const std::string reply = client.read_exact(expected.size());
        // Compared without printing: a mismatch in a 10,000-byte reply would flood the log.
        std::string shown;
        for (const std::string_view argument : command)
            shown += std::string{argument.substr(0, 20)} + " ";
        EXPECT_TRUE(reply == expected) << shown << ": got " << reply.substr(0, 200)
                                       << "..., expected " << expected.substr(0, 200) << "...";
    };
    ask({"DBSIZE"}, ":" + std::to_string(keyspace.size()) + "\r\n");
    for (std::size_t i = 0; i < strings.size(); ++i) {
        const std::string key = "s" + std::to_string(i);
        ask({"GET", key}, bulk(strings[i]));
        ask({"PEXPIRETIME", key}, ":-1\r\n");
    }
    ask({"GET", "\xff\x00key"s}, bulk("binary key"));
    ask({"PEXPIRETIME", "ttl"}, ":4102444800000\r\n");
    ask({"LRANGE", "list", "0", "-1"}, array(many));
    ask({"PEXPIRETIME", "list"}, ":4102444800001\r\n");
    // Members one by one: SMEMBERS's order is the hash table's, and SORT ALPHA compares C
    // strings (strcoll), which cannot order "" and "\0binary".
    ask({"TYPE", "set"}, "+set\r\n");
    ask({"SCARD", "set"}, ":" + std::to_string(strings.size()) + "\r\n");
    for (const auto& member : strings)
        ask({"SISMEMBER", "set", member}, ":1\r\n");
    ask({"SCARD", "intset"}, ":5\r\n");
    for (const char* member : {"1", "2", "-5", "100000", "5000000000"})
        ask({"SISMEMBER", "intset", member}, ":1\r\n");
    ask({"OBJECT", "ENCODING", "intset"}, "$6\r\nintset\r\n");
    ask({"PEXPIRETIME", "intset"}, ":4102444800000\r\n");
    // Redis keeps working on what it loaded: SAVE writes its own file from it.
    ask({"SAVE"}, "+OK\r\n");
    EXPECT_EQ(server.stop(SIGTERM), 0);
    // And the file redis-server wrote from our data (listpacks, an intset) reads back the same.
    const auto again =
        persist::parse_rdb(support::read_bytes(dir / "dump.rdb"), "redis's", clock.now());
    EXPECT_TRUE(lab4_test::contents(again) == lab4_test::contents(keyspace));
}

}  // namespace
