// lab5_server's data across restarts of the real binary: the snapshot and the append-only
// file after SIGTERM, the append-only file after kill -9, BGSAVE and save points, MISCONF
// after a failed save, and a clear refusal of a damaged file. Introduced in lab 5.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "lab5_test_helpers.hpp"
#include "support/test_client.hpp"

namespace {

using namespace std::chrono_literals;
using lab5_test::contains;
using lab5_test::start_server;
using lab5_test::TempDir;
using support::TestClient;

/// Sends one inline command and returns the first line of its reply.
std::string ask(TestClient& client, const std::string& line) {
    client.send(line + "\r\n");
    return client.read_until("\r\n");
}

/// GET's value, or "(nil)".
std::string get(TestClient& client, const std::string& key) {
    client.send("GET " + key + "\r\n");
    std::string reply = client.read_until("\r\n");
    if (reply == "$-1\r\n" || !reply.starts_with("$")) return "(nil)";
    const auto header_end = reply.find("\r\n");
    const auto length = std::stoul(reply.substr(1, header_end - 1));
    const auto total = header_end + 2 + length + 2;
    if (reply.size() < total) reply += client.read_exact(total - reply.size());
    return reply.substr(header_end + 2, length);
}

TEST(Lab5Persistence, SnapshotSurvivesSigtermWhenSavePointsAreSet) {
    TempDir dir;
    {
        auto server = start_server(dir, {"--save", "3600 1"});
        TestClient client{server.port()};
        EXPECT_EQ(ask(client, "SET plain value"), "+OK\r\n");
        EXPECT_EQ(ask(client, "SET temporary value EX 1000"), "+OK\r\n");
        EXPECT_EQ(server.stop(SIGTERM), 0);
        EXPECT_TRUE(contains(server.output(), "DB saved on disk")) << server.output();
    }
    EXPECT_TRUE(std::filesystem::exists(dir / "dump.json"));
    auto server = start_server(dir);
    TestClient client{server.port()};
    EXPECT_EQ(get(client, "plain"), "value");
    const std::string ttl = ask(client, "TTL temporary");
    EXPECT_TRUE(ttl == ":1000\r\n" || ttl == ":999\r\n") << ttl;
}

TEST(Lab5Persistence, SigtermWithoutSavePointsDoesNotSave) {
    TempDir dir;
    {
        auto server = start_server(dir);  // --save ""
        TestClient client{server.port()};
        EXPECT_EQ(ask(client, "SET k v"), "+OK\r\n");
        EXPECT_EQ(server.stop(SIGINT), 0);
    }
    EXPECT_FALSE(std::filesystem::exists(dir / "dump.json"));
}

TEST(Lab5Persistence, AppendOnlyFileSurvivesSigterm) {
    TempDir dir;
    {
        auto server = start_server(dir, {"--appendonly", "yes"});
        TestClient client{server.port()};
        EXPECT_EQ(ask(client, "SET a 1"), "+OK\r\n");
        EXPECT_EQ(ask(client, "INCRBY a 41"), ":42\r\n");
        EXPECT_EQ(ask(client, "APPEND log hello"), ":5\r\n");
        EXPECT_EQ(ask(client, "SET gone x"), "+OK\r\n");
        EXPECT_EQ(ask(client, "DEL gone"), ":1\r\n");
        EXPECT_EQ(ask(client, "SET later x EX 500"), "+OK\r\n");
        EXPECT_EQ(server.stop(SIGTERM), 0);
    }
    auto server = start_server(dir, {"--appendonly", "yes"});
    TestClient client{server.port()};
    EXPECT_EQ(get(client, "a"), "42");
    EXPECT_EQ(get(client, "log"), "hello");
    EXPECT_EQ(get(client, "gone"), "(nil)");
    const std::string ttl = ask(client, "TTL later");
    EXPECT_TRUE(ttl == ":500\r\n" || ttl == ":499\r\n") << ttl;
    EXPECT_TRUE(contains(server.output(), "DB loaded from append-only file")) << server.output();
}

TEST(Lab5Persistence, AppendOnlyFileWinsOverTheSnapshot) {
    TempDir dir;
    {
        auto server = start_server(dir, {"--appendonly", "yes"});
        TestClient client{server.port()};
        EXPECT_EQ(ask(client, "SET k in-both"), "+OK\r\n");
        EXPECT_EQ(ask(client, "SAVE"), "+OK\r\n");
        EXPECT_EQ(ask(client, "SET k only-in-the-aof"), "+OK\r\n");
        ::kill(server.pid(), SIGKILL);
    }
    {
        auto server = start_server(dir, {"--appendonly", "yes"});
        TestClient client{server.port()};
        EXPECT_EQ(get(client, "k"), "only-in-the-aof");
    }
    auto server = start_server(dir, {"--appendonly", "no"});
    TestClient client{server.port()};
    EXPECT_EQ(get(client, "k"), "in-both");
}

TEST(Lab5Persistence, KillNineLosesNoAcknowledgedWriteWithAppendfsyncAlways) {
    TempDir dir;
    const std::vector<std::string> flags{"--appendonly", "yes", "--appendfsync", "always"};
    constexpr int writers = 4;
    std::vector<int> acknowledged(writers, 0);
    {
        auto server = start_server(dir, flags);
        std::atomic<bool> stop{false};
        std::vector<std::jthread> threads;
        for (int w = 0; w < writers; ++w) {
            threads.emplace_back([&, w] {
                TestClient client{server.port()};
                for (int i = 1; !stop.load(); ++i) {
                    try {
                        client.send("SET w" + std::to_string(w) + ":" + std::to_string(i) +
                                    " x\r\nINCR counter:" + std::to_string(w) + "\r\n");
                        const std::string reply = client.read_until("\r\n", 2s);
                        if (!reply.starts_with("+OK\r\n:")) return;  // the server is gone
                    } catch (const std::exception&) {
                        return;
                    }
                    acknowledged[w] = i;
                }
            });
        }
        std::this_thread::sleep_for(400ms);
        ::kill(server.pid(), SIGKILL);  // no goodbye, no final fsync
        std::this_thread::sleep_for(100ms);
        stop = true;
    }
    auto server = start_server(dir, flags);
    TestClient client{server.port()};
    for (int w = 0; w < writers; ++w) {
        ASSERT_GT(acknowledged[w], 0);
        const int counter = std::stoi(get(client, "counter:" + std::to_string(w)));
        // Every acknowledged INCR is there; one more may have reached the file unacknowledged.
        EXPECT_GE(counter, acknowledged[w]);
        EXPECT_LE(counter, acknowledged[w] + 1);
        EXPECT_EQ(get(client, "w" + std::to_string(w) + ":" + std::to_string(acknowledged[w])),
                  "x");
    }
}

TEST(Lab5Persistence, BgsaveWritesTheSnapshotAndUpdatesLastsave) {
    TempDir dir;
    auto server = start_server(dir);
    TestClient client{server.port()};
    const std::string before = ask(client, "LASTSAVE");
    EXPECT_EQ(ask(client, "SET k v"), "+OK\r\n");
    std::this_thread::sleep_for(1100ms);  // LASTSAVE counts seconds
    EXPECT_EQ(ask(client, "BGSAVE"), "+Background saving started\r\n");
    for (int attempt = 0; attempt < 50 && ask(client, "LASTSAVE") == before; ++attempt) {
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_NE(ask(client, "LASTSAVE"), before);
    EXPECT_TRUE(contains(lab5_test::read_bytes(dir / "dump.json"), "\"k\""));
}

TEST(Lab5Persistence, SavePointTriggersABackgroundSave) {
    TempDir dir;
    auto server = start_server(dir, {"--save", "1 2"});
    TestClient client{server.port()};
    EXPECT_EQ(ask(client, "SET a 1"), "+OK\r\n");
    EXPECT_EQ(ask(client, "SET b 2"), "+OK\r\n");
    for (int attempt = 0; attempt < 60 && !std::filesystem::exists(dir / "dump.json"); ++attempt) {
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(std::filesystem::exists(dir / "dump.json"));
}

TEST(Lab5Persistence, FailedBackgroundSaveRefusesWritesWithMisconf) {
    TempDir dir;
    const auto data = dir / "data";
    std::filesystem::create_directories(data);
    auto server = support::ServerProcess::start(
        lab5_test::lab5_binary(), {"--port", "0", "--dir", data.string(), "--save", "3600 1"});
    TestClient client{server.port()};
    EXPECT_EQ(ask(client, "SET k v"), "+OK\r\n");
    std::filesystem::remove_all(data);  // the next save cannot create its file
    // A failed SAVE answers -ERR and, as in Redis, does not stop writes: its caller knows.
    EXPECT_EQ(ask(client, "SAVE"), "-ERR\r\n");
    EXPECT_EQ(ask(client, "SET k v"), "+OK\r\n");
    // A failed BGSAVE is heard by nobody: writes are refused until a save succeeds.
    EXPECT_EQ(ask(client, "BGSAVE"), "+Background saving started\r\n");
    for (int i = 0; i < 200 && ask(client, "PING") == "+PONG\r\n"; ++i) {
        std::this_thread::sleep_for(20ms);  // until the save has failed
    }
    const std::string refused = ask(client, "SET k w");
    EXPECT_TRUE(refused.starts_with("-MISCONF Redis is configured to save RDB snapshots"))
        << refused;
    EXPECT_EQ(get(client, "k"), "v");  // reads still work
    EXPECT_EQ(ask(client, "PING").substr(0, 8), "-MISCONF");
    EXPECT_EQ(ask(client, "CONFIG SET save \"\""), "+OK\r\n");  // no save points: no MISCONF
    EXPECT_EQ(ask(client, "SET k w"), "+OK\r\n");
}

/// Starts lab5_server through bash with files limited to 1 KiB (`ulimit -f 1`) and SIGXFSZ
/// ignored, so a write past 1 KiB fails with EFBIG, as a full disk fails with ENOSPC.
support::ServerProcess start_with_small_files(const TempDir& dir,
                                              const std::vector<std::string>& extra) {
    std::string command = "trap '' XFSZ; ulimit -f 1; exec " + lab5_test::lab5_binary();
    for (const std::string& argument : lab5_test::server_arguments(dir, extra)) {
        command += " '" + argument + "'";
    }
    return support::ServerProcess::start("/bin/bash", {"-c", command});
}

TEST(Lab5Persistence, FailedAppendRefusesWritesWithMisconf) {
    TempDir dir;
    auto server = start_with_small_files(dir, {"--appendonly", "yes"});
    TestClient client{server.port()};
    const std::string value(300, 'v');
    std::string reply;
    for (int i = 0; i < 10 && !reply.starts_with("-"); ++i) {
        reply = ask(client, "SET key:" + std::to_string(i) + " " + value);
    }
    EXPECT_EQ(reply, "-MISCONF Errors writing to the AOF file: File too large\r\n");
    EXPECT_EQ(get(client, "key:0"), value);  // reads go on
    EXPECT_TRUE(contains(server.read_line(), "error writing to the append-only file"));
    // The write that met the limit was acknowledged and is still owed to the file: exiting
    // now would lose it, so SHUTDOWN is refused as after a failed final save.
    EXPECT_EQ(ask(client, "SHUTDOWN"), "-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
    EXPECT_EQ(server.stop(SIGKILL), 128 + SIGKILL);
}

TEST(Lab5Persistence, FailedAppendWithAppendfsyncAlwaysExitsBeforeReplying) {
    TempDir dir;
    auto server = start_with_small_files(dir, {"--appendonly", "yes", "--appendfsync", "always"});
    TestClient client{server.port()};
    const std::string value(300, 'v');
    int acknowledged = 0;
    for (int i = 0; i < 10; ++i) {
        if (ask(client, "SET key:" + std::to_string(i) + " " + value) != "+OK\r\n") break;
        ++acknowledged;
    }
    EXPECT_TRUE(client.closed_by_server());
    EXPECT_EQ(server.stop(0), 1);
    // Every acknowledged write is in the file.
    auto restarted = start_server(dir, {"--appendonly", "yes"});
    TestClient reader{restarted.port()};
    ASSERT_GT(acknowledged, 0);
    EXPECT_EQ(get(reader, "key:" + std::to_string(acknowledged - 1)), value);
}

TEST(Lab5Persistence, ConfigSetAppendonlyStartsTheFileFromTheCurrentData) {
    TempDir dir;
    {
        auto server = start_server(dir);
        TestClient client{server.port()};
        EXPECT_EQ(ask(client, "SET before x"), "+OK\r\n");
        EXPECT_EQ(ask(client, "CONFIG SET appendonly yes"), "+OK\r\n");
        EXPECT_EQ(ask(client, "SET after y"), "+OK\r\n");
        EXPECT_EQ(ask(client, "CONFIG SET appendfsync always"), "+OK\r\n");
        EXPECT_EQ(ask(client, "SET last z"), "+OK\r\n");
        ::kill(server.pid(), SIGKILL);
    }
    auto server = start_server(dir, {"--appendonly", "yes"});
    TestClient client{server.port()};
    EXPECT_EQ(get(client, "before"), "x");
    EXPECT_EQ(get(client, "after"), "y");
    EXPECT_EQ(get(client, "last"), "z");
}

TEST(Lab5Persistence, CorruptSnapshotRefusesToStart) {
    TempDir dir;
    lab5_test::write_bytes(dir / "dump.json", "{\"format\": \"redis-course-snapshot\", trunc");
    const auto result =
        support::run_program(lab5_test::lab5_binary(), lab5_test::server_arguments(dir));
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(contains(result.err, "refusing to start")) << result.err;
    EXPECT_TRUE(contains(result.err, (dir / "dump.json").string())) << result.err;
}

TEST(Lab5Persistence, CorruptAppendOnlyFileRefusesToStart) {
    TempDir dir;
    lab5_test::write_bytes(dir / "appendonly.aof",
                           "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\ngarbage\r\n"
                           "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n");
    const auto result = support::run_program(
        lab5_test::lab5_binary(), lab5_test::server_arguments(dir, {"--appendonly", "yes"}));
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(contains(result.err, "refusing to start")) << result.err;
    EXPECT_TRUE(contains(result.err, (dir / "appendonly.aof").string())) << result.err;
}

TEST(Lab5Persistence, UnknownCommandInTheAppendOnlyFileRefusesToStart) {
    TempDir dir;
    lab5_test::write_bytes(dir / "appendonly.aof", "*2\r\n$5\r\nFROBS\r\n$1\r\na\r\n");
    const auto result = support::run_program(
        lab5_test::lab5_binary(), lab5_test::server_arguments(dir, {"--appendonly", "yes"}));
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(contains(result.err, "unknown command")) << result.err;
    EXPECT_TRUE(contains(result.err, "appendonly.aof")) << result.err;
}

TEST(Lab5Persistence, TornLastCommandIsCutOffWithAWarning) {
    TempDir dir;
    lab5_test::write_bytes(dir / "appendonly.aof",
                           "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$1\r\nb");
    auto server = start_server(dir, {"--appendonly", "yes"});
    TestClient client{server.port()};
    EXPECT_EQ(get(client, "a"), "1");
    EXPECT_EQ(get(client, "b"), "(nil)");
    EXPECT_TRUE(contains(server.output(), "warning")) << server.output();
}

TEST(Lab5Persistence, TempFilesOfKilledSavesAreRemovedAtStart) {
    TempDir dir;
    // A process that has exited: its pid names the temp file of a save killed with it.
    const pid_t gone = ::fork();
    if (gone == 0) ::_exit(0);
    ASSERT_GT(gone, 0);
    ASSERT_EQ(::waitpid(gone, nullptr, 0), gone);
    const auto stale = dir / ("dump.json.tmp." + std::to_string(gone));
    const auto stale_rewrite = dir / ("appendonly.aof.tmp." + std::to_string(gone));
    // A live process (this test): lab 7's orphaned child may still be writing its file.
    const auto alive = dir / ("dump.json.tmp." + std::to_string(::getpid()));
    const auto unrelated = dir / "dump.json.tmp.notapid";
    for (const auto& path : {stale, stale_rewrite, alive, unrelated}) {
        lab5_test::write_bytes(path, "half a snapshot");
    }
    auto server = start_server(dir);
    TestClient client{server.port()};
    EXPECT_EQ(ask(client, "PING"), "+PONG\r\n");
    EXPECT_FALSE(std::filesystem::exists(stale));
    EXPECT_FALSE(std::filesystem::exists(stale_rewrite));
    EXPECT_TRUE(std::filesystem::exists(alive));
    EXPECT_TRUE(std::filesystem::exists(unrelated));
    EXPECT_TRUE(contains(server.output(), "left by a save whose process")) << server.output();
}

}  // namespace
