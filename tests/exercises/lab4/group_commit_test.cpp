// Exercise 4.2 (docs/lab4_persist.md): AppendOnlyFile::append_batch() writes several commands
// and, under `appendfsync always`, fsyncs once for all of them (group commit).
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "persist/aof.hpp"
#include "support/temp_dir.hpp"

namespace {

using support::read_bytes;
using Batch = std::vector<std::vector<std::string_view>>;

const Batch three_commands = {{"SET", "a", "1"}, {"SET", "b", "2"}, {"DEL", "a"}};
const std::string three_commands_resp =
    "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
    "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n"
    "*2\r\n$3\r\nDEL\r\n$1\r\na\r\n";

TEST(GroupCommit, AlwaysFsyncsOncePerBatch) {
    support::TempDir dir;
    persist::AppendOnlyFile file{dir / "appendonly.aof", persist::FsyncPolicy::always};
    const std::size_t before = file.fsync_count();
    file.append_batch(three_commands);
    EXPECT_EQ(file.fsync_count(), before + 1);
    // On the disk, and in order, as soon as append_batch() returns.
    EXPECT_EQ(read_bytes(dir / "appendonly.aof"), three_commands_resp);
    EXPECT_EQ(file.size(), three_commands_resp.size());

    Batch hundred(100, std::vector<std::string_view>{"INCR", "counter"});
    file.append_batch(hundred);
    EXPECT_EQ(file.fsync_count(), before + 2);
}

TEST(GroupCommit, AnEmptyBatchWritesAndSyncsNothing) {
    support::TempDir dir;
    persist::AppendOnlyFile file{dir / "appendonly.aof", persist::FsyncPolicy::always};
    const std::size_t before = file.fsync_count();
    file.append_batch(Batch{});
    EXPECT_EQ(file.fsync_count(), before);
    EXPECT_EQ(read_bytes(dir / "appendonly.aof"), "");
}

TEST(GroupCommit, OtherPoliciesDoNotSyncInline) {
    support::TempDir dir;
    // An interval of an hour: the background thread of everysec stays asleep during the test.
    persist::AppendOnlyFile everysec{dir / "a.aof", persist::FsyncPolicy::everysec,
                                     std::chrono::hours{1}};
    everysec.append_batch(three_commands);
    EXPECT_EQ(everysec.fsync_count(), 0u);
    persist::AppendOnlyFile no{dir / "b.aof", persist::FsyncPolicy::no};
    no.append_batch(three_commands);
    EXPECT_EQ(no.fsync_count(), 0u);
    EXPECT_EQ(read_bytes(dir / "b.aof"), three_commands_resp);
}

TEST(GroupCommit, ABatchReplaysAsItsCommands) {
    support::TempDir dir;
    {
        persist::AppendOnlyFile file{dir / "appendonly.aof", persist::FsyncPolicy::always};
        file.append({"SET", "first", "x"});
        file.append_batch(three_commands);
    }
    std::vector<std::string> seen;
    const auto stats =
        persist::replay_aof(dir / "appendonly.aof", [&](std::span<const std::string_view> argv) {
            seen.emplace_back(argv[0]);
            seen.back() += ' ';
            seen.back() += argv[1];
        });
    EXPECT_EQ(stats.commands, 4u);
    EXPECT_EQ(seen, (std::vector<std::string>{"SET first", "SET a", "SET b", "DEL a"}));
}

}  // namespace
