// Black-box tests of the lab6_types program: the real binary on a free port, lists and sets
// over raw RESP and through redis-cli, and both types surviving a restart. Introduced in lab 6.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <string>
#include <thread>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_client.hpp"

namespace {

using support::ServerProcess;
using support::TestClient;

ServerProcess start_lab6(const support::TempDir& dir) {
    return ServerProcess::start(support::server_program("lab6_types"),
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
        auto server = ServerProcess::start(support::server_program("lab6_types"), arguments);
        EXPECT_EQ(cli(server, {"RPUSH", "l", "x", "y", "z"}), "3\n");
        EXPECT_EQ(cli(server, {"LPOP", "l"}), "x\n");
        EXPECT_EQ(cli(server, {"SADD", "s", "m", "n"}), "2\n");
        EXPECT_EQ(cli(server, {"SREM", "s", "n"}), "1\n");
        EXPECT_EQ(server.stop(SIGKILL), 128 + SIGKILL);
    }
    auto server = ServerProcess::start(support::server_program("lab6_types"), arguments);
    EXPECT_EQ(cli(server, {"LRANGE", "l", "0", "-1"}), "y\nz\n");
    EXPECT_EQ(cli(server, {"SMEMBERS", "s"}), "m\n");
}

// Waits (at most 5 s) until CLIENT LIST shows `count` clients whose last command is `command`
// (set when the command runs, so they are blocked in it).
bool wait_for_blocked(TestClient& control, std::string_view command, std::size_t count) {
    const std::string needle = "cmd=" + std::string{command} + " ";
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds{5};
    while (std::chrono::steady_clock::now() < give_up) {
        control.send("CLIENT LIST\r\n");
        const std::string list = control.read_for(std::chrono::milliseconds{100});
        std::size_t found = 0;
        for (auto at = list.find(needle); at != std::string::npos; at = list.find(needle, at + 1))
            ++found;
        if (found >= count) return true;
    }
    return false;
}

TEST(Lab6Server, BlockedPopIsServedByAnotherClientsPush) {
    support::TempDir dir;
    auto server = start_lab6(dir);
    TestClient waiter{server.port()};
    TestClient pusher{server.port()};
    waiter.send("BLPOP q 0\r\n");
    ASSERT_TRUE(wait_for_blocked(pusher, "blpop", 1));
    pusher.send("RPUSH q x\r\n");
    EXPECT_EQ(pusher.read_exact(4), ":1\r\n");
    const std::string expected = "*2\r\n$1\r\nq\r\n$1\r\nx\r\n";
    EXPECT_EQ(waiter.read_exact(expected.size()), expected);
    // The waiter reads commands again, and the element was taken.
    waiter.send("LLEN q\r\n");
    EXPECT_EQ(waiter.read_exact(4), ":0\r\n");
}

// Found by the soak (docs/reliability.md): a client that left while parked in BLPOP was still
// served, and the element went to its closed socket. The push must find it gone.
TEST(Lab6Server, APushDoesNotServeAClientThatLeftWhileBlocked) {
    support::TempDir dir;
    auto server = start_lab6(dir);
    TestClient pusher{server.port()};
    {
        TestClient waiter{server.port()};
        waiter.send("BLPOP q 0\r\n");
        ASSERT_TRUE(wait_for_blocked(pusher, "blpop", 1));
        waiter.close();
    }
    pusher.send("RPUSH q x\r\nLPOP q\r\n");
    const std::string expected = ":1\r\n$1\r\nx\r\n";
    EXPECT_EQ(pusher.read_exact(expected.size()), expected);
}

TEST(Lab6Server, BlockedClientsAreServedInArrivalOrder) {
    support::TempDir dir;
    auto server = start_lab6(dir);
    TestClient first{server.port()};
    TestClient second{server.port()};
    TestClient pusher{server.port()};
    first.send("BRPOP q 0\r\n");
    ASSERT_TRUE(wait_for_blocked(pusher, "brpop", 1));
    second.send("BRPOP q 0\r\n");
    ASSERT_TRUE(wait_for_blocked(pusher, "brpop", 2));
    pusher.send("LPUSH q a\r\n");
    EXPECT_EQ(pusher.read_exact(4), ":1\r\n");
    const std::string to_first = "*2\r\n$1\r\nq\r\n$1\r\na\r\n";
    EXPECT_EQ(first.read_exact(to_first.size()), to_first);
    pusher.send("LPUSH q b\r\n");
    EXPECT_EQ(pusher.read_exact(4), ":1\r\n");
    const std::string to_second = "*2\r\n$1\r\nq\r\n$1\r\nb\r\n";
    EXPECT_EQ(second.read_exact(to_second.size()), to_second);
}

TEST(Lab6Server, BlockedPopTimesOut) {
    support::TempDir dir;
    auto server = start_lab6(dir);
    TestClient client{server.port()};
    const auto start = std::chrono::steady_clock::now();
    client.send("BLPOP q 0.2\r\n");
    EXPECT_EQ(client.read_exact(5, std::chrono::seconds{5}), "*-1\r\n");
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_GE(waited, std::chrono::milliseconds{150});
    EXPECT_LT(waited, std::chrono::seconds{5});
}

TEST(Lab6Server, BlockedMoveMovesTheElement) {
    support::TempDir dir;
    auto server = start_lab6(dir);
    TestClient waiter{server.port()};
    TestClient pusher{server.port()};
    waiter.send("BLMOVE src dst RIGHT LEFT 0\r\n");
    ASSERT_TRUE(wait_for_blocked(pusher, "blmove", 1));
    pusher.send("RPUSH src e\r\n");
    EXPECT_EQ(pusher.read_exact(4), ":1\r\n");
    EXPECT_EQ(waiter.read_exact(7), "$1\r\ne\r\n");
    EXPECT_EQ(cli(server, {"LRANGE", "dst", "0", "-1"}), "e\n");
    EXPECT_EQ(cli(server, {"EXISTS", "src"}), "0\n");
}

TEST(Lab6Server, ShutsDownCleanlyWhileAClientIsBlocked) {
    support::TempDir dir;
    auto server = start_lab6(dir);
    TestClient waiter{server.port()};
    TestClient control{server.port()};
    waiter.send("BLPOP q 0\r\n");
    ASSERT_TRUE(wait_for_blocked(control, "blpop", 1));
    EXPECT_EQ(server.stop(SIGTERM), 0);
    EXPECT_TRUE(waiter.closed_by_server());
}

}  // namespace
