// Exercise 4.3 (docs/lab4_persist.md): encode_rdb() writes a set of at most 512 members that are
// all integers in canonical form as an intset (type 11), byte for byte as redis-server does.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "persist/rdb.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"
#include "store/set.hpp"

namespace {

using namespace std::string_literals;

class RdbIntset : public ::testing::Test {
protected:
    store::ManualClock clock;
    store::Keyspace keyspace{clock};

    void add_set(const std::string& key, const std::vector<std::string>& members) {
        store::Set set;
        for (const std::string& member : members)
            set.insert(member);
        keyspace.replace(key, std::move(set), std::nullopt);
    }

    // The bytes encode_rdb() writes after the RESIZEDB counts of a keyspace of one key, without
    // LZF (which Redis, too, applies to an intset longer than 20 bytes).
    std::string record() {
        const std::string file =
            persist::encode_rdb(keyspace, clock.now(), persist::RdbWriteOptions{.compress = false});
        const auto resize = file.find("\xfb\x01\x00"s);
        EXPECT_NE(resize, std::string::npos);
        return file.substr(resize + 3, file.size() - resize - 3 - 9);  // up to the EOF byte
    }

    // The members of `key` after a round trip through the file.
    std::vector<std::string> reloaded(const std::string& key) {
        const auto parsed = persist::parse_rdb(persist::encode_rdb(keyspace, clock.now()),
                                               "dump.rdb", store::TimePoint::min());
        for (const auto& item : parsed.entries) {
            if (item.key != key) continue;
            const auto& set = std::get<store::Set>(item.entry.value);
            std::vector<std::string> members(set.begin(), set.end());
            std::sort(members.begin(), members.end());
            return members;
        }
        ADD_FAILURE() << "no key " << key;
        return {};
    }
};

TEST_F(RdbIntset, WritesWhatRedisServerWritesForSaddOneTwo) {
    add_set("s", {"2", "1"});
    // Type 11, the key, then a 12-byte string: width 2, count 2, the members 1 and 2 ascending.
    EXPECT_EQ(record(), "\x0b\x01s\x0c\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x02\x00"s);
    EXPECT_EQ(reloaded("s"), (std::vector<std::string>{"1", "2"}));
}

TEST_F(RdbIntset, ChoosesTheNarrowestWidthAndSortsAsNumbers) {
    add_set("s", {"5", "-70000", "10"});
    // -70000 needs 4 bytes; sorted as numbers, not as text ("-70000" < "10" < "5").
    EXPECT_EQ(record(),
              "\x0b\x01s\x14\x04\x00\x00\x00\x03\x00\x00\x00"
              "\x90\xee\xfe\xff\x05\x00\x00\x00\x0a\x00\x00\x00"s);
    EXPECT_EQ(reloaded("s"), (std::vector<std::string>{"-70000", "10", "5"}));

    keyspace.clear();
    add_set("s", {"9223372036854775807", "-9223372036854775808"});
    const std::string eight = record();
    ASSERT_GE(eight.size(), 8u);
    EXPECT_EQ(eight.substr(0, 8), "\x0b\x01s\x18\x08\x00\x00\x00"s);
    EXPECT_EQ(reloaded("s"),
              (std::vector<std::string>{"-9223372036854775808", "9223372036854775807"}));
}

TEST_F(RdbIntset, KeepsThePlainSetForAnythingElse) {
    for (const auto& members : std::vector<std::vector<std::string>>{
             {"1", "x"}, {"007"}, {"-0"}, {"+1"}, {"9223372036854775808"}, {" 1"}}) {
        keyspace.clear();
        add_set("s", members);
        EXPECT_EQ(record().substr(0, 1), "\x02") << members.front();
        std::vector<std::string> sorted = members;
        std::sort(sorted.begin(), sorted.end());
        EXPECT_EQ(reloaded("s"), sorted);
    }
    keyspace.clear();
    std::vector<std::string> many;
    for (int i = 0; i < 513; ++i)
        many.push_back(std::to_string(i));
    add_set("s", many);
    EXPECT_EQ(record().substr(0, 1), "\x02") << "more than 512 members";
    many.pop_back();
    keyspace.clear();
    add_set("s", many);
    EXPECT_EQ(record().substr(0, 1), "\x0b") << "512 members";
    EXPECT_EQ(reloaded("s").size(), 512u);
}

}  // namespace
