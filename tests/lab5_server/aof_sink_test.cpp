// In-process tests of AofSink when the disk refuses an append: the command is owed, kept in
// order with those that follow, written by retry() once the disk takes it, and never silently
// dropped at close. The file size limit (RLIMIT_FSIZE, with SIGXFSZ ignored) plays the full
// disk: a write past it fails with EFBIG as a full disk fails with ENOSPC. Introduced in lab 5.
#include "server/aof_sink.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <filesystem>
#include <string>
#include <vector>

#include "persist/aof.hpp"
#include "persist/file_io.hpp"
#include "support/temp_dir.hpp"

namespace {

using support::TempDir;

/// Limits the size of the files this process writes to `bytes` until destroyed.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        ::signal(SIGXFSZ, SIG_IGN);
        ::getrlimit(RLIMIT_FSIZE, &saved_);
        rlimit limited = saved_;
        limited.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &limited);
    }
    ~FileSizeLimit() { lift(); }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

    /// The disk has room again.
    void lift() { ::setrlimit(RLIMIT_FSIZE, &saved_); }

private:
    rlimit saved_{};
};

/// Every command in the file, each as "ARG ARG ...".
std::vector<std::string> replayed(const std::filesystem::path& path) {
    std::vector<std::string> commands;
    (void)persist::replay_aof(path, [&](std::span<const std::string_view> argv) {
        std::string line;
        for (const auto argument : argv)
            line += (line.empty() ? "" : " ") + std::string{argument};
        commands.push_back(line);
    });
    return commands;
}

void propagate(server::AofSink& sink, std::initializer_list<std::string_view> argv) {
    sink.propagate(std::span<const std::string_view>{argv.begin(), argv.size()});
}

TEST(AofSink, AFailedAppendIsOwedAndWrittenOnceTheDiskTakesIt) {
    TempDir dir;
    const auto path = dir / "appendonly.aof";
    server::Logger log{"test"};
    server::AofSink sink{path, persist::FsyncPolicy::everysec, log};
    propagate(sink, {"SET", "before", "1"});
    const auto size_before = std::filesystem::file_size(path);
    const std::string big(4000, 'x');
    {
        FileSizeLimit full{size_before + 100};
        propagate(sink, {"SET", "big", big});  // part of it fits: the part is cut off again
        EXPECT_FALSE(sink.last_write_ok());
        EXPECT_EQ(sink.last_error(), "File too large");
        EXPECT_EQ(std::filesystem::file_size(path), size_before);
        propagate(sink, {"SET", "small", "2"});  // would fit, but waits its turn
        EXPECT_EQ(sink.owed(), 2U);
        EXPECT_FALSE(sink.retry());
        EXPECT_EQ(std::filesystem::file_size(path), size_before);
        full.lift();
        EXPECT_TRUE(sink.retry());
    }
    EXPECT_TRUE(sink.last_write_ok());
    EXPECT_EQ(sink.owed(), 0U);
    propagate(sink, {"SET", "after", "3"});
    sink.close();
    EXPECT_EQ(replayed(path), (std::vector<std::string>{"SET before 1", "SET big " + big,
                                                        "SET small 2", "SET after 3"}));
}

TEST(AofSink, CloseWithOwedCommandsThrowsNamingTheFileAndTheCount) {
    TempDir dir;
    const auto path = dir / "appendonly.aof";
    server::Logger log{"test"};
    server::AofSink sink{path, persist::FsyncPolicy::no, log};
    FileSizeLimit full{10};
    propagate(sink, {"SET", "key", "a value longer than ten bytes"});
    ASSERT_EQ(sink.owed(), 1U);
    try {
        sink.close();
        FAIL() << "closed with an acknowledged command missing from the file";
    } catch (const persist::PersistError& failure) {
        const std::string message = failure.what();
        EXPECT_NE(message.find(path.string()), std::string::npos) << message;
        EXPECT_NE(message.find("1 acknowledged commands could not be written: File too large"),
                  std::string::npos)
            << message;
    }
}

TEST(AofSink, AReplacementSinkAdoptsTheOwedCommands) {
    TempDir dir;
    const auto path = dir / "appendonly.aof";
    server::Logger log{"test"};
    server::AofSink first{path, persist::FsyncPolicy::everysec, log};
    {
        FileSizeLimit full{0};
        propagate(first, {"SET", "owed", "1"});
    }
    ASSERT_EQ(first.owed(), 1U);
    // CONFIG SET appendfsync: a new sink on the same file takes over what the old one owes.
    server::AofSink second{path, persist::FsyncPolicy::always, log};
    second.adopt_owed(first);
    EXPECT_EQ(first.owed(), 0U);
    first.close();
    EXPECT_TRUE(second.retry());
    second.close();
    EXPECT_EQ(replayed(path), std::vector<std::string>{"SET owed 1"});
}

}  // namespace
