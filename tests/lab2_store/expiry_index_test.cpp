// Unit tests of the keyspace's expiry index: it stays consistent with the keys through every
// operation (checked against a model), and expire_some() samples it with bounded work.
#include <gtest/gtest.h>

#include <cstddef>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/clock.hpp"
#include "store/keyspace.hpp"
#include "store/list.hpp"

namespace {

using namespace std::chrono_literals;
using store::Create;
using store::End;
using store::List;
using store::TimePoint;

std::string key_name(std::size_t index) {
    return "key:" + std::to_string(index);
}

class ExpiryIndexTest : public ::testing::Test {
protected:
    store::ManualClock clock;
    store::Keyspace keyspace{clock};
    std::vector<std::string> expired;

    void SetUp() override {
        keyspace.set_expired_listener([this](std::string_view key) { expired.emplace_back(key); });
    }
    void TearDown() override { EXPECT_EQ(keyspace.used_bytes(), keyspace.recount_used_bytes()); }

    // Keys key:0 .. key:count-1; every one with a deadline, which has already passed for the
    // first `past` of them.
    void fill(std::size_t count, std::size_t past) {
        for (std::size_t i = 0; i < count; ++i) {
            keyspace.set(key_name(i), "v", clock.now() + (i < past ? 1ms : 1h));
        }
        clock.advance(2ms);
    }
};

TEST_F(ExpiryIndexTest, HoldsExactlyTheKeysWithADeadline) {
    keyspace.set("plain", "v");
    EXPECT_EQ(keyspace.expiring_count(), 0u);
    keyspace.set("timed", "v", clock.now() + 1s);
    EXPECT_EQ(keyspace.expiring_count(), 1u);
    keyspace.set("timed", "v2");  // SET without an expiry drops the deadline
    EXPECT_EQ(keyspace.expiring_count(), 0u);
    EXPECT_TRUE(keyspace.expire_at("plain", clock.now() + 1s));
    EXPECT_TRUE(keyspace.expire_at("plain", clock.now() + 2s));  // changed, not added twice
    EXPECT_EQ(keyspace.expiring_count(), 1u);
    EXPECT_EQ(keyspace.deadline("plain"), clock.now() + 2s);
    EXPECT_TRUE(keyspace.persist("plain"));
    EXPECT_EQ(keyspace.expiring_count(), 0u);
}

TEST_F(ExpiryIndexTest, EveryWayOutOfTheKeyspaceLeavesTheIndex) {
    keyspace.set("deleted", "v", clock.now() + 1s);
    keyspace.set("taken", "v", clock.now() + 1s);
    keyspace.replace("emptied", List{}, clock.now() + 1s);  // never stored: an empty list
    keyspace.edit<List>("popped", Create::if_missing)->push(End::tail, "x");
    keyspace.expire_at("popped", clock.now() + 1s);
    keyspace.set("lazy", "v", clock.now() + 1ms);
    EXPECT_EQ(keyspace.expiring_count(), 4u);

    EXPECT_TRUE(keyspace.del("deleted"));
    EXPECT_EQ(keyspace.take("taken")->deadline, clock.now() + 1s);
    (void)keyspace.edit<List>("popped")->pop(End::head);  // the handle's close removes the key
    EXPECT_FALSE(keyspace.exists("popped"));
    clock.advance(2ms);
    EXPECT_FALSE(keyspace.exists("lazy"));
    EXPECT_EQ(keyspace.expiring_count(), 0u);
    EXPECT_EQ(keyspace.size(), 0u);

    keyspace.set("a", "v", clock.now() + 1s);
    keyspace.clear();
    EXPECT_EQ(keyspace.expiring_count(), 0u);
}

TEST_F(ExpiryIndexTest, ReplaceAndRenameCarryTheDeadline) {
    keyspace.set("from", "v", clock.now() + 5s);
    auto moved = keyspace.take("from");
    keyspace.replace("to", std::move(moved->value), moved->deadline);
    EXPECT_EQ(keyspace.deadline("to"), clock.now() + 5s);
    keyspace.replace("to", std::string{"w"}, std::nullopt);
    EXPECT_FALSE(keyspace.deadline("to"));
    EXPECT_EQ(keyspace.expiring_count(), 0u);
}

TEST_F(ExpiryIndexTest, AKeyWithADeadlineCostsOneIndexNodeMore) {
    keyspace.set("k", "v");
    const std::size_t without = keyspace.used_bytes();
    keyspace.expire_at("k", clock.now() + 1s);
    const std::size_t with = keyspace.used_bytes();
    // The first entry also allocates the index's bucket array, so compare with entry_cost().
    EXPECT_GE(with - without, store::Keyspace::entry_cost("k", {"v", clock.now()}) -
                                  store::Keyspace::entry_cost("k", {"v", std::nullopt}));
    keyspace.persist("k");
    EXPECT_LT(keyspace.used_bytes(), with);
}

// ---- expire_some(): the sampling walk -------------------------------------------------------

TEST_F(ExpiryIndexTest, ExpireSomeLooksOnlyAtKeysWithADeadline) {
    for (std::size_t i = 0; i < 1000; ++i)
        keyspace.set(key_name(i), "v");
    keyspace.set("timed", "v", clock.now() + 1ms);
    clock.advance(2ms);
    const store::ExpireSample sample = keyspace.expire_some(20);
    EXPECT_EQ(sample.checked, 1u);  // not 20: only one key can expire
    EXPECT_EQ(sample.expired, 1u);
    EXPECT_EQ(expired, std::vector<std::string>{"timed"});
    EXPECT_EQ(keyspace.size(), 1000u);
}

TEST_F(ExpiryIndexTest, ExpireSomeChecksAboutAsManyKeysAsAsked) {
    fill(1000, 0);
    for (int call = 0; call < 100; ++call) {
        const store::ExpireSample sample = keyspace.expire_some(20);
        // Whole buckets: a bucket started is finished, so a few more than 20 at most.
        EXPECT_GE(sample.checked, 20u);
        EXPECT_LE(sample.checked, 30u);
        EXPECT_EQ(sample.expired, 0u);
    }
    EXPECT_EQ(keyspace.size(), 1000u);
}

TEST_F(ExpiryIndexTest, TheCursorSweepsTheWholeIndexAcrossCalls) {
    // 1% expired: a walk that restarted from the first bucket on every call would find the
    // same few keys again and again; the cursor carries on where the last call stopped.
    fill(1000, 10);
    std::size_t calls = 0;
    std::size_t checked = 0;
    while (expired.size() < 10) {
        checked += keyspace.expire_some(20).checked;
        ASSERT_LE(++calls, 1000u / 20 + 5) << "one sweep of the index should be enough";
    }
    EXPECT_LE(checked, 1000u + 5 * 30);
    EXPECT_EQ(std::set<std::string>(expired.begin(), expired.end()).size(), 10u);
    EXPECT_EQ(keyspace.size(), 990u);
    EXPECT_EQ(keyspace.expiring_count(), 990u);
}

TEST_F(ExpiryIndexTest, ExpireSomeEventuallyRemovesEveryExpiredKeyOnce) {
    fill(1000, 1000);
    std::size_t calls = 0;
    while (keyspace.expiring_count() > 0) {
        const store::ExpireSample sample = keyspace.expire_some(20);
        EXPECT_EQ(sample.expired, sample.checked);
        ASSERT_LE(++calls, 100u);
    }
    EXPECT_EQ(keyspace.size(), 0u);
    EXPECT_EQ(expired.size(), 1000u);
    EXPECT_EQ(std::set<std::string>(expired.begin(), expired.end()).size(), 1000u);
}

TEST_F(ExpiryIndexTest, ExpireSomeSurvivesRehashesBetweenCalls) {
    fill(100, 100);
    (void)keyspace.expire_some(20);
    // Growing the index to many times its size rehashes it: the cursor's bucket means another
    // thing now, but it is still a bucket, and the walk goes on.
    for (std::size_t i = 100; i < 5000; ++i)
        keyspace.set(key_name(i), "v", clock.now() + 1ms);
    clock.advance(2ms);
    std::size_t calls = 0;
    while (keyspace.expiring_count() > 0) {
        (void)keyspace.expire_some(20);
        ASSERT_LE(++calls, 1000u);
    }
    EXPECT_EQ(expired.size(), 5000u);
}

TEST_F(ExpiryIndexTest, AnIndexLeftMostlyEmptyIsShrunk) {
    fill(10'000, 10'000);
    for (std::size_t i = 0; i < 10'000; ++i)
        (void)keyspace.exists(key_name(i));  // lazy expiry empties the index, buckets stay
    const std::size_t before = keyspace.used_bytes();
    (void)keyspace.expire_some(20);
    // About 10,000 buckets of 8 bytes went back to the allocator (Redis's dict resize).
    EXPECT_GT(before - keyspace.used_bytes(), 50'000u);
}

TEST_F(ExpiryIndexTest, ExpireSomeLeavesAKeyOpenForEditing) {
    keyspace.edit<List>("list", Create::if_missing)->push(End::tail, "x");
    keyspace.expire_at("list", clock.now() + 1ms);
    {
        auto list = keyspace.edit<List>("list");
        clock.advance(2ms);
        EXPECT_EQ(keyspace.expire_some(20).expired, 0u);  // its node must outlive the handle
        list->push(End::tail, "y");
    }
    EXPECT_EQ(keyspace.expire_some(20).expired, 1u);
    EXPECT_EQ(expired, std::vector<std::string>{"list"});
}

// ---- the index against a model, through random operations ----------------------------------

// What the model knows of a key: a string or a list (kept as its elements), and its deadline.
struct ModelEntry {
    std::variant<std::string, std::vector<std::string>> value;
    std::optional<TimePoint> deadline;
};

class ExpiryIndexModelTest : public ::testing::Test {
protected:
    store::ManualClock clock;
    store::Keyspace keyspace{clock};
    std::map<std::string, ModelEntry> model;
    std::mt19937 random{20240611};

    void SetUp() override {
        // Each removal the keyspace reports must be of a key the model also has as expired.
        keyspace.set_expired_listener([this](std::string_view key) {
            const auto found = model.find(std::string{key});
            ASSERT_NE(found, model.end()) << key;
            ASSERT_TRUE(expired(found->second)) << key;
            model.erase(found);
        });
    }

    [[nodiscard]] bool expired(const ModelEntry& entry) const {
        return entry.deadline && clock.now() > *entry.deadline;
    }
    [[nodiscard]] std::size_t pick(std::size_t count) {
        return std::uniform_int_distribution<std::size_t>{0, count - 1}(random);
    }
    [[nodiscard]] std::optional<TimePoint> maybe_deadline() {
        if (pick(2) == 0) return std::nullopt;
        return clock.now() + std::chrono::milliseconds{pick(50)};
    }
    // A key the model treats as missing: an expired one is removed first, as find_live() does.
    [[nodiscard]] ModelEntry* live(const std::string& key) {
        const auto found = model.find(key);
        if (found == model.end() || expired(found->second)) return nullptr;
        return &found->second;
    }

    void step() {
        const std::string key = "k" + std::to_string(pick(40));
        switch (pick(11)) {
            case 0: {
                const auto deadline = maybe_deadline();
                keyspace.set(key, "s", deadline);
                model[key] = {std::string{"s"}, deadline};
                break;
            }
            case 1: {
                const auto deadline = maybe_deadline();
                if (pick(4) == 0) {
                    keyspace.replace(key, List{}, deadline);  // an empty list: the key goes
                    model.erase(key);
                } else {
                    List list;
                    list.push(End::tail, "e");
                    keyspace.replace(key, std::move(list), deadline);
                    model[key] = {std::vector<std::string>{"e"}, deadline};
                }
                break;
            }
            case 2: {
                auto list = keyspace.edit<List>(key, Create::if_missing);
                ModelEntry* entry = live(key);
                if (entry && !std::holds_alternative<std::vector<std::string>>(entry->value)) {
                    EXPECT_EQ(list.access(), store::Access::wrong_type);
                    break;
                }
                ASSERT_TRUE(list.found());
                list->push(End::tail, "p");
                if (!entry) entry = &(model[key] = {std::vector<std::string>{}, std::nullopt});
                std::get<std::vector<std::string>>(entry->value).push_back("p");
                break;
            }
            case 3: {
                auto list = keyspace.edit<List>(key);
                ModelEntry* entry = live(key);
                if (!list.found()) break;
                ASSERT_NE(entry, nullptr);
                auto& elements = std::get<std::vector<std::string>>(entry->value);
                (void)list->pop(End::head);
                elements.erase(elements.begin());
                if (elements.empty()) model.erase(key);  // removed when the handle closes
                break;
            }
            case 4: {
                const bool had = live(key) != nullptr;
                EXPECT_EQ(keyspace.del(key), had) << key;
                model.erase(key);
                break;
            }
            case 5: {
                ModelEntry* entry = live(key);
                const auto taken = keyspace.take(key);
                ASSERT_EQ(taken.has_value(), entry != nullptr) << key;
                if (!entry) break;
                EXPECT_EQ(taken->deadline, entry->deadline);
                model.erase(key);
                break;
            }
            case 6: {
                const TimePoint deadline = clock.now() + std::chrono::milliseconds{pick(50)};
                ModelEntry* entry = live(key);
                EXPECT_EQ(keyspace.expire_at(key, deadline), entry != nullptr) << key;
                if (entry) entry->deadline = deadline;
                break;
            }
            case 7: {
                ModelEntry* entry = live(key);
                EXPECT_EQ(keyspace.persist(key), entry && entry->deadline) << key;
                if (entry) entry->deadline.reset();
                break;
            }
            case 8: {
                ModelEntry* entry = live(key);
                EXPECT_EQ(keyspace.deadline(key), entry ? entry->deadline : std::nullopt);
                break;
            }
            case 9:
                (void)keyspace.expire_some(1 + pick(20));  // the listener updates the model
                break;
            case 10:
                clock.advance(std::chrono::milliseconds{pick(10)});
                if (pick(500) == 0) {
                    keyspace.clear();
                    model.clear();
                }
                break;
        }
    }

    // Everything the keyspace shows agrees with the model, expired keys not yet removed
    // included, and the index has one entry per key with a deadline: no more, no less.
    void check() {
        ASSERT_EQ(keyspace.size(), model.size());
        std::size_t live_keys = 0;
        std::size_t live_with_deadline = 0;
        keyspace.for_each([&](std::string_view key, const store::EntryView& entry) {
            ++live_keys;
            if (entry.deadline) ++live_with_deadline;
            const auto found = model.find(std::string{key});
            ASSERT_NE(found, model.end()) << key;
            EXPECT_FALSE(expired(found->second)) << key;
            EXPECT_EQ(entry.deadline, found->second.deadline) << key;
            if (const auto* text = std::get_if<std::string>(&found->second.value)) {
                EXPECT_EQ(std::get<std::string>(entry.value), *text) << key;
            } else {
                const List& list = std::get<List>(entry.value);
                EXPECT_EQ(std::vector<std::string>(list.begin(), list.end()),
                          std::get<std::vector<std::string>>(found->second.value))
                    << key;
            }
        });
        // The keys for_each() hides are the expired ones, and only a key with a deadline
        // can have expired: all of them are in the index too.
        const std::size_t hidden = keyspace.size() - live_keys;
        ASSERT_EQ(keyspace.expiring_count(), live_with_deadline + hidden);
        ASSERT_EQ(keyspace.used_bytes(), keyspace.recount_used_bytes());
    }
};

TEST_F(ExpiryIndexModelTest, StaysConsistentThroughRandomOperations) {
    for (int i = 0; i < 20'000; ++i) {
        ASSERT_NO_FATAL_FAILURE(step()) << "step " << i;
        ASSERT_NO_FATAL_FAILURE(check()) << "after step " << i;
    }
}

}  // namespace
