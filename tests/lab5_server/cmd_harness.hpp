// The in-process harness of the command-layer tests: a ServerState on a ManualClock, a fake
// ServerControl, a sink that records what is propagated, and run({"SET", "k", "v"}) returning
// the exact reply bytes. Introduced in lab 5.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cmd/dispatcher.hpp"
#include "cmd/families.hpp"
#include "cmd/propagation.hpp"
#include "cmd/server_control.hpp"
#include "cmd/server_state.hpp"
#include "cmd/session.hpp"
#include "store/clock.hpp"

namespace cmd_test {

/// Records every propagated command as one string, arguments joined by spaces.
class RecordingSink final : public cmd::PropagationSink {
public:
    void propagate(std::span<const std::string_view> argv) override {
        std::string line;
        for (const std::string_view argument : argv) {
            if (!line.empty()) line += ' ';
            line += argument;
        }
        commands.push_back(line);
    }
    std::vector<std::string> commands;
};

/// A ServerControl whose answers the tests set, and which counts what it was asked.
class FakeServer final : public cmd::ServerControl {
public:
    bool save() override {
        ++saves;
        if (save_works) status.last_save_time = save_time;
        return save_works;
    }
    cmd::BackgroundSaveStart background_save() override {
        ++background_saves;
        return background_answer;
    }
    cmd::PersistenceStatus persistence() const override { return status; }
    bool request_shutdown(cmd::ShutdownMode mode) override {
        shutdown_mode = mode;
        return shutdown_works;
    }
    void for_each_client(const std::function<void(const cmd::Session&)>& visit) const override {
        for (const cmd::Session* session : clients)
            visit(*session);
    }
    std::size_t client_count() const override { return clients.size(); }
    bool kill_client(std::uint64_t id) override {
        killed.push_back(id);
        return true;
    }
    cmd::ServerIdentity identity() const override {
        return {.tcp_port = 6379,
                .multiplexing_api = "threads",
                .executable = "/bin/x",
                .config_file = ""};
    }
    std::optional<std::string> config_changed(std::string_view option) override {
        changed.emplace_back(option);
        return refuse_change;
    }
    /// Lab 8's suites set a fake replication layer.
    cmd::Replication* replication() override { return replication_layer; }

    bool save_works = true;
    store::TimePoint save_time{std::chrono::seconds{1'700'000'500}};
    int saves = 0;
    int background_saves = 0;
    cmd::BackgroundSaveStart background_answer = cmd::BackgroundSaveStart::started;
    cmd::PersistenceStatus status;
    std::optional<cmd::ShutdownMode> shutdown_mode;
    bool shutdown_works = true;
    std::vector<const cmd::Session*> clients;
    std::vector<std::uint64_t> killed;
    std::vector<std::string> changed;
    std::optional<std::string> refuse_change;
    cmd::Replication* replication_layer = nullptr;
};

/// The fixture: one client session (id 7) on a fresh server state at 1,700,000,000,000 ms.
class CommandTest : public ::testing::Test {
public:
    CommandTest() : CommandTest(cmd::lab5_commands()) {}

    /// The fixture on a table of the test's choosing: the suites of later labs pass
    /// lab5_commands() plus their own families (register_list_family(), ...).
    explicit CommandTest(cmd::CommandTable table) : dispatcher{std::move(table), state, server} {
        session.id = 7;
        session.peer_address = "127.0.0.1:50000";
        session.local_address = "127.0.0.1:6379";
        session.fd = 8;
        session.created_at = clock.now();
        server.clients.push_back(&session);
        dispatcher.add_sink(sink);
    }

    /// Runs one command for `session` and returns the exact reply bytes.
    std::string run(std::initializer_list<std::string_view> argv) { return run_as(session, argv); }

    std::string run_as(cmd::Session& client, std::initializer_list<std::string_view> argv) {
        std::string out;
        const std::vector<std::string_view> arguments{argv};
        last_outcome = dispatcher.execute(client, arguments, out);
        return out;
    }

    /// Runs a command and forgets what it propagated: for setting up a test.
    void given(std::initializer_list<std::string_view> argv) {
        (void)run(argv);
        sink.commands.clear();
    }

    /// Switches the session to RESP3 as HELLO 3 would.
    void use_resp3() { session.protocol = resp::Protocol::resp3; }

    long long now_ms() const { return clock.now().time_since_epoch().count(); }

    store::ManualClock clock;
    cmd::ServerState state{clock, cmd::Config{}};
    FakeServer server;
    cmd::Dispatcher dispatcher;
    RecordingSink sink;
    cmd::Session session;
    cmd::Outcome last_outcome = cmd::Outcome::replied;
};

/// RESP helpers for expectations: bulk("v") is "$1\r\nv\r\n".
inline std::string bulk(std::string_view text) {
    return "$" + std::to_string(text.size()) + "\r\n" + std::string{text} + "\r\n";
}
inline std::string integer(long long value) {
    return ":" + std::to_string(value) + "\r\n";
}
inline std::string error(std::string_view text) {
    return "-" + std::string{text} + "\r\n";
}
inline const std::string ok = "+OK\r\n";
inline const std::string null = "$-1\r\n";

}  // namespace cmd_test
