// Tests of the options module: the command line (CLI11) and CONFIG GET/SET/RESETSTAT read the
// same declarations, with Redis's defaults and Redis's CONFIG SET errors. Introduced in lab 5.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "cmd/config.hpp"
#include "cmd_harness.hpp"

namespace {

using namespace cmd_test;

// Parses a command line into a fresh Config, as a lab's main.cpp does.
cmd::Config parse_flags(std::vector<std::string> arguments) {
    cmd::Config config;
    CLI::App app{"test"};
    config.add_to(app);
    arguments.insert(arguments.begin(), "server");
    std::vector<const char*> argv;
    for (const std::string& argument : arguments)
        argv.push_back(argument.c_str());
    app.parse(static_cast<int>(argv.size()), argv.data());
    return config;
}

TEST(Config, DefaultsAreRedisDefaults) {
    const cmd::Config config;
    EXPECT_EQ(config.get_one("port"), "6379");
    EXPECT_EQ(config.get_one("bind"), "127.0.0.1");
    EXPECT_EQ(config.get_one("dbfilename"), "dump.json");
    EXPECT_EQ(config.get_one("save"), "3600 1 300 100 60 10000");
    EXPECT_EQ(config.get_one("appendonly"), "no");
    EXPECT_EQ(config.get_one("appendfilename"), "appendonly.aof");
    EXPECT_EQ(config.get_one("appendfsync"), "everysec");
    EXPECT_EQ(config.get_one("maxclients"), "10000");
    EXPECT_EQ(config.get_one("requirepass"), "");
    EXPECT_EQ(config.get_one("databases"), "1");
    EXPECT_EQ(config.get_one("hz"), "10");
    EXPECT_EQ(config.get_one("proto-max-bulk-len"), "536870912");
    EXPECT_EQ(config.get_one("DIR"), std::filesystem::current_path().string());
    EXPECT_FALSE(config.get_one("nosuch"));
}

TEST(Config, CommandLineSetsTheSameOptions) {
    const cmd::Config config =
        parse_flags({"--port", "7000", "--appendonly", "yes", "--appendfsync", "always", "--dir",
                     "/tmp", "--requirepass", "pw", "--maxmemory", "1mb"});
    EXPECT_EQ(config.port, 7000);
    EXPECT_TRUE(config.appendonly);
    EXPECT_EQ(config.appendfsync, persist::FsyncPolicy::always);
    EXPECT_EQ(config.dir, "/tmp");
    EXPECT_EQ(config.requirepass, "pw");
    EXPECT_EQ(config.get_one("maxmemory"), "1048576");
}

TEST(Config, EmptySaveDisablesSnapshots) {
    EXPECT_TRUE(parse_flags({"--save", ""}).save.empty());
    EXPECT_EQ(parse_flags({"--save", "10 1"}).save,
              (std::vector<cmd::SavePoint>{{std::chrono::seconds{10}, 1}}));
}

TEST(Config, CommandLineRefusesBadValues) {
    EXPECT_THROW(parse_flags({"--port", "abc"}), CLI::ValidationError);
    EXPECT_THROW(parse_flags({"--port", "70000"}), CLI::ValidationError);
    EXPECT_THROW(parse_flags({"--appendfsync", "sometimes"}), CLI::ValidationError);
    EXPECT_THROW(parse_flags({"--save", "100"}), CLI::ValidationError);
}

TEST(Config, Memory) {
    EXPECT_EQ(cmd::parse_memory("100"), 100u);
    EXPECT_EQ(cmd::parse_memory("1k"), 1000u);
    EXPECT_EQ(cmd::parse_memory("1KB"), 1024u);
    EXPECT_EQ(cmd::parse_memory("2gb"), 2ULL * 1024 * 1024 * 1024);
    EXPECT_FALSE(cmd::parse_memory("-1"));
    EXPECT_FALSE(cmd::parse_memory("abc"));
    EXPECT_FALSE(cmd::parse_memory("1xb"));
}

TEST_F(CommandTest, ConfigGetIsAFlatArrayInResp2AndAMapInResp3) {
    EXPECT_EQ(run({"CONFIG", "GET", "port"}), "*2\r\n" + bulk("port") + bulk("6379"));
    EXPECT_EQ(run({"CONFIG", "GET", "nomatch"}), "*0\r\n");
    EXPECT_EQ(run({"CONFIG", "GET", "port", "PORT", "maxc*"}),
              "*4\r\n" + bulk("port") + bulk("6379") + bulk("maxclients") + bulk("10000"));
    EXPECT_EQ(run({"CONFIG", "GET", "append*"}),
              "*6\r\n" + bulk("appendonly") + bulk("no") + bulk("appendfilename") +
                  bulk("appendonly.aof") + bulk("appendfsync") + bulk("everysec"));
    use_resp3();
    EXPECT_EQ(run({"CONFIG", "GET", "hz"}), "%1\r\n" + bulk("hz") + bulk("10"));
}

TEST_F(CommandTest, ConfigSet) {
    EXPECT_EQ(run({"CONFIG", "SET", "maxclients", "50", "appendfsync", "no"}), ok);
    EXPECT_EQ(state.config.maxclients, 50);
    EXPECT_EQ(state.config.appendfsync, persist::FsyncPolicy::no);
    EXPECT_EQ(server.changed, (std::vector<std::string>{"maxclients", "appendfsync"}));
    EXPECT_EQ(run({"CONFIG", "SET", "save", ""}), ok);
    EXPECT_EQ(run({"CONFIG", "GET", "save"}), "*2\r\n" + bulk("save") + bulk(""));
    EXPECT_EQ(run({"CONFIG", "SET", "hz", "1000"}), ok);
    EXPECT_EQ(state.config.hz, 500);
}

TEST_F(CommandTest, ConfigSetErrors) {
    const auto failed = [](std::string_view option, std::string_view reason) {
        return error("ERR CONFIG SET failed (possibly related to argument '" + std::string{option} +
                     "') - " + std::string{reason});
    };
    EXPECT_EQ(run({"CONFIG", "SET", "dir", "/tmp"}), failed("dir", "can't set protected config"));
    EXPECT_EQ(run({"CONFIG", "SET", "dbfilename", "x"}),
              failed("dbfilename", "can't set protected config"));
    EXPECT_EQ(run({"CONFIG", "SET", "appendfilename", "x"}),
              failed("appendfilename", "can't set immutable config"));
    EXPECT_EQ(run({"CONFIG", "SET", "databases", "2"}),
              failed("databases", "can't set immutable config"));
    EXPECT_EQ(run({"CONFIG", "SET", "foo", "bar"}),
              error("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"));
    EXPECT_EQ(run({"CONFIG", "SET", "hz", "5", "hz", "6"}), failed("hz", "duplicate parameter"));
    EXPECT_EQ(run({"CONFIG", "SET", "a", "b", "c"}), error("ERR syntax error"));
    EXPECT_EQ(run({"CONFIG", "SET", "maxclients", "abc"}),
              failed("maxclients", "argument couldn't be parsed into an integer"));
    EXPECT_EQ(run({"CONFIG", "SET", "maxclients", "0"}),
              failed("maxclients", "argument must be between 1 and 4294967295 inclusive"));
    EXPECT_EQ(run({"CONFIG", "SET", "appendonly", "maybe"}),
              failed("appendonly", "argument must be 'yes' or 'no'"));
    EXPECT_EQ(
        run({"CONFIG", "SET", "appendfsync", "foo"}),
        failed("appendfsync", "argument(s) must be one of the following: everysec, always, no"));
    EXPECT_EQ(run({"CONFIG", "SET", "save", "100"}), failed("save", "Invalid save parameters"));
    EXPECT_EQ(run({"CONFIG", "SET", "maxmemory", "abc"}),
              failed("maxmemory", "argument must be a memory value"));
    // All or nothing: the good first value is rolled back.
    EXPECT_EQ(run({"CONFIG", "SET", "maxclients", "5", "hz", "abc"}),
              failed("hz", "argument couldn't be parsed into an integer"));
    EXPECT_EQ(state.config.maxclients, 10000);
}

TEST_F(CommandTest, ConfigSetRollsBackWhenTheServerRefuses) {
    server.refuse_change = "AOF could not be opened";
    EXPECT_EQ(run({"CONFIG", "SET", "appendonly", "yes"}),
              error("ERR CONFIG SET failed (possibly related to argument 'appendonly') - AOF "
                    "could not be opened"));
    EXPECT_FALSE(state.config.appendonly);
}

TEST_F(CommandTest, ConfigResetstat) {
    given({"GET", "missing"});
    state.stats.total_connections_received = 5;
    EXPECT_EQ(run({"CONFIG", "RESETSTAT"}), ok);
    EXPECT_EQ(state.db.stats.keyspace_misses, 0u);
    EXPECT_EQ(state.stats.total_connections_received, 0u);
}

TEST_F(CommandTest, HelpSubcommands) {
    EXPECT_TRUE(run({"CONFIG", "HELP"})
                    .starts_with("*9\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. "
                                 "Subcommands are:\r\n"));
    EXPECT_EQ(run({"CLIENT", "HELP"}).substr(0, 5), "*25\r\n");
    EXPECT_EQ(run({"COMMAND", "HELP"}).substr(0, 5), "*17\r\n");
}

}  // namespace
