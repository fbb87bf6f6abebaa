// lab5_server driven by Redis's own tools: redis-cli with arguments and with a script on
// stdin, redis-cli --pipe for mass insertion, and redis-benchmark with 50 clients.
// Introduced in lab 5.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lab5_test_helpers.hpp"

namespace {

using lab5_test::contains;
using lab5_test::start_server;
using lab5_test::TempDir;

constexpr const char* redis_cli = "/usr/bin/redis-cli";
constexpr const char* redis_benchmark = "/usr/bin/redis-benchmark";

/// Runs `redis-cli -p port arguments...` with `input` on stdin.
support::RunResult cli(std::uint16_t port, std::vector<std::string> arguments,
                       const std::string& input = {}) {
    arguments.insert(arguments.begin(), {"-p", std::to_string(port)});
    return support::run_program(redis_cli, arguments, input);
}

/// The output of one redis-cli call, which must succeed.
std::string ask(std::uint16_t port, std::vector<std::string> arguments) {
    const auto result = cli(port, std::move(arguments));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
}

TEST(Lab5RedisCli, OneCommandPerCall) {
    TempDir dir;
    auto server = start_server(dir);
    const auto port = server.port();
    // Not on a terminal, redis-cli prints replies raw: no "(integer)", no quotes.
    EXPECT_EQ(ask(port, {"SET", "k", "v"}), "OK\n");
    EXPECT_EQ(ask(port, {"GET", "k"}), "v\n");
    EXPECT_EQ(ask(port, {"GET", "missing"}), "\n");
    EXPECT_EQ(ask(port, {"INCR", "n"}), "1\n");
    EXPECT_EQ(ask(port, {"MGET", "k", "missing", "n"}), "v\n\n1\n");
    EXPECT_EQ(ask(port, {"SET", "spaced key", "a b"}), "OK\n");
    EXPECT_EQ(ask(port, {"GET", "spaced key"}), "a b\n");
    // An error, then the empty line redis-cli prints after it; the exit status stays 0.
    EXPECT_EQ(ask(port, {"NOPE"}), "ERR unknown command 'NOPE', with args beginning with: \n\n");
    EXPECT_EQ(ask(port, {"DBSIZE"}), "3\n");
    EXPECT_EQ(ask(port, {"PING"}), "PONG\n");
}

TEST(Lab5RedisCli, ScriptOnStandardInput) {
    TempDir dir;
    auto server = start_server(dir);
    const auto result = cli(server.port(), {},
                            "SET a 1\nGET a\nINCR a\nDEL a\nKEYS *\nEXPIRE x 10\nTTL x\n"
                            "SET \"two words\" \"a b\"\nGET \"two words\"\n");
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "OK\n1\n2\n1\n\n0\n-2\nOK\na b\n");
}

TEST(Lab5RedisCli, InteractiveFormattingWithNoRaw) {
    TempDir dir;
    auto server = start_server(dir);
    const auto result =
        cli(server.port(), {"--no-raw"}, "SET k v\nINCR n\nMGET k nope\nGET nope\nTYPE k\n");
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "OK\n(integer) 1\n1) \"v\"\n2) (nil)\n(nil)\nstring\n");
}

TEST(Lab5RedisCli, PipeModeInsertsAThousandKeys) {
    TempDir dir;
    auto server = start_server(dir);
    std::string commands;
    for (int i = 1; i <= 1000; ++i) {
        const std::string key = "key:" + std::to_string(i);
        commands +=
            "*3\r\n$3\r\nSET\r\n$" + std::to_string(key.size()) + "\r\n" + key + "\r\n$1\r\nx\r\n";
    }
    const auto result = cli(server.port(), {"--pipe"}, commands);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(contains(result.out, "errors: 0, replies: 1000")) << result.out;
    EXPECT_EQ(ask(server.port(), {"DBSIZE"}), "1000\n");
}

TEST(Lab5RedisCli, InfoAndConfigAsRedisCliShowsThem) {
    TempDir dir;
    auto server = start_server(dir, {"--maxclients", "77"});
    EXPECT_EQ(ask(server.port(), {"CONFIG", "GET", "maxclients"}), "maxclients\n77\n");
    const std::string info = ask(server.port(), {"INFO", "persistence"});
    EXPECT_TRUE(contains(info, "# Persistence")) << info;
    EXPECT_TRUE(contains(info, "rdb_bgsave_in_progress:0")) << info;
    EXPECT_TRUE(contains(info, "aof_enabled:0")) << info;
}

TEST(Lab5RedisCli, RedisBenchmarkWithFiftyClients) {
    TempDir dir;
    auto server = start_server(dir);
    const auto result =
        support::run_program(redis_benchmark, {"-p", std::to_string(server.port()), "-t",
                                               "set,get,incr", "-n", "20000", "-c", "50", "-q"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(contains(result.out, "SET: ")) << result.out;
    EXPECT_TRUE(contains(result.out, "INCR: ")) << result.out;
    // Without -r, every INCR hits the one key counter:__rand_int__: 20,000 increments from
    // 50 clients at once must all land, none lost to a race.
    EXPECT_EQ(ask(server.port(), {"GET", "counter:__rand_int__"}), "20000\n");
}

}  // namespace
