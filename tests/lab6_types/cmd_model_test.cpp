// The course's milestone test for lab 6: random commands on strings, lists and sets, run through
// the real dispatcher and checked reply by reply against a small model kept in the test, type
// errors included. Introduced in lab 6.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "cmd_harness.hpp"

namespace {

using cmd_test::bulk;

// What the model holds for a key: the same three types as the store.
using ModelValue = std::variant<std::string, std::deque<std::string>, std::set<std::string>>;

const std::string ok = "+OK\r\n";
const std::string nil = "$-1\r\n";
const std::string wrong_type =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

std::string integer(long long value) {
    return ":" + std::to_string(value) + "\r\n";
}

std::string array(const std::vector<std::string>& elements) {
    std::string reply = "*" + std::to_string(elements.size()) + "\r\n";
    for (const auto& element : elements)
        reply += bulk(element);
    return reply;
}

class ModelTest : public cmd_test::CommandTest {
protected:
    ModelTest() : CommandTest(cmd::lab6_commands()) {}

    // Runs one command given as owned strings.
    std::string execute(const std::vector<std::string>& words) {
        std::vector<std::string_view> argv{words.begin(), words.end()};
        std::string out;
        (void)dispatcher.execute(session, argv, out);
        return out;
    }

    template <class T>
    T* as(const std::string& key) {
        const auto found = model.find(key);
        return found == model.end() ? nullptr : std::get_if<T>(&found->second);
    }
    bool holds_other_than(const std::string& key, std::size_t index) {
        const auto found = model.find(key);
        return found != model.end() && found->second.index() != index;
    }

    // One random command: runs it and returns {command, actual reply, expected reply}.
    std::vector<std::string> step(std::mt19937_64& random) {
        const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
        const std::string key = "k" + std::to_string(pick(5));
        const std::string element = "e" + std::to_string(pick(4));
        using List = std::deque<std::string>;
        using Set = std::set<std::string>;
        std::vector<std::string> command;
        std::string expected;
        switch (pick(13)) {
            case 0: {  // SET
                command = {"SET", key, element};
                model[key] = element;
                expected = ok;
                break;
            }
            case 1: {  // GET
                command = {"GET", key};
                if (holds_other_than(key, 0))
                    expected = wrong_type;
                else if (const auto* text = as<std::string>(key))
                    expected = bulk(*text);
                else
                    expected = nil;
                break;
            }
            case 2:
            case 3: {  // LPUSH / RPUSH
                const bool head = pick(2) == 0;
                command = {head ? "LPUSH" : "RPUSH", key, element};
                if (holds_other_than(key, 1)) {
                    expected = wrong_type;
                    break;
                }
                if (!as<List>(key)) model[key] = List{};
                auto& list = *as<List>(key);
                head ? list.push_front(element) : list.push_back(element);
                expected = integer(static_cast<long long>(list.size()));
                break;
            }
            case 4: {  // LPOP / RPOP
                const bool head = pick(2) == 0;
                command = {head ? "LPOP" : "RPOP", key};
                if (holds_other_than(key, 1)) {
                    expected = wrong_type;
                    break;
                }
                auto* list = as<List>(key);
                if (!list) {
                    expected = nil;
                    break;
                }
                expected = bulk(head ? list->front() : list->back());
                head ? list->pop_front() : list->pop_back();
                if (list->empty()) model.erase(key);  // Redis deletes an empty list
                break;
            }
            case 5: {  // LRANGE key 0 -1
                command = {"LRANGE", key, "0", "-1"};
                if (holds_other_than(key, 1))
                    expected = wrong_type;
                else if (const auto* list = as<List>(key))
                    expected = array({list->begin(), list->end()});
                else
                    expected = array({});
                break;
            }
            case 6: {  // LLEN
                command = {"LLEN", key};
                if (holds_other_than(key, 1))
                    expected = wrong_type;
                else
                    expected =
                        integer(as<List>(key) ? static_cast<long long>(as<List>(key)->size()) : 0);
                break;
            }
            case 7: {  // SADD
                command = {"SADD", key, element};
                if (holds_other_than(key, 2)) {
                    expected = wrong_type;
                    break;
                }
                if (!as<Set>(key)) model[key] = Set{};
                expected = integer(as<Set>(key)->insert(element).second ? 1 : 0);
                break;
            }
            case 8: {  // SREM
                command = {"SREM", key, element};
                if (holds_other_than(key, 2)) {
                    expected = wrong_type;
                    break;
                }
                auto* set = as<Set>(key);
                expected = integer(set ? static_cast<long long>(set->erase(element)) : 0);
                if (set && set->empty()) model.erase(key);  // Redis deletes an empty set
                break;
            }
            case 9: {  // SISMEMBER
                command = {"SISMEMBER", key, element};
                if (holds_other_than(key, 2))
                    expected = wrong_type;
                else
                    expected = integer(as<Set>(key) && as<Set>(key)->contains(element) ? 1 : 0);
                break;
            }
            case 10: {  // SCARD
                command = {"SCARD", key};
                if (holds_other_than(key, 2))
                    expected = wrong_type;
                else
                    expected =
                        integer(as<Set>(key) ? static_cast<long long>(as<Set>(key)->size()) : 0);
                break;
            }
            case 11: {  // TYPE
                command = {"TYPE", key};
                const auto found = model.find(key);
                static const char* names[] = {"string", "list", "set"};
                expected =
                    "+" +
                    std::string{found == model.end() ? "none" : names[found->second.index()]} +
                    "\r\n";
                break;
            }
            default: {  // DEL
                command = {"DEL", key};
                expected = integer(static_cast<long long>(model.erase(key)));
                break;
            }
        }
        const std::string actual = execute(command);
        std::string shown;
        for (const auto& word : command)
            shown += word + " ";
        return {shown, actual, expected};
    }

    void run_random(unsigned seed, int operations) {
        std::mt19937_64 random{seed};
        for (int i = 0; i < operations; ++i) {
            const auto result = step(random);
            ASSERT_EQ(result[1], result[2]) << "operation " << i << ": " << result[0];
        }
        // The keyspace agrees with the model at the end, key by key.
        EXPECT_EQ(execute({"DBSIZE"}), integer(static_cast<long long>(model.size())));
        EXPECT_EQ(state.db.keyspace().used_bytes(), state.db.keyspace().recount_used_bytes());
    }

    std::map<std::string, ModelValue> model;
};

// The course's milestone: 100 operations on lists and sets with type checking.
TEST_F(ModelTest, HundredOperationsWithTypeChecks) {
    run_random(6, 100);
}

TEST_F(ModelTest, TenThousandRandomOperationsMatchTheModel) {
    run_random(2026, 10'000);
}

}  // namespace
