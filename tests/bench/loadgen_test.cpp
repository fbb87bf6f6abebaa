// redis-course-bench end to end: runs the real program against lab 6's server and against
// redis-server (when installed), and checks the counts, the JSON, and that the data arrived.
// No timing is checked: these machines are shared. Part of the benchmark harness's tests.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_client.hpp"

namespace {

using support::program_path;

const std::string bench_program = program_path("redis-course-bench");
const std::string redis_server = "/usr/bin/redis-server";

// Starts the server under test: lab 6's, or Debian's redis-server on a free port.
support::ServerProcess start_server(const std::string& which) {
    if (which == "lab6_types") {
        return support::ServerProcess::start(program_path("lab6_types"),
                                             {"--port", "0", "--save", "", "--appendonly", "no"});
    }
    const std::uint16_t port = support::free_port();
    return support::ServerProcess::start_on_port(
        redis_server,
        {"--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--loglevel", "warning"},
        port);
}

// Runs the load generator against `port` and returns its JSON report.
nlohmann::json run_bench(std::uint16_t port, std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {"--port", std::to_string(port), "--json", "--quiet"});
    const support::RunResult run = support::run_program(bench_program, arguments);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return nlohmann::json::parse(run.out);
}

// The integer reply of a one-word command such as DBSIZE, sent by a client of our own.
long long integer_reply(std::uint16_t port, const std::string& command) {
    support::TestClient client{port};
    client.send("*1\r\n$" + std::to_string(command.size()) + "\r\n" + command + "\r\n");
    const std::string reply = client.read_until("\r\n");
    EXPECT_EQ(reply.front(), ':') << reply;
    return std::stoll(reply.substr(1));
}

class LoadGenerator : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "redis-server" && !std::filesystem::exists(redis_server)) {
            GTEST_SKIP() << "redis-server is not installed";
        }
    }
};

TEST_P(LoadGenerator, RunsAMixAndCountsEveryReply) {
    const auto server = start_server(GetParam());
    const nlohmann::json report =
        run_bench(server.port(), {"-n", "2000", "-c", "4", "-P", "4", "--keyspace", "100", "--mix",
                                  "get:40,set:30,incr:10,lpush:5,lpop:5,sadd:5,ping:5"});

    EXPECT_EQ(report["requests"], 2000);
    EXPECT_EQ(report["errors"], 0) << report["first_error"];
    EXPECT_EQ(report["failure"], "");
    EXPECT_EQ(report["loop"], "closed");
    EXPECT_EQ(report["clients"], 4);
    EXPECT_EQ(report["pipeline"], 4);
    std::uint64_t sum = 0;
    for (const auto& [name, stats] : report["commands"].items()) {
        EXPECT_EQ(stats["errors"], 0) << name;
        sum += stats["requests"].get<std::uint64_t>();
    }
    EXPECT_EQ(sum, 2000U);
    for (const char* command : {"get", "set", "incr", "lpush", "lpop", "sadd", "ping"})
        EXPECT_GT(report["commands"][command]["requests"], 0) << command;
    for (const char* field : {"p50", "p90", "p99", "p99_9", "max", "mean", "min"})
        EXPECT_TRUE(report["latency_us"].contains(field)) << field;
    EXPECT_LE(report["latency_us"]["p50"], report["latency_us"]["max"]);
    EXPECT_TRUE(report.contains("ops_per_sec"));
    EXPECT_TRUE(report.contains("seconds"));
    // Strings, counters, lists and sets were created: far more than a handful of keys.
    EXPECT_GT(integer_reply(server.port(), "DBSIZE"), 100);
}

TEST_P(LoadGenerator, EverySetReachesTheServer) {
    // 2,000 SETs on 50 keys: all 50 exist afterwards (the chance that one key is never drawn
    // is about 50 * (49/50)^2000, 10^-16).
    const auto server = start_server(GetParam());
    const nlohmann::json report =
        run_bench(server.port(), {"-n", "2000", "-c", "3", "--keyspace", "50", "--mix", "set:1"});
    EXPECT_EQ(report["requests"], 2000);
    EXPECT_EQ(report["commands"]["set"]["requests"], 2000);
    EXPECT_EQ(integer_reply(server.port(), "DBSIZE"), 50);

    // Then GETs of those keys, with a short warm-up, in the open loop at a fixed rate.
    const nlohmann::json gets = run_bench(
        server.port(),
        {"-n", "2000", "-c", "5", "--keyspace", "50", "--mix", "get:1", "--rate", "20000"});
    EXPECT_EQ(gets["loop"], "open");
    EXPECT_EQ(gets["requests"], 2000);
    EXPECT_EQ(gets["errors"], 0);
}

TEST_P(LoadGenerator, CountsErrorReplies) {
    // INCR on a counter that holds text: every reply is an error, and the run still succeeds.
    const auto server = start_server(GetParam());
    support::TestClient client{server.port()};
    client.send("*3\r\n$3\r\nSET\r\n$20\r\ncounter:000000000000\r\n$4\r\ntext\r\n");
    ASSERT_EQ(client.read_until("\r\n"), "+OK\r\n");
    const nlohmann::json report =
        run_bench(server.port(), {"-n", "100", "-c", "2", "--keyspace", "1", "--mix", "incr:1"});
    EXPECT_EQ(report["requests"], 100);
    EXPECT_EQ(report["errors"], 100);
    EXPECT_EQ(report["first_error"], "ERR value is not an integer or out of range");
}

TEST_P(LoadGenerator, WritesTheLatencyDistribution) {
    const auto server = start_server(GetParam());
    support::TempDir dir;
    const std::string path = (dir / "latency.txt").string();
    const support::RunResult run = support::run_program(
        bench_program, {"--port", std::to_string(server.port()), "-n", "500", "--quiet",
                        "--threads", "2", "-c", "4", "--latency-file", path});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.out.find("ops/s"), std::string::npos) << run.out;  // the table
    std::ifstream in{path};
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line.rfind("# redis-course-bench latency distribution", 0), 0U) << line;
    std::getline(in, line);
    EXPECT_EQ(line, "# percentile latency_us count");
    std::string last;
    int rows = 0;
    while (std::getline(in, line)) {
        last = line;
        ++rows;
    }
    EXPECT_GT(rows, 10);
    EXPECT_EQ(last.rfind("100.000000 ", 0), 0U) << last;
    EXPECT_NE(last.find(" 500"), std::string::npos) << last;
}

INSTANTIATE_TEST_SUITE_P(Servers, LoadGenerator, ::testing::Values("lab6_types", "redis-server"),
                         [](const auto& server) {
                             return server.param == "lab6_types" ? std::string{"lab6"}
                                                                 : std::string{"redis"};
                         });

TEST(LoadGeneratorFailures, SaysWhyItCannotConnect) {
    const std::uint16_t port = support::free_port();
    const support::RunResult run = support::run_program(
        bench_program, {"--port", std::to_string(port), "-n", "10", "--quiet"});
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.err.find("cannot connect to 127.0.0.1:" + std::to_string(port)),
              std::string::npos)
        << run.err;
    EXPECT_NE(run.err.find("Connection refused"), std::string::npos) << run.err;
}

TEST(LoadGeneratorFailures, RejectsABadMix) {
    const support::RunResult run =
        support::run_program(bench_program, {"--mix", "get:1,flushall:1", "--quiet"});
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("unknown command 'flushall'"), std::string::npos) << run.err;
}

}  // namespace
