// Black-box tests of the lab6_types program: the real binary on a free port, lists and sets
// over raw RESP and through redis-cli, and both types surviving a restart. Introduced in lab 6.
#include <gtest/gtest.h>

#include <string>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_client.hpp"

namespace {

using support::ServerProcess;
using support::TestClient;

ServerProcess start_lab6(const support::TempDir& dir) {
    return ServerProcess::start(support::program_path("lab6_types"),
                                {"--port", "0", "--dir", dir.string(), "--save", ""});
}

std::string cli(const ServerProcess& server, const std::vector<std::string>& words) {
    std::vector<std::string> arguments{"-p", std::to_string(server.port())};
    arguments.insert(arguments.end(), words.begin(), words.end());
    return support::run_program("/usr/bin/redis-cli", arguments).out;
}

TEST(Lab6Server, ListsAndSetsOverRawResp) {
    support::TempDir dir;
    auto server = start_lab6(dir);
    TestClient client{server.port()};
    client.send(
        "RPUSH queue a b c\r\nLPOP queue\r\nLRANGE queue 0 -1\r\nSADD tags x y x\r\n"
        "SCARD tags\r\nGET queue\r\nTYPE tags\r\n");
    const std::string expected =
        ":3\r\n$1\r\na\r\n*2\r\n$1\r\nb\r\n$1\r\nc\r\n:2\r\n:2\r\n"
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n+set\r\n";
    EXPECT_EQ(client.read_exact(expected.size()), expected);
}

TEST(Lab6Server, RedisCliSession) {
    support::TempDir dir;
    auto server = start_lab6(dir);
    EXPECT_EQ(cli(server, {"LPUSH", "jobs", "one", "two"}), "2\n");
    EXPECT_EQ(cli(server, {"LMOVE", "jobs", "done", "RIGHT", "LEFT"}), "one\n");
    EXPECT_EQ(cli(server, {"LRANGE", "done", "0", "-1"}), "one\n");
    EXPECT_EQ(cli(server, {"SADD", "a", "1", "2", "3"}), "3\n");
    EXPECT_EQ(cli(server, {"SADD", "b", "2", "3", "4"}), "3\n");
    EXPECT_EQ(cli(server, {"SINTERCARD", "2", "a", "b"}), "2\n");
    EXPECT_EQ(cli(server, {"SISMEMBER", "a", "4"}), "0\n");
    // redis-cli prints an error reply followed by an empty line when its output is not a tty.
    EXPECT_EQ(cli(server, {"INCR", "jobs"}),
              "WRONGTYPE Operation against a key holding the wrong kind of value\n\n");
}

TEST(Lab6Server, ListsAndSetsSurviveARestartWithTheSnapshot) {
    support::TempDir dir;
    {
        auto server = start_lab6(dir);
        EXPECT_EQ(cli(server, {"RPUSH", "l", "x", "y"}), "2\n");
        EXPECT_EQ(cli(server, {"SADD", "s", "m"}), "1\n");
        EXPECT_EQ(cli(server, {"SAVE"}), "OK\n");
    }
    auto server = start_lab6(dir);
    EXPECT_EQ(cli(server, {"LRANGE", "l", "0", "-1"}), "x\ny\n");
    EXPECT_EQ(cli(server, {"SMEMBERS", "s"}), "m\n");
}

TEST(Lab6Server, ListsAndSetsSurviveAKillWithTheAppendOnlyFile) {
    support::TempDir dir;
    const std::vector<std::string> arguments{"--port",        "0",     "--dir",        dir.string(),
                                             "--save",        "",      "--appendonly", "yes",
                                             "--appendfsync", "always"};
    {
        auto server = ServerProcess::start(support::program_path("lab6_types"), arguments);
        EXPECT_EQ(cli(server, {"RPUSH", "l", "x", "y", "z"}), "3\n");
        EXPECT_EQ(cli(server, {"LPOP", "l"}), "x\n");
        EXPECT_EQ(cli(server, {"SADD", "s", "m", "n"}), "2\n");
        EXPECT_EQ(cli(server, {"SREM", "s", "n"}), "1\n");
        EXPECT_EQ(server.stop(SIGKILL), 128 + SIGKILL);
    }
    auto server = ServerProcess::start(support::program_path("lab6_types"), arguments);
    EXPECT_EQ(cli(server, {"LRANGE", "l", "0", "-1"}), "y\nz\n");
    EXPECT_EQ(cli(server, {"SMEMBERS", "s"}), "m\n");
}

}  // namespace
