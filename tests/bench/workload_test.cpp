// The load generator's command mix and requests: parsing `--mix`, the weights of the draw, key
// names, and the RESP of each command. Part of the benchmark harness's tests.
#include "workload.hpp"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <string>

#include "resp/parser.hpp"

namespace {

using bench::Command;
using bench::Mix;

Mix parse(std::string_view text) {
    std::string error;
    auto mix = Mix::parse(text, error);
    EXPECT_TRUE(mix.has_value()) << text << ": " << error;
    return mix.value_or(Mix{});
}

std::string parse_error(std::string_view text) {
    std::string error;
    EXPECT_FALSE(Mix::parse(text, error).has_value()) << text;
    return error;
}

TEST(Mix, ParsesNamesAndWeights) {
    EXPECT_EQ(parse("get:90,set:10").to_string(), "get:90,set:10");
    EXPECT_EQ(parse("GET:1,Ping:3").to_string(), "get:1,ping:3");
    EXPECT_EQ(parse("incr:1,lpush:1,rpush:1,lpop:1,rpop:1,sadd:1").to_string(),
              "incr:1,lpush:1,rpush:1,lpop:1,rpop:1,sadd:1");
}

TEST(Mix, RejectsWhatItCannotRun) {
    EXPECT_EQ(parse_error("hset:1"), "unknown command 'hset' in the mix");
    EXPECT_NE(parse_error("get"), "");
    EXPECT_NE(parse_error("get:0"), "");
    EXPECT_NE(parse_error("get:x"), "");
    EXPECT_NE(parse_error("get:10,"), "");
    EXPECT_EQ(parse_error(""), "the mix is empty");
}

TEST(Mix, DrawsWithTheWeights) {
    const Mix mix = parse("get:90,set:10");
    bench::Random random{1};
    std::map<Command, int> drawn;
    for (int i = 0; i < 100'000; ++i)
        ++drawn[mix.pick(random)];
    EXPECT_NEAR(drawn[Command::get], 90'000, 1'000);
    EXPECT_NEAR(drawn[Command::set], 10'000, 1'000);
    EXPECT_EQ(drawn.size(), 2U);
}

TEST(Workload, KeysHaveTwelveDigits) {
    EXPECT_EQ(bench::numbered_key("key:", 42), "key:000000000042");
    EXPECT_EQ(bench::numbered_key("key:", bench::max_keyspace - 1), "key:999999999999");
}

// The request for `command` as the server's own parser reads it.
std::vector<std::string> request(Command command, std::uint64_t keyspace = 1) {
    std::string out;
    bench::Random random{3};
    bench::append_request(out, command, {.keyspace = keyspace, .value_size = 3}, "xyz", random);
    resp::Parser parser;
    const resp::ParseResult parsed = parser.parse(out);
    EXPECT_EQ(parsed.status, resp::ParseStatus::complete);
    EXPECT_EQ(parsed.consumed, out.size());
    return {parsed.args.begin(), parsed.args.end()};
}

TEST(Workload, EachCommandIsAWellFormedRequest) {
    using Words = std::vector<std::string>;
    EXPECT_EQ(request(Command::get), (Words{"GET", "key:000000000000"}));
    EXPECT_EQ(request(Command::set), (Words{"SET", "key:000000000000", "xyz"}));
    EXPECT_EQ(request(Command::incr), (Words{"INCR", "counter:000000000000"}));
    EXPECT_EQ(request(Command::lpush), (Words{"LPUSH", "list:000000000000", "xyz"}));
    EXPECT_EQ(request(Command::rpush), (Words{"RPUSH", "list:000000000000", "xyz"}));
    EXPECT_EQ(request(Command::lpop), (Words{"LPOP", "list:000000000000"}));
    EXPECT_EQ(request(Command::rpop), (Words{"RPOP", "list:000000000000"}));
    EXPECT_EQ(request(Command::sadd), (Words{"SADD", "set:000000000000", "member:000000000000"}));
    EXPECT_EQ(request(Command::ping), (Words{"PING"}));
}

TEST(Workload, KeysStayInTheKeyspace) {
    std::string out;
    bench::Random random{5};
    std::map<std::string, int> seen;
    for (int i = 0; i < 1'000; ++i) {
        out.clear();
        bench::append_request(out, Command::get, {.keyspace = 10, .value_size = 0}, "", random);
        resp::Parser parser;
        ++seen[std::string{parser.parse(out).args[1]}];
    }
    EXPECT_EQ(seen.size(), 10U);
    EXPECT_EQ(seen.begin()->first, "key:000000000000");
    EXPECT_EQ(seen.rbegin()->first, "key:000000000009");
}

}  // namespace
