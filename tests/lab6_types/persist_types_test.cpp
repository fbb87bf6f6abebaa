// Lists and sets on disk: the snapshot round trip (binary elements and deadlines included) and
// the commands an AOF rewrite writes for them (RPUSH / SADD in batches of 64, then PEXPIREAT).
// Introduced in lab 6.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "persist/aof.hpp"
#include "persist/snapshot.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using store::Create;
using store::End;
using store::List;
using store::Set;

class PersistTypesTest : public ::testing::Test {
protected:
    support::TempDir dir;
    store::ManualClock clock;
    store::Keyspace keyspace{clock};

    void push(std::string_view key, const std::vector<std::string>& elements) {
        auto list = keyspace.edit<List>(key, Create::if_missing);
        for (const std::string& element : elements)
            list->push(End::tail, element);
    }
    void add(std::string_view key, const std::vector<std::string>& members) {
        auto set = keyspace.edit<Set>(key, Create::if_missing);
        for (const std::string& member : members)
            (void)set->insert(member);
    }

    // Every command of an AOF, as argument lists.
    std::vector<std::vector<std::string>> commands_of(const std::filesystem::path& path) {
        std::vector<std::vector<std::string>> commands;
        (void)persist::replay_aof(path, [&](std::span<const std::string_view> argv) {
            commands.emplace_back(argv.begin(), argv.end());
        });
        return commands;
    }
};

std::vector<std::string> numbered(std::size_t count) {
    std::vector<std::string> elements;
    for (std::size_t i = 0; i < count; ++i)
        elements.push_back("e" + std::to_string(i));
    return elements;
}

TEST_F(PersistTypesTest, SnapshotRoundTripsListsAndSets) {
    const std::vector<std::string> elements{"a", "\xff\x00 binary"s, "", "a"};  // repeats kept
    push("list", elements);
    add("set", {"x", "y", "\x80"s});
    keyspace.expire_at("set", clock.now() + 60s);
    keyspace.set("string", "v");
    const auto path = dir / "dump.json";
    ASSERT_EQ(persist::save_snapshot(keyspace, path, clock.now()).keys, 3u);

    const std::string text = support::read_bytes(path);
    EXPECT_NE(text.find(R"("type":"list")"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("type":"set","value":["x","y",{"base64":"gA=="}])"),
              std::string::npos)
        << text;  // members sorted, so the same set always gives the same bytes

    store::Keyspace loaded{clock};
    ASSERT_EQ(persist::load_snapshot(path, loaded, clock.now()).keys, 3u);
    const auto list = loaded.find<List>("list");
    ASSERT_TRUE(list.found());
    EXPECT_EQ(std::vector<std::string>(list.value->begin(), list.value->end()), elements);
    const auto set = loaded.find<Set>("set");
    ASSERT_TRUE(set.found());
    EXPECT_EQ(set.value->size(), 3u);
    EXPECT_TRUE(set.value->contains("\x80"s));
    EXPECT_EQ(loaded.deadline("set"), clock.now() + 60s);
    EXPECT_EQ(loaded.get("string"), "v");
    EXPECT_EQ(loaded.used_bytes(), loaded.recount_used_bytes());
}

TEST_F(PersistTypesTest, RewriteWritesListsInBatchesOf64) {
    push("l", numbered(130));
    keyspace.expire_at("l", clock.now() + 5s);
    const auto path = dir / "appendonly.aof";
    const auto stats = persist::rewrite_aof(keyspace, path);
    EXPECT_EQ(stats.commands, 4u);

    const auto commands = commands_of(path);
    ASSERT_EQ(commands.size(), 4u);
    const auto all = numbered(130);
    for (std::size_t batch = 0; batch < 3; ++batch) {
        const std::size_t first = batch * 64;
        const std::size_t count = std::min<std::size_t>(64, 130 - first);
        std::vector<std::string> expected{"RPUSH", "l"};
        expected.insert(expected.end(), all.begin() + static_cast<long>(first),
                        all.begin() + static_cast<long>(first + count));
        EXPECT_EQ(commands[batch], expected) << "batch " << batch;
    }
    const std::string ms = std::to_string((clock.now() + 5s).time_since_epoch().count());
    EXPECT_EQ(commands[3], (std::vector<std::string>{"PEXPIREAT", "l", ms}));
}

TEST_F(PersistTypesTest, RewriteWritesSetsAsSadd) {
    add("s", {"b", "a"});
    keyspace.set("k", "v");
    const auto path = dir / "appendonly.aof";
    (void)persist::rewrite_aof(keyspace, path);

    auto commands = commands_of(path);
    std::sort(commands.begin(), commands.end());
    ASSERT_EQ(commands.size(), 2u);
    ASSERT_EQ(commands[0].size(), 4u);
    EXPECT_EQ(commands[0][0], "SADD");
    EXPECT_EQ(commands[0][1], "s");
    std::sort(commands[0].begin() + 2, commands[0].end());
    EXPECT_EQ(commands[0][2], "a");
    EXPECT_EQ(commands[0][3], "b");
    EXPECT_EQ(commands[1], (std::vector<std::string>{"SET", "k", "v"}));
}

TEST_F(PersistTypesTest, RewriteOfAListIsExactBytes) {
    push("l", {"a", "bc"});
    const auto path = dir / "appendonly.aof";
    (void)persist::rewrite_aof(keyspace, path);
    EXPECT_EQ(support::read_bytes(path), "*4\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\na\r\n$2\r\nbc\r\n");
}

}  // namespace
