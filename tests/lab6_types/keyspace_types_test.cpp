// Unit tests of the typed keyspace: typed lookups (found / missing / wrong type), TYPE, storing
// any value, in-place edits of lists and sets through Edit handles (one key, two keys, the same
// key twice), and the memory estimate after every change. Introduced in lab 6.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace {

using namespace std::chrono_literals;
using store::Access;
using store::Create;
using store::End;
using store::List;
using store::Set;

class TypedKeyspaceTest : public ::testing::Test {
protected:
    store::ManualClock clock;
    store::Keyspace keyspace{clock};

    // Whatever happened, the running memory total equals a recount from scratch.
    void TearDown() override { EXPECT_EQ(keyspace.used_bytes(), keyspace.recount_used_bytes()); }

    void push(std::string_view key, std::initializer_list<std::string_view> elements) {
        auto list = keyspace.edit<List>(key, Create::if_missing);
        ASSERT_TRUE(list.found());
        (void)store::push(*list, End::tail, std::vector<std::string_view>{elements});
    }

    void add(std::string_view key, std::initializer_list<std::string_view> members) {
        auto set = keyspace.edit<Set>(key, Create::if_missing);
        ASSERT_TRUE(set.found());
        for (const std::string_view member : members)
            (void)set->insert(member);
    }
};

TEST_F(TypedKeyspaceTest, FindTellsFoundMissingAndWrongType) {
    keyspace.set("s", "text");
    push("l", {"a", "b"});

    const auto text = keyspace.find<std::string>("s");
    ASSERT_EQ(text.access, Access::found);
    EXPECT_EQ(*text.value, "text");

    const auto list = keyspace.find<List>("l");
    ASSERT_TRUE(list.found());
    EXPECT_EQ(list.value->size(), 2u);

    EXPECT_EQ(keyspace.find<List>("s").access, Access::wrong_type);
    EXPECT_EQ(keyspace.find<std::string>("l").access, Access::wrong_type);
    EXPECT_EQ(keyspace.find<Set>("l").value, nullptr);
    EXPECT_EQ(keyspace.find<Set>("missing").access, Access::missing);
}

TEST_F(TypedKeyspaceTest, GetReadsStringsOnly) {
    push("l", {"a"});
    EXPECT_FALSE(keyspace.get("l"));  // not a string: get() has nothing to show
    EXPECT_TRUE(keyspace.exists("l"));
}

TEST_F(TypedKeyspaceTest, TypeOfEachKind) {
    keyspace.set("s", "v");
    push("l", {"a"});
    add("t", {"m"});
    EXPECT_EQ(keyspace.type("s"), store::Type::string);
    EXPECT_EQ(keyspace.type("l"), store::Type::list);
    EXPECT_EQ(keyspace.type("t"), store::Type::set);
    EXPECT_EQ(keyspace.type("missing"), std::nullopt);
}

TEST_F(TypedKeyspaceTest, EditCreatesAMissingKeyWithoutDeadline) {
    {
        auto set = keyspace.edit<Set>("k", Create::if_missing);
        ASSERT_TRUE(set.found());
        EXPECT_TRUE(set.created());
        (void)set->insert("a");
    }
    EXPECT_EQ(keyspace.size(), 1u);
    EXPECT_FALSE(keyspace.deadline("k"));
    EXPECT_TRUE(keyspace.find<Set>("k").value->contains("a"));
}

TEST_F(TypedKeyspaceTest, EditWithoutCreateReportsMissingAndWrongType) {
    keyspace.set("s", "v");
    {
        auto missing = keyspace.edit<List>("missing");
        EXPECT_EQ(missing.access(), Access::missing);
        auto wrong = keyspace.edit<List>("s");
        EXPECT_EQ(wrong.access(), Access::wrong_type);
        auto created = keyspace.edit<List>("s", Create::if_missing);
        EXPECT_EQ(created.access(), Access::wrong_type);  // never overwrites another type
    }
    EXPECT_EQ(keyspace.size(), 1u);
    EXPECT_EQ(keyspace.get("s"), "v");
}

TEST_F(TypedKeyspaceTest, AKeyCreatedButLeftEmptyIsRemoved) {
    { auto list = keyspace.edit<List>("k", Create::if_missing); }
    EXPECT_FALSE(keyspace.exists("k"));
    EXPECT_EQ(keyspace.size(), 0u);
}

TEST_F(TypedKeyspaceTest, EmptyingAValueRemovesItsKey) {
    push("l", {"a", "b"});
    {
        auto list = keyspace.edit<List>("l");
        (void)store::pop(*list, End::head, 2);
    }
    EXPECT_FALSE(keyspace.exists("l"));
    EXPECT_EQ(keyspace.used_bytes(), keyspace.recount_used_bytes());
}

TEST_F(TypedKeyspaceTest, EditKeepsTheDeadline) {
    push("l", {"a"});
    keyspace.expire_at("l", clock.now() + 10s);
    push("l", {"b"});
    EXPECT_EQ(keyspace.deadline("l"), clock.now() + 10s);
}

TEST_F(TypedKeyspaceTest, TheEstimateFollowsEveryEdit) {
    const std::size_t empty = keyspace.used_bytes();
    push("l", {"short", std::string(100, 'x')});
    const std::size_t with_two = keyspace.used_bytes();
    EXPECT_GT(with_two, empty);
    EXPECT_EQ(with_two, keyspace.recount_used_bytes());
    push("l", {std::string(1000, 'y')});
    EXPECT_GT(keyspace.used_bytes(), with_two + 1000);
    EXPECT_EQ(keyspace.used_bytes(), keyspace.recount_used_bytes());
    keyspace.del("l");
    EXPECT_EQ(keyspace.used_bytes(), keyspace.recount_used_bytes());
}

TEST_F(TypedKeyspaceTest, TwoKeysEditedAtOnce) {
    // LMOVE src dst: pop from one list and push to another, the second one created.
    push("src", {"a", std::string(200, 'b')});
    for (int round = 0; round < 2; ++round) {
        auto source = keyspace.edit<List>("src");
        auto destination = keyspace.edit<List>("dst", Create::if_missing);
        ASSERT_TRUE(source.found());
        ASSERT_TRUE(destination.found());
        destination->push(End::head, source->pop(End::tail));
    }
    EXPECT_FALSE(keyspace.exists("src"));  // emptied by the second move
    const auto destination = keyspace.find<List>("dst");
    ASSERT_TRUE(destination.found());
    EXPECT_EQ(destination.value->size(), 2u);
    EXPECT_EQ((*destination.value)[0], "a");
}

TEST_F(TypedKeyspaceTest, SameKeyEditedTwiceAtOnce) {
    // LMOVE k k RIGHT LEFT: both handles name one entry, which is corrected once.
    push("k", {"a", "b", std::string(300, 'c')});
    {
        auto source = keyspace.edit<List>("k");
        auto destination = keyspace.edit<List>("k");
        destination->push(End::head, source->pop(End::tail));
    }
    EXPECT_EQ((*keyspace.find<List>("k").value)[0], std::string(300, 'c'));
    EXPECT_EQ(keyspace.used_bytes(), keyspace.recount_used_bytes());
    {
        auto first = keyspace.edit<List>("k");
        auto second = keyspace.edit<List>("k");
        (void)store::pop(*first, End::head, 3);
    }
    EXPECT_FALSE(keyspace.exists("k"));
}

TEST_F(TypedKeyspaceTest, SetOverwritesAnyType) {
    push("k", {"a", "b"});
    keyspace.expire_at("k", clock.now() + 5s);
    keyspace.set("k", "now a string");
    EXPECT_EQ(keyspace.type("k"), store::Type::string);
    EXPECT_EQ(keyspace.get("k"), "now a string");
    EXPECT_FALSE(keyspace.deadline("k"));
}

TEST_F(TypedKeyspaceTest, ReplaceStoresAnyValue) {
    Set set;
    (void)set.insert("m");
    keyspace.replace("k", std::move(set), clock.now() + 1s);
    EXPECT_EQ(keyspace.type("k"), store::Type::set);
    EXPECT_EQ(keyspace.deadline("k"), clock.now() + 1s);
    keyspace.replace("k", std::string{"v"}, std::nullopt);
    EXPECT_EQ(keyspace.get("k"), "v");
    EXPECT_FALSE(keyspace.deadline("k"));
}

TEST_F(TypedKeyspaceTest, ReplaceWithAnEmptyListRemovesTheKey) {
    keyspace.set("k", "v");
    keyspace.replace("k", List{}, std::nullopt);
    EXPECT_FALSE(keyspace.exists("k"));
    keyspace.replace("e", std::string{}, std::nullopt);  // an empty string is a value
    EXPECT_TRUE(keyspace.exists("e"));
}

TEST_F(TypedKeyspaceTest, TakeHandsOverValueAndDeadline) {
    add("k", {"a", "b"});
    keyspace.expire_at("k", clock.now() + 3s);
    auto entry = keyspace.take("k");
    ASSERT_TRUE(entry);
    EXPECT_FALSE(keyspace.exists("k"));
    EXPECT_EQ(std::get<Set>(entry->value).size(), 2u);
    EXPECT_EQ(entry->deadline, clock.now() + 3s);
    EXPECT_FALSE(keyspace.take("k"));
}

TEST_F(TypedKeyspaceTest, EntryCostCountsTheValuesHeapBytes) {
    push("l", {std::string(500, 'x')});
    const auto list = keyspace.find<List>("l");
    store::Entry entry{*list.value, std::nullopt};
    EXPECT_EQ(store::Keyspace::entry_cost("l", entry) - store::Keyspace::entry_cost("l", {}),
              store::heap_bytes(entry.value) - store::heap_bytes(store::Value{}));
}

TEST_F(TypedKeyspaceTest, AnExpiredListIsGoneForEveryLookup) {
    push("l", {"a"});
    keyspace.expire_at("l", clock.now() + 1s);
    clock.advance(2s);
    EXPECT_EQ(keyspace.find<List>("l").access, Access::missing);
    auto fresh = keyspace.edit<List>("l", Create::if_missing);
    EXPECT_TRUE(fresh.created());
}

TEST_F(TypedKeyspaceTest, ExpiredListenerHearsLazyExpiryOnly) {
    std::vector<std::string> expired;
    keyspace.set_expired_listener([&](std::string_view key) { expired.emplace_back(key); });
    push("l", {"a"});
    keyspace.expire_at("l", clock.now() + 1s);
    keyspace.set("gone", "v");
    keyspace.del("gone");  // a deletion, not an expiry
    clock.advance(2s);
    EXPECT_FALSE(keyspace.type("l"));
    EXPECT_EQ(expired, std::vector<std::string>{"l"});
}

}  // namespace
