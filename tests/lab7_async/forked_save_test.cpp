// BGSAVE by fork(): the child writes the keyspace as it was at the fork, whatever the parent
// does meanwhile, and reports success or the file's error back. Introduced in lab 7.
#include "async/forked_save.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "persist/snapshot.hpp"
#include "store/keyspace.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace std::chrono_literals;

TEST(ForkedSave, TheFileHoldsTheDataAsOfTheForkWhileTheParentGoesOn) {
    support::TempDir dir;
    store::ManualClock clock;
    store::Keyspace keyspace{clock};
    for (int i = 0; i < 10'000; ++i)
        keyspace.set("key:" + std::to_string(i), "value");
    const auto path = dir.path() / "dump.json";

    async::ForkedSave save{keyspace, path, clock.now(), 42};
    // The parent changes everything at once; the child's copy-on-write view does not see it.
    keyspace.clear();
    keyspace.set("after", "the fork");

    const server::BackgroundSaveResult result = save.finish();
    ASSERT_TRUE(result.ok) << result.error;
    EXPECT_EQ(result.stats.keys, 10'000U);
    EXPECT_EQ(result.changes_at_start, 42U);
    EXPECT_TRUE(save.done());

    store::Keyspace loaded{clock};
    const auto stats = persist::load_snapshot(path, loaded, clock.now());
    EXPECT_EQ(stats.keys, 10'000U);
    EXPECT_EQ(loaded.get("key:9999"), "value");
    EXPECT_FALSE(loaded.exists("after"));
}

TEST(ForkedSave, DoneTurnsTrueWithoutWaiting) {
    support::TempDir dir;
    store::ManualClock clock;
    store::Keyspace keyspace{clock};
    keyspace.set("k", "v");
    async::ForkedSave save{keyspace, dir.path() / "dump.json", clock.now(), 1};
    EXPECT_GT(save.child(), 0);
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    while (!save.done() && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_TRUE(save.done());
    EXPECT_TRUE(save.finish().ok);
}

TEST(ForkedSave, AFailureInTheChildComesBackWithTheFileAndTheReason) {
    support::TempDir dir;
    store::ManualClock clock;
    store::Keyspace keyspace{clock};
    keyspace.set("k", "v");
    const auto path = dir.path() / "missing-directory" / "dump.json";
    async::ForkedSave save{keyspace, path, clock.now(), 1};
    const server::BackgroundSaveResult result = save.finish();
    EXPECT_FALSE(result.ok);
    EXPECT_NE(result.error.find("missing-directory"), std::string::npos) << result.error;
    EXPECT_NE(result.error.find("No such file or directory"), std::string::npos) << result.error;
}

TEST(ForkedSave, TheDestructorReapsAChildThatStillRuns) {
    support::TempDir dir;
    store::ManualClock clock;
    store::Keyspace keyspace{clock};
    for (int i = 0; i < 50'000; ++i)
        keyspace.set("key:" + std::to_string(i), "value");
    pid_t child = 0;
    {
        async::ForkedSave save{keyspace, dir.path() / "dump.json", clock.now(), 1};
        child = save.child();
    }
    // Reaped: no zombie is left with that pid.
    EXPECT_NE(::kill(child, 0), 0);
}

}  // namespace

namespace {

TEST(ForkedSave, AbandonStopsTheChildAndLeavesNoTempFile) {
    support::TempDir dir;
    store::ManualClock clock;
    store::Keyspace keyspace{clock};
    for (int i = 0; i < 300'000; ++i)
        keyspace.set("key:" + std::to_string(i), "value");
    async::ForkedSave save{keyspace, dir.path() / "dump.json", clock.now(), 1};
    save.abandon();
    const server::BackgroundSaveResult result = save.finish();
    // Killed before it finished (the usual case), or finished first: never a failure.
    EXPECT_TRUE(result.abandoned || result.ok) << result.error;
    EXPECT_TRUE(result.abandoned != result.ok);
    for (const auto& file : std::filesystem::directory_iterator{dir.path()}) {
        EXPECT_EQ(file.path().filename().string().find(".tmp."), std::string::npos) << file.path();
    }
}

}  // namespace
