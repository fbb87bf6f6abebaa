// Unit tests of the append-only file: the bytes appended, replay, a torn tail at every split
// point versus corruption in the middle, the three fsync policies, and compaction.
// Introduced in lab 4.
#include "persist/aof.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "persist/file_io.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"
#include "temp_dir.hpp"

namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using lab4_test::read_bytes;
using lab4_test::write_bytes;
using persist::FsyncPolicy;

// 27 bytes long: the second command of the files below starts at byte 27.
const std::string set_k_v = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";

class AofTest : public ::testing::Test {
protected:
    lab4_test::TempDir dir;
    std::filesystem::path path = dir / "appendonly.aof";
    store::ManualClock clock;

    // Replays `path`, collecting each command's arguments.
    persist::ReplayStats replay(std::vector<std::vector<std::string>>& commands,
                                persist::TornTail torn_tail = persist::TornTail::truncate) {
        return persist::replay_aof(
            path,
            [&](std::span<const std::string_view> argv) {
                commands.emplace_back(argv.begin(), argv.end());
            },
            torn_tail);
    }

    // The message of the PersistError that replaying `bytes` throws ("" when it loads).
    std::string replay_error(const std::string& bytes) {
        write_bytes(path, bytes);
        std::vector<std::vector<std::string>> commands;
        try {
            (void)replay(commands);
        } catch (const persist::PersistError& error) {
            EXPECT_TRUE(commands.empty()) << "a refused file must not run any command";
            EXPECT_EQ(read_bytes(path), bytes) << "a refused file must not be changed";
            return error.what();
        }
        return {};
    }

    // Polls `condition` for up to `limit`: for the everysec thread.
    static bool eventually(const std::function<bool()>& condition,
                           std::chrono::milliseconds limit = 3s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!condition()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(5ms);
        }
        return true;
    }
};

TEST_F(AofTest, AppendsEachCommandAsAnArrayOfBulkStrings) {
    persist::AppendOnlyFile aof{path, FsyncPolicy::no};
    aof.append({"SET", "k", "v"});
    aof.append({"SET", "a\r\n\0b"s, ""});
    // Read through a descriptor of our own: the bytes are in the kernel when append returns.
    EXPECT_EQ(read_bytes(path), set_k_v + "*3\r\n$3\r\nSET\r\n$5\r\na\r\n\0b\r\n$0\r\n\r\n"s);
    EXPECT_EQ(aof.size(), read_bytes(path).size());
}

TEST_F(AofTest, ReplayGivesEveryCommandInOrder) {
    {
        persist::AppendOnlyFile aof{path, FsyncPolicy::no};
        aof.append({"SET", "k", "\xff\x00"s});
        aof.append({"DEL", "k", "other"});
    }
    std::vector<std::vector<std::string>> commands;
    const auto stats = replay(commands);
    EXPECT_TRUE(stats.file_found);
    EXPECT_EQ(stats.commands, 2u);
    EXPECT_FALSE(stats.truncated_at);
    const std::vector<std::vector<std::string>> expected = {{"SET", "k", "\xff\x00"s},
                                                            {"DEL", "k", "other"}};
    EXPECT_EQ(commands, expected);
}

TEST_F(AofTest, MissingFileReplaysNothing) {
    std::vector<std::vector<std::string>> commands;
    EXPECT_FALSE(replay(commands).file_found);
    EXPECT_TRUE(commands.empty());
}

TEST_F(AofTest, EveryTornTailIsCutOffAtTheLastCompleteCommand) {
    const std::vector<std::string> pieces = {set_k_v, "*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n",
                                             "*3\r\n$3\r\nSET\r\n$2\r\nk2\r\n$5\r\nhello\r\n"};
    std::string full;
    std::vector<std::size_t> ends;  // where each command ends
    for (const auto& piece : pieces)
        ends.push_back((full += piece).size());

    for (std::size_t length = 0; length <= full.size(); ++length) {
        write_bytes(path, full.substr(0, length));
        std::vector<std::vector<std::string>> commands;
        const auto stats = replay(commands);
        std::size_t complete = 0;
        std::size_t valid_end = 0;
        for (const auto end : ends) {
            if (end <= length) ++complete, valid_end = end;
        }
        SCOPED_TRACE("length " + std::to_string(length));
        EXPECT_EQ(commands.size(), complete);
        EXPECT_EQ(read_bytes(path).size(), valid_end);
        if (valid_end == length) {
            EXPECT_FALSE(stats.truncated_at);
            EXPECT_EQ(stats.warning, "");
        } else {
            EXPECT_EQ(stats.truncated_at, valid_end);
            EXPECT_NE(stats.warning.find(path.string()), std::string::npos);
            EXPECT_NE(stats.warning.find("at byte " + std::to_string(valid_end)), std::string::npos)
                << stats.warning;
        }
    }
}

TEST_F(AofTest, AppendsAfterACutTailFollowTheLastCompleteCommand) {
    write_bytes(path, set_k_v + "*2\r\n$3\r\nDE");
    std::vector<std::vector<std::string>> commands;
    (void)replay(commands);
    {
        persist::AppendOnlyFile aof{path, FsyncPolicy::always};
        aof.append({"PERSIST", "k"});
    }
    commands.clear();
    EXPECT_EQ(replay(commands).commands, 2u);
    EXPECT_EQ(commands.back(), (std::vector<std::string>{"PERSIST", "k"}));
}

TEST_F(AofTest, TornTailIsRefusedWhenTruncationIsOff) {
    write_bytes(path, set_k_v + "*2\r\n$3");
    std::vector<std::vector<std::string>> commands;
    try {
        (void)replay(commands, persist::TornTail::refuse);
        FAIL() << "expected PersistError";
    } catch (const persist::PersistError& error) {
        EXPECT_NE(std::string{error.what()}.find(path.string() + ": at byte 27: "),
                  std::string::npos)
            << error.what();
    }
    EXPECT_TRUE(commands.empty());
}

TEST_F(AofTest, CorruptionInTheMiddleIsRefusedWithTheOffset) {
    const std::string second = "*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n";
    std::string bad_length = set_k_v + second + set_k_v;
    bad_length[set_k_v.size() + 5] = 'x';  // "$3" becomes "$x"
    std::string error = replay_error(bad_length);
    EXPECT_NE(error.find(path.string() + ": at byte 27: corrupt command (ERR Protocol error: "
                                         "invalid bulk length)"),
              std::string::npos)
        << error;

    // A command that does not start with '*': an inline command, which our writer never makes.
    error = replay_error(set_k_v + "SET k v\r\n" + set_k_v);
    EXPECT_NE(error.find("at byte 27: corrupt command"), std::string::npos) << error;

    // A bulk string whose data is longer than its length says: no CRLF where one must be.
    error = replay_error(set_k_v + "*2\r\n$3\r\nDELX\r\n$1\r\nk\r\n" + set_k_v);
    EXPECT_NE(error.find("at byte 27: corrupt command"), std::string::npos) << error;
}

TEST_F(AofTest, CommandsApplyCannotRunAreRefusedWithTheOffset) {
    write_bytes(path, set_k_v + "*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n");
    store::Keyspace keyspace{clock};
    try {
        (void)persist::load_aof(path, keyspace);
        FAIL() << "expected PersistError";
    } catch (const persist::PersistError& error) {
        EXPECT_EQ(std::string{error.what()},
                  path.string() + ": at byte 27: ERR unknown command 'INCR'");
    }
}

TEST_F(AofTest, AlwaysSyncsBeforeAppendReturns) {
    persist::AppendOnlyFile aof{path, FsyncPolicy::always};
    for (int i = 1; i <= 5; ++i) {
        aof.append({"SET", "k", "v"});
        EXPECT_EQ(aof.fsync_count(), static_cast<std::size_t>(i));
        EXPECT_EQ(read_bytes(path).size(), set_k_v.size() * static_cast<std::size_t>(i));
    }
}

TEST_F(AofTest, EverysecSyncsInTheBackgroundOncePerIntervalAndOnlyWhenDirty) {
    constexpr auto interval = 100ms;
    persist::AppendOnlyFile aof{path, FsyncPolicy::everysec, interval};
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 200; ++i)
        aof.append({"SET", "k", "v"});
    const auto burst = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(read_bytes(path).size(), set_k_v.size() * 200);  // written at once...
    // ...but fsynced at most once per interval that began during the burst, not 200 times.
    EXPECT_LE(aof.fsync_count(), static_cast<std::size_t>(1 + burst / interval));
    ASSERT_TRUE(eventually([&] { return aof.fsync_count() >= 1; }));

    std::this_thread::sleep_for(3 * interval);  // any fsync still owed for the burst happens
    const std::size_t after_burst = aof.fsync_count();
    std::this_thread::sleep_for(4 * interval);  // several intervals with nothing written
    EXPECT_EQ(aof.fsync_count(), after_burst);
    aof.append({"SET", "k", "v"});
    EXPECT_TRUE(eventually([&] { return aof.fsync_count() == after_burst + 1; }));
}

TEST_F(AofTest, NoLeavesSyncingToTheKernelUntilClose) {
    persist::AppendOnlyFile aof{path, FsyncPolicy::no};
    for (int i = 0; i < 10; ++i)
        aof.append({"SET", "k", "v"});
    EXPECT_EQ(read_bytes(path).size(), set_k_v.size() * 10);
    EXPECT_EQ(aof.fsync_count(), 0u);
    aof.close();  // a clean shutdown fsyncs, whatever the policy, as Redis does
    EXPECT_EQ(aof.fsync_count(), 1u);
    EXPECT_THROW(aof.append({"SET", "k", "v"}), persist::PersistError);
}

TEST_F(AofTest, FailedAppendThrowsNamingTheFile) {
    persist::AppendOnlyFile aof{path, FsyncPolicy::always};
    const lab4_test::FileSizeLimit limit{1000};
    try {
        aof.append({"SET", "k", std::string(2000, 'x')});
        FAIL() << "expected PersistError";
    } catch (const persist::PersistError& error) {
        EXPECT_NE(std::string{error.what()}.find(path.string() + ": write failed"),
                  std::string::npos);
    }
}

TEST_F(AofTest, FailedAppendLeavesNoHalfCommandBehind) {
    persist::AppendOnlyFile aof{path, FsyncPolicy::always};
    aof.append({"SET", "k", "v"});
    {
        const lab4_test::FileSizeLimit limit{1000};  // the next command only half fits
        EXPECT_THROW(aof.append({"SET", "big", std::string(2000, 'x')}), persist::PersistError);
    }
    EXPECT_EQ(read_bytes(path), set_k_v);  // the partial write was cut off
    aof.append({"SET", "k", "w"});         // space is back: appends continue cleanly
    aof.close();
    std::vector<std::vector<std::string>> commands;
    const auto stats = replay(commands);
    EXPECT_FALSE(stats.truncated_at);
    ASSERT_EQ(commands.size(), 2u);
    EXPECT_EQ(commands[1], (std::vector<std::string>{"SET", "k", "w"}));
}

TEST_F(AofTest, PolicyNamesAreRedisOnes) {
    EXPECT_EQ(persist::parse_fsync_policy("everysec"), FsyncPolicy::everysec);
    EXPECT_EQ(persist::to_string(FsyncPolicy::always), "always");
    EXPECT_FALSE(persist::parse_fsync_policy("sometimes"));
}

TEST_F(AofTest, RewriteKeepsTheDatasetAndShrinksTheFile) {
    store::Keyspace keyspace{clock};
    const std::string deadline = std::to_string((clock.now() + 1h).time_since_epoch().count());
    const std::string passed = std::to_string((clock.now() - 1s).time_since_epoch().count());
    {
        persist::AppendOnlyFile aof{path, FsyncPolicy::no};
        for (int round = 0; round < 10; ++round) {
            for (int i = 0; i < 20; ++i)
                aof.append({"SET", "key:" + std::to_string(i), "round"});
        }
        aof.append({"SET", "bin\xff", "\0\r\n"s, "PXAT", deadline});
        aof.append({"PEXPIREAT", "key:1", deadline});
        aof.append({"DEL", "key:2"});
        aof.append({"SET", "expired", "x", "PXAT", passed});
    }
    const auto before = persist::load_aof(path, keyspace);
    const auto original_size = before.file_bytes;

    const auto stats = persist::rewrite_aof(keyspace, path);
    EXPECT_EQ(stats.commands, 20u);  // 19 key:<i>, "bin\xff"; nothing for DEL'd or expired
    EXPECT_EQ(stats.file_bytes, read_bytes(path).size());
    EXPECT_LT(stats.file_bytes, original_size / 5);

    store::Keyspace rebuilt{clock};
    (void)persist::load_aof(path, rebuilt);
    std::size_t live = 0;
    rebuilt.for_each([&](std::string_view key, const store::EntryView& entry) {
        ++live;
        EXPECT_EQ(keyspace.get(key), std::get<std::string>(entry.value));
        EXPECT_EQ(keyspace.deadline(key), entry.deadline);
    });
    EXPECT_EQ(live, 20u);
    EXPECT_EQ(rebuilt.get("bin\xff"), "\0\r\n"s);
    EXPECT_EQ(rebuilt.deadline("key:1"), store::TimePoint{1'700'000'000'000ms} + 1h);
    EXPECT_NE(read_bytes(path).find("PXAT"), std::string::npos);
}

TEST_F(AofTest, AppendingGoesOnIntoTheRewrittenFile) {
    store::Keyspace keyspace{clock};
    persist::AppendOnlyFile aof{path, FsyncPolicy::everysec, 50ms};
    for (int i = 0; i < 5; ++i)
        aof.append({"SET", "k", std::to_string(i)});
    keyspace.set("k", "4");
    EXPECT_EQ(aof.rewrite(keyspace).commands, 1u);
    aof.append({"SET", "after", "rewrite"});
    EXPECT_EQ(aof.size(), read_bytes(path).size());
    aof.close();

    std::vector<std::vector<std::string>> commands;
    (void)replay(commands);
    const std::vector<std::vector<std::string>> expected = {{"SET", "k", "4"},
                                                            {"SET", "after", "rewrite"}};
    EXPECT_EQ(commands, expected);
    EXPECT_EQ(dir.entry_count(), 1u);
}

}  // namespace
