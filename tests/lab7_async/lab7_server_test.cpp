// Black-box tests of the lab7_async program for what the event loop changes: many pipelined
// commands answered with few writes, one thread serving many clients, a parked client that
// leaves, a client that never reads, and BGSAVE by fork(). Everything else lab7_async must do
// the same way as labs 5 and 6, whose suites rerun against it (`ctest -L lab7`).
// Introduced in lab 7.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_client.hpp"

namespace {

using namespace std::chrono_literals;
using support::ServerProcess;
using support::TestClient;

ServerProcess start_lab7(const support::TempDir& dir, std::vector<std::string> extra = {}) {
    std::vector<std::string> arguments{"--port", "0", "--dir", dir.string()};
    if (std::find(extra.begin(), extra.end(), "--save") == extra.end()) {
        arguments.insert(arguments.end(), {"--save", ""});
    }
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return ServerProcess::start(support::program_path("lab7_async"), arguments);
}

std::string cli(const ServerProcess& server, const std::vector<std::string>& words) {
    std::vector<std::string> arguments{"-p", std::to_string(server.port())};
    arguments.insert(arguments.end(), words.begin(), words.end());
    return support::run_program("/usr/bin/redis-cli", arguments).out;
}

// One field of INFO, e.g. info_field(server, "total_writes_processed").
long long info_field(const ServerProcess& server, const std::string& name) {
    const std::string info = cli(server, {"INFO", "everything"});
    const auto at = info.find("\n" + name + ":");
    if (at == std::string::npos) return -1;
    return std::stoll(info.substr(at + name.size() + 2));
}

// Waits until INFO's `name` equals `value`; false after 30 seconds (sanitizer builds are
// slow; a passing test returns as soon as the value is there).
bool wait_for_field(const ServerProcess& server, const std::string& name, long long value) {
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < give_up) {
        if (info_field(server, name) == value) return true;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

// Reads the server's log until a line contains `text`; false after 30 seconds of silence.
bool wait_for_log(ServerProcess& server, const std::string& text) {
    while (server.output().find(text) == std::string::npos) {
        if (server.read_line(30s).empty()) return false;
    }
    return true;
}

// Sets key:0 ... key:<count - 1> to "v" in one pipelined batch; true when every reply was OK.
bool set_keys(TestClient& client, int count) {
    std::string batch;
    std::string oks;
    for (int i = 0; i < count; ++i) {
        batch += "SET key:" + std::to_string(i) + " v\r\n";
        oks += "+OK\r\n";
    }
    client.send(batch);
    return client.read_exact(oks.size(), 60s) == oks;
}

// The "Threads:" line of /proc/<pid>/status.
int thread_count(pid_t pid) {
    std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
    }
    return -1;
}

TEST(Lab7Server, PipelinedCommandsAreAnsweredInOrderWithFewWrites) {
    support::TempDir dir;
    auto server = start_lab7(dir);
    const long long writes_before = info_field(server, "total_writes_processed");
    TestClient client{server.port()};
    std::string batch;
    std::string expected;
    for (int i = 1; i <= 1000; ++i) {
        batch += "INCR counter\r\n";
        expected += ":" + std::to_string(i) + "\r\n";
    }
    client.send(batch);  // ~14 KB: one or a few reads on the server
    EXPECT_EQ(client.read_exact(expected.size()), expected);
    const long long writes = info_field(server, "total_writes_processed") - writes_before;
    // One write per batch read, not one per command (the INFO calls add one each).
    EXPECT_LE(writes, 20) << "1000 pipelined commands took " << writes << " writes";
    EXPECT_GE(writes, 1);
}

TEST(Lab7Server, OneThreadServesTwoHundredClientsAtOnce) {
    support::TempDir dir;
    auto server = start_lab7(dir);
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < 200; ++i) {
        clients.push_back(std::make_unique<TestClient>(server.port()));
        // Half of them park in a blocking pop, each on its own key.
        if (i % 2 == 0) clients.back()->send("BLPOP queue:" + std::to_string(i) + " 0\r\n");
    }
    for (int i = 1; i < 200; i += 2)
        clients[i]->send("PING\r\n");
    for (int i = 1; i < 200; i += 2)
        EXPECT_EQ(clients[i]->read_exact(7), "+PONG\r\n");
    ASSERT_TRUE(wait_for_field(server, "blocked_clients", 100));
    EXPECT_EQ(info_field(server, "connected_clients"), 201);  // and INFO's own redis-cli
    // The loop's thread and nothing else: no thread per client, none per blocked client.
    EXPECT_EQ(thread_count(server.pid()), 1);
    for (int i = 0; i < 200; i += 2) {
        EXPECT_EQ(cli(server, {"RPUSH", "queue:" + std::to_string(i), "job"}), "1\n");
    }
    for (int i = 0; i < 200; i += 2) {
        const std::string key = "queue:" + std::to_string(i);
        const std::string expected =
            "*2\r\n$" + std::to_string(key.size()) + "\r\n" + key + "\r\n$3\r\njob\r\n";
        EXPECT_EQ(clients[i]->read_exact(expected.size()), expected);
    }
}

// CLIENT LIST's qbuf-free= for the client named `name`; -1 when it is not listed.
long long query_buffer_free(const ServerProcess& server, const std::string& name) {
    const std::string list = cli(server, {"CLIENT", "LIST"});
    const auto line = list.find("name=" + name + " ");
    if (line == std::string::npos) return -1;
    const auto field = list.find("qbuf-free=", line);
    return std::stoll(list.substr(field + 10));
}

TEST(Lab7Server, AnIdleClientGivesItsInputBufferBackAndIsStillServed) {
    support::TempDir dir;
    auto server = start_lab7(dir);
    TestClient client{server.port()};
    client.send("CLIENT SETNAME sleeper\r\n");
    EXPECT_EQ(client.read_exact(5), "+OK\r\n");
    EXPECT_GT(query_buffer_free(server, "sleeper"), 0);  // a 16 KiB read buffer
    // After two seconds without a command the cron frees it, as Redis does.
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (query_buffer_free(server, "sleeper") != 0 &&
           std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_EQ(query_buffer_free(server, "sleeper"), 0);
    client.send("PING\r\n");
    EXPECT_EQ(client.read_exact(7), "+PONG\r\n");
}

TEST(Lab7Server, AParkedClientThatDisconnectsIsNeverServed) {
    support::TempDir dir;
    auto server = start_lab7(dir);
    {
        TestClient leaving{server.port()};
        leaving.send("BLPOP jobs 0\r\n");
        ASSERT_TRUE(wait_for_field(server, "blocked_clients", 1));
    }  // closes the connection while parked
    // The loop watches a parked client's socket, so it notices at once (Redis does too): the
    // next push is not handed to a connection that no longer exists.
    ASSERT_TRUE(wait_for_field(server, "blocked_clients", 0));
    EXPECT_EQ(cli(server, {"RPUSH", "jobs", "precious"}), "1\n");
    EXPECT_EQ(cli(server, {"LRANGE", "jobs", "0", "-1"}), "precious\n");
}

// Found by the soak (docs/reliability.md): when a parked client's hang-up and another client's
// push came in one batch of events (the loop busy), the push was run first and served the client
// that had left. Here the batch is made by stopping the server while both happen.
TEST(Lab7Server, APushInTheSameBatchAsTheHangUpDoesNotServeTheClientThatLeft) {
    support::TempDir dir;
    auto server = start_lab7(dir);
    TestClient pusher{server.port()};
    pusher.send("PING\r\n");  // connected and waiting for input
    ASSERT_EQ(pusher.read_exact(7), "+PONG\r\n");
    {
        TestClient leaving{server.port()};
        leaving.send("BLPOP jobs 0\r\n");
        ASSERT_TRUE(wait_for_field(server, "blocked_clients", 1));
        ASSERT_EQ(::kill(server.pid(), SIGSTOP), 0);  // the loop sees nothing meanwhile
    }                                                 // hangs up
    pusher.send("RPUSH jobs precious\r\nLPOP jobs\r\n");
    ASSERT_EQ(::kill(server.pid(), SIGCONT), 0);
    const std::string expected = ":1\r\n$8\r\nprecious\r\n";
    EXPECT_EQ(pusher.read_exact(expected.size()), expected);
}

TEST(Lab7Server, AParkedClientKeepsItsPipelinedCommandsForAfterItIsServed) {
    support::TempDir dir;
    auto server = start_lab7(dir);
    TestClient client{server.port()};
    client.send("BLPOP jobs 0\r\nPING\r\n");
    ASSERT_TRUE(wait_for_field(server, "blocked_clients", 1));
    EXPECT_EQ(cli(server, {"RPUSH", "jobs", "x"}), "1\n");
    const std::string expected = "*2\r\n$4\r\njobs\r\n$1\r\nx\r\n+PONG\r\n";
    EXPECT_EQ(client.read_exact(expected.size()), expected);
}

TEST(Lab7Server, AClientThatNeverReadsIsClosedAtTheOutputLimitWhileOthersAreServed) {
    support::TempDir dir;
    auto server = start_lab7(dir, {"--client-output-buffer-limit", "1mb"});
    // A list whose LRANGE is about 60 KB (an inline command stays under its 64 KB limit).
    std::string push = "RPUSH big";
    for (int i = 0; i < 60; ++i) {
        push += " " + std::string(1000, 'x');
    }
    TestClient writer{server.port()};
    writer.send(push + "\r\n");
    EXPECT_EQ(writer.read_exact(5), ":60\r\n");

    TestClient hog{server.port()};
    std::string requests;
    for (int i = 0; i < 200; ++i)
        requests += "LRANGE big 0 -1\r\n";  // 12 MB of replies
    hog.send(requests);                     // and never read
    // The others are served all along.
    writer.send("PING\r\n");
    EXPECT_EQ(writer.read_exact(7), "+PONG\r\n");
    ASSERT_TRUE(wait_for_field(server, "connected_clients", 2));  // writer and redis-cli
    EXPECT_TRUE(hog.closed_by_server(5s));
    EXPECT_TRUE(wait_for_log(server, "output buffer limit"));
    EXPECT_NE(server.output().find("output buffer limit"), std::string::npos) << server.output();
}

TEST(Lab7Server, BgsaveForksAndSavesTheDataOfThatInstant) {
    support::TempDir dir;
    {
        auto server = start_lab7(dir);
        TestClient client{server.port()};
        ASSERT_TRUE(set_keys(client, 20'000));
        // BGSAVE, then at once empty the data: the child saves what was there at the fork.
        client.send("BGSAVE\r\nFLUSHALL\r\nDBSIZE\r\n");
        EXPECT_EQ(client.read_exact(35), "+Background saving started\r\n+OK\r\n:0\r\n");
        ASSERT_TRUE(wait_for_field(server, "rdb_bgsave_in_progress", 0));
        EXPECT_NE(cli(server, {"INFO", "persistence"}).find("rdb_last_bgsave_status:ok"),
                  std::string::npos);
        EXPECT_TRUE(wait_for_log(server, "background saving terminated"));
        EXPECT_NE(server.output().find("forked child"), std::string::npos) << server.output();
        EXPECT_EQ(server.stop(SIGKILL), 128 + SIGKILL);  // no shutdown save
    }
    auto restarted = start_lab7(dir);
    EXPECT_EQ(cli(restarted, {"DBSIZE"}), "20000\n");
}

TEST(Lab7Server, ASignalSentToTheSavingChildDoesNotStopTheServer) {
    support::TempDir dir;
    auto server = start_lab7(dir);
    TestClient client{server.port()};
    ASSERT_TRUE(set_keys(client, 300'000));
    client.send("BGSAVE\r\n");
    EXPECT_EQ(client.read_exact(28), "+Background saving started\r\n");
    ASSERT_TRUE(wait_for_log(server, "forked child "));
    const std::string& log = server.output();
    const pid_t child = std::stoi(log.substr(log.find("forked child ") + 13));
    ::kill(child, SIGTERM);
    ASSERT_TRUE(wait_for_field(server, "rdb_bgsave_in_progress", 0));
    // The child died of it (or had finished); the server did not hear the signal.
    EXPECT_EQ(cli(server, {"PING"}), "PONG\n");
    EXPECT_EQ(cli(server, {"DBSIZE"}), "300000\n");
    EXPECT_EQ(log.find("received SIGINT or SIGTERM"), std::string::npos) << log;
}

TEST(Lab7Server, ShutdownClosesEveryClientAndSaves) {
    support::TempDir dir;
    auto server = start_lab7(dir, {"--save", "3600 1"});
    TestClient parked{server.port()};
    parked.send("BLPOP nothing 0\r\n");
    ASSERT_TRUE(wait_for_field(server, "blocked_clients", 1));
    EXPECT_EQ(cli(server, {"SET", "k", "v"}), "OK\n");
    EXPECT_EQ(server.stop(SIGTERM), 0);
    EXPECT_TRUE(parked.closed_by_server(5s));
    auto restarted = start_lab7(dir);
    EXPECT_EQ(cli(restarted, {"GET", "k"}), "v\n");
}

TEST(Lab7Server, ShutdownNosaveStopsAServerWhoseSignalledSaveFailed) {
    // SIGTERM with a save that fails keeps the server up and retries the save later; a
    // SHUTDOWN NOSAVE meanwhile must stop it for good, not leave it waiting on a signal set
    // that stop() had already cancelled.
    support::TempDir dir;
    const std::filesystem::path data = dir.path() / "data";
    std::filesystem::create_directory(data);
    auto server = ServerProcess::start(support::program_path("lab7_async"),
                                       {"--port", "0", "--dir", data.string(), "--save", "3600 1"});
    EXPECT_EQ(cli(server, {"SET", "k", "v"}), "OK\n");
    std::filesystem::remove_all(data);  // the final save cannot write its file
    ASSERT_EQ(::kill(server.pid(), SIGTERM), 0);
    ASSERT_TRUE(wait_for_log(server, "errors trying to shut down the server"));
    (void)cli(server, {"SHUTDOWN", "NOSAVE"});
    EXPECT_EQ(server.wait_exit(30s), 0) << server.output();  // by itself, with status 0
}

}  // namespace
