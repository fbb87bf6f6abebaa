// Lab 4 milestone: `save` writes a known dataset to a JSON snapshot or an append-only file,
// `load` (a new process) reads it back and verifies every key, `rewrite` compacts the
// append-only file. Introduced in lab 4; all the persistence lives in common/persist/.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "persist/aof.hpp"
#include "persist/apply.hpp"
#include "persist/file_io.hpp"
#include "persist/snapshot.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

enum class Format { json, aof };

struct Options {
    std::filesystem::path dir;
    Format format = Format::json;
    std::size_t keys = 1000;
    std::size_t value_size = 100;
    std::string dbfilename = "dump.json";
    std::string appendfilename = "appendonly.aof";
    persist::FsyncPolicy appendfsync = persist::FsyncPolicy::everysec;

    [[nodiscard]] std::filesystem::path snapshot_path() const { return dir / dbfilename; }
    [[nodiscard]] std::filesystem::path aof_path() const { return dir / appendfilename; }
};

// The dataset, a pure function of the flags, so that `load` knows what `save` wrote:
// key:<i> holds a value that names i (a second version for i % 4 == 3, which were overwritten);
// keys i % 10 == 0 get a deadline from SET ... PXAT, keys i % 10 == 5 one from PEXPIREAT,
// which PERSIST takes away again for i % 50 == 5.
std::string key_name(std::size_t i) {
    return "key:" + std::to_string(i);
}
bool overwritten(std::size_t i) {
    return i % 4 == 3;
}
bool has_deadline(std::size_t i) {
    return i % 10 == 0 || (i % 10 == 5 && i % 50 != 5);
}

std::string value_for(std::size_t i, std::size_t size) {
    std::string value = (overwritten(i) ? "v2:" : "v1:") + std::to_string(i) + ":";
    value.resize(std::max(size, value.size()), static_cast<char>('a' + i % 26));
    return value;
}

double milliseconds_since(SteadyClock::time_point start) {
    return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

// Runs the workload through `execute`, one command at a time, as a client would send it.
// Returns the number of commands.
std::size_t run_workload(
    const Options& options, store::TimePoint now,
    const std::function<void(std::initializer_list<std::string_view>)>& execute) {
    const std::string in_an_hour = std::to_string((now + 1h).time_since_epoch().count());
    const std::string a_second_ago = std::to_string((now - 1s).time_since_epoch().count());
    std::size_t commands = 0;
    auto run = [&](std::initializer_list<std::string_view> argv) {
        execute(argv);
        ++commands;
    };
    for (std::size_t i = 0; i < options.keys; ++i) {
        const std::string key = key_name(i);
        std::string first = value_for(i, options.value_size);
        if (overwritten(i)) first.replace(0, 2, "v1");
        if (i % 10 == 0) {
            run({"SET", key, first, "PXAT", in_an_hour});
        } else {
            run({"SET", key, first});
        }
    }
    for (std::size_t i = 3; i < options.keys; i += 4) {
        run({"SET", key_name(i), value_for(i, options.value_size)});
    }
    for (std::size_t i = 5; i < options.keys; i += 10) {
        run({"PEXPIREAT", key_name(i), in_an_hour});
    }
    for (std::size_t i = 5; i < options.keys; i += 50)
        run({"PERSIST", key_name(i)});
    // Keys that must not come back: deleted ones, and ones already expired when saved.
    for (int j = 0; j < 10; ++j) {
        const std::string name = "deleted:" + std::to_string(j);
        run({"SET", name, "x"});
        run({"DEL", name});
        run({"SET", "expired:" + std::to_string(j), "x", "PXAT", a_second_ago});
    }
    return commands;
}

// Checks that `keyspace` holds exactly the dataset; prints the result, true when it matches.
bool verify(const Options& options, store::Keyspace& keyspace, store::TimePoint now) {
    std::size_t wrong = 0;
    std::size_t present = 0;
    std::size_t deadlines = 0;
    for (std::size_t i = 0; i < options.keys; ++i) {
        const std::string key = key_name(i);
        const auto value = keyspace.get(key);
        const auto deadline = keyspace.deadline(key);
        const bool deadline_ok = has_deadline(i) ? deadline && *deadline > now : !deadline;
        if (!value || *value != value_for(i, options.value_size) || !deadline_ok) ++wrong;
        if (value) ++present;
        if (deadline) ++deadlines;
    }
    // Any other live key (a deleted or expired one come back) is unexpected.
    std::size_t live = 0;
    keyspace.for_each([&](std::string_view, const store::EntryView&) { ++live; });
    const std::size_t extra = live - present;
    std::printf("verified %zu keys: %zu wrong or missing, %zu unexpected, %zu with a deadline\n",
                options.keys, wrong, extra, deadlines);
    return wrong == 0 && extra == 0;
}

void print_row(const char* label, const std::string& value) {
    std::printf("  %-14s %s\n", label, value.c_str());
}

std::string format_ms(double ms) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f ms", ms);
    return text;
}

int save(const Options& options) {
    std::filesystem::create_directories(options.dir);
    store::SystemClock clock;
    store::Keyspace keyspace{clock};
    auto apply = [&](std::initializer_list<std::string_view> argv) {
        const auto result = persist::apply(keyspace, {argv.begin(), argv.size()});
        if (result.status != persist::ApplyStatus::ok) throw std::logic_error{result.message};
    };
    if (options.format == Format::json) {
        run_workload(options, clock.now(), apply);
        const auto start = SteadyClock::now();
        const auto stats = persist::save_snapshot(keyspace, options.snapshot_path(), clock.now());
        const double ms = milliseconds_since(start);
        // Keyspace::size() still counts the keys that expired and no read has removed.
        std::printf("saved %zu keys to %s (%zu expired keys not written)\n", stats.keys,
                    options.snapshot_path().c_str(), keyspace.size() - stats.keys);
        print_row("file size", std::to_string(stats.file_bytes) + " bytes");
        print_row("save time", format_ms(ms));
        return 0;
    }
    // A new log: the dataset starts from nothing, so an old file would add stale commands.
    std::filesystem::remove(options.aof_path());
    const auto start = SteadyClock::now();
    persist::AppendOnlyFile aof{options.aof_path(), options.appendfsync};
    // As a server does: execute the command, then log it.
    const std::size_t commands = run_workload(options, clock.now(), [&](auto argv) {
        apply(argv);
        aof.append(argv);
    });
    aof.close();
    const double ms = milliseconds_since(start);
    std::printf("appended %zu commands to %s (appendfsync %s)\n", commands,
                options.aof_path().c_str(), std::string{to_string(options.appendfsync)}.c_str());
    print_row("file size", std::to_string(aof.size()) + " bytes");
    print_row("save time", format_ms(ms));
    print_row("fsync calls", std::to_string(aof.fsync_count()));
    return 0;
}

int load(const Options& options) {
    store::SystemClock clock;
    store::Keyspace keyspace{clock};
    const auto start = SteadyClock::now();
    if (options.format == Format::json) {
        const auto path = options.snapshot_path();
        const auto stats = persist::load_snapshot(path, keyspace, clock.now());
        const double ms = milliseconds_since(start);
        if (!stats.file_found) std::printf("no snapshot at %s: starting empty\n", path.c_str());
        std::printf("loaded %zu keys from %s (%zu expired keys dropped)\n", stats.keys,
                    path.c_str(), stats.expired_dropped);
        print_row("file size", std::to_string(stats.file_bytes) + " bytes");
        print_row("load time", format_ms(ms));
    } else {
        const auto path = options.aof_path();
        const auto stats = persist::load_aof(path, keyspace);
        const double ms = milliseconds_since(start);
        if (!stats.warning.empty()) std::cerr << "warning: " << stats.warning << '\n';
        if (!stats.file_found) {
            std::printf("no append-only file at %s: starting empty\n", path.c_str());
        }
        std::printf("replayed %zu commands from %s\n", stats.commands, path.c_str());
        print_row("file size", std::to_string(stats.file_bytes) + " bytes");
        print_row("load time", format_ms(ms));
    }
    return verify(options, keyspace, clock.now()) ? 0 : 2;
}

int rewrite(const Options& options) {
    store::SystemClock clock;
    store::Keyspace keyspace{clock};
    const auto path = options.aof_path();
    const auto before = persist::load_aof(path, keyspace);
    if (!before.warning.empty()) std::cerr << "warning: " << before.warning << '\n';
    if (!before.file_found) throw persist::PersistError{path.string() + ": no such file"};
    const auto start = SteadyClock::now();
    const auto after = persist::rewrite_aof(keyspace, path);
    const double ms = milliseconds_since(start);
    std::printf("rewrote %s: %zu commands, %zu bytes -> %zu commands, %zu bytes\n", path.c_str(),
                before.commands, before.file_bytes, after.commands, after.file_bytes);
    print_row("rewrite time", format_ms(ms));
    // The compacted file must rebuild exactly the same keys.
    store::Keyspace again{clock};
    (void)persist::load_aof(path, again);
    return verify(options, again, clock.now()) ? 0 : 2;
}

// The flags every subcommand shares, named like redis-server's.
void add_common_options(CLI::App& command, Options& options) {
    command.add_option("--dir", options.dir, "directory of the files")->required();
    command.add_option("--keys", options.keys, "how many keys in the dataset")
        ->capture_default_str();
    command.add_option("--value-size", options.value_size, "bytes in each value")
        ->capture_default_str();
    command.add_option("--dbfilename", options.dbfilename, "snapshot file name")
        ->capture_default_str();
    command.add_option("--appendfilename", options.appendfilename, "append-only file name")
        ->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lab 4: save a dataset, load it in a new process and verify it"};
    app.require_subcommand(1);
    Options options;

    CLI::App* save_command = app.add_subcommand("save", "write the dataset to --dir");
    CLI::App* load_command = app.add_subcommand("load", "read the dataset back and verify it");
    CLI::App* rewrite_command =
        app.add_subcommand("rewrite", "compact the append-only file and verify it");
    std::string format = "json";
    for (CLI::App* command : {save_command, load_command}) {
        add_common_options(*command, options);
        command->add_option("--format", format, "json (the snapshot) or aof (append-only file)")
            ->check(CLI::IsMember({"json", "aof"}))
            ->capture_default_str();
    }
    add_common_options(*rewrite_command, options);
    std::string appendfsync{to_string(options.appendfsync)};
    save_command->add_option("--appendfsync", appendfsync, "fsync policy of the aof")
        ->check(CLI::IsMember({"always", "everysec", "no"}))
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    options.format = format == "aof" ? Format::aof : Format::json;
    options.appendfsync = persist::parse_fsync_policy(appendfsync).value();

    // The boundary where persistence errors stop: the message names the file and the problem.
    try {
        if (*save_command) return save(options);
        if (*load_command) return load(options);
        return rewrite(options);
    } catch (const std::exception& error) {  // PersistError, or std::filesystem's errors
        std::cerr << "error: " << error.what() << '\n';
        return 1;
    }
}
