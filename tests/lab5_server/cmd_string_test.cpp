// In-process tests of the string family: SET and its options, GET, GETDEL, GETEX, SETNX,
// SETEX, PSETEX, MGET, MSET, MSETNX, APPEND, STRLEN, GETRANGE, SETRANGE, and the counters.
// Introduced in lab 5.
#include <gtest/gtest.h>

#include <string>

#include "cmd_harness.hpp"

namespace {

using namespace cmd_test;
using namespace std::chrono_literals;
using namespace std::string_literals;

const std::string syntax_error = error("ERR syntax error");
const std::string not_integer = error("ERR value is not an integer or out of range");

TEST_F(CommandTest, SetThenGet) {
    EXPECT_EQ(run({"SET", "k", "v"}), ok);
    EXPECT_EQ(run({"GET", "k"}), bulk("v"));
    EXPECT_EQ(run({"GET", "missing"}), null);
}

TEST_F(CommandTest, GetOfAMissingKeyIsNullInBothProtocols) {
    EXPECT_EQ(run({"GET", "missing"}), "$-1\r\n");
    use_resp3();
    EXPECT_EQ(run({"GET", "missing"}), "_\r\n");
}

TEST_F(CommandTest, SetIsBinarySafe) {
    EXPECT_EQ(run({"SET", "k\0\r\n"s, "v\0\xff"s}), ok);
    EXPECT_EQ(run({"GET", "k\0\r\n"s}), bulk("v\0\xff"s));
}

TEST_F(CommandTest, SetNxAndXx) {
    EXPECT_EQ(run({"SET", "k", "v", "XX"}), null);
    EXPECT_EQ(run({"SET", "k", "v", "NX"}), ok);
    EXPECT_EQ(run({"SET", "k", "w", "NX"}), null);
    EXPECT_EQ(run({"SET", "k", "w", "xx"}), ok);
    EXPECT_EQ(run({"GET", "k"}), bulk("w"));
}

TEST_F(CommandTest, SetGetReturnsTheOldValue) {
    EXPECT_EQ(run({"SET", "k", "v1", "GET"}), null);
    EXPECT_EQ(run({"SET", "k", "v2", "GET"}), bulk("v1"));
    // NX with GET: not set, but the old value is still returned.
    EXPECT_EQ(run({"SET", "k", "v3", "NX", "GET"}), bulk("v2"));
    EXPECT_EQ(run({"GET", "k"}), bulk("v2"));
}

TEST_F(CommandTest, SetOptionErrors) {
    EXPECT_EQ(run({"SET", "k", "v", "NX", "XX"}), syntax_error);
    EXPECT_EQ(run({"SET", "k", "v", "EX", "10", "PX", "10"}), syntax_error);
    EXPECT_EQ(run({"SET", "k", "v", "KEEPTTL", "EX", "10"}), syntax_error);
    EXPECT_EQ(run({"SET", "k", "v", "EX"}), syntax_error);
    EXPECT_EQ(run({"SET", "k", "v", "PERSIST"}), syntax_error);
    EXPECT_EQ(run({"SET", "k", "v", "FOO"}), syntax_error);
    EXPECT_EQ(run({"SET", "k", "v", "EX", "abc"}), not_integer);
    const std::string invalid = error("ERR invalid expire time in 'set' command");
    EXPECT_EQ(run({"SET", "k", "v", "EX", "0"}), invalid);
    EXPECT_EQ(run({"SET", "k", "v", "PX", "-1"}), invalid);
    EXPECT_EQ(run({"SET", "k", "v", "PX", "9223372036854775807"}), invalid);
    EXPECT_EQ(run({"SET", "k", "v", "EX", "9223372036854775"}), invalid);
    EXPECT_EQ(run({"EXISTS", "k"}), integer(0));
}

TEST_F(CommandTest, SetExpiryOptions) {
    EXPECT_EQ(run({"SET", "k", "v", "EX", "10"}), ok);
    EXPECT_EQ(run({"PTTL", "k"}), integer(10'000));
    EXPECT_EQ(run({"SET", "k", "v", "PX", "1500"}), ok);
    EXPECT_EQ(run({"PTTL", "k"}), integer(1'500));
    EXPECT_EQ(run({"SET", "k", "v", "EXAT", std::to_string(now_ms() / 1000 + 20)}), ok);
    EXPECT_EQ(run({"TTL", "k"}), integer(20));
    EXPECT_EQ(run({"SET", "k", "v", "PXAT", std::to_string(now_ms() + 30'000)}), ok);
    EXPECT_EQ(run({"TTL", "k"}), integer(30));
    EXPECT_EQ(run({"SET", "k", "w", "KEEPTTL"}), ok);
    EXPECT_EQ(run({"TTL", "k"}), integer(30));
    EXPECT_EQ(run({"SET", "k", "x"}), ok);  // a plain SET drops the deadline
    EXPECT_EQ(run({"TTL", "k"}), integer(-1));
    EXPECT_EQ(run({"SET", "k", "v", "EX", "1", "EX", "2"}), ok);  // repeated: the last wins
    EXPECT_EQ(run({"TTL", "k"}), integer(2));
}

TEST_F(CommandTest, SetWithADeadlineInThePastDeletesTheKey) {
    given({"SET", "k", "old"});
    EXPECT_EQ(run({"SET", "k", "v", "PXAT", "1"}), ok);
    EXPECT_EQ(run({"EXISTS", "k"}), integer(0));
    EXPECT_EQ(run({"SET", "k", "v", "EXAT", "1"}), ok);
    EXPECT_EQ(run({"GET", "k"}), null);
}

TEST_F(CommandTest, KeysExpireOnTheClock) {
    given({"SET", "k", "v", "PX", "100"});
    clock.advance(100ms);
    EXPECT_EQ(run({"GET", "k"}), bulk("v"));  // alive at its deadline, as Redis
    clock.advance(1ms);
    EXPECT_EQ(run({"GET", "k"}), null);
}

TEST_F(CommandTest, SetnxSetexPsetex) {
    EXPECT_EQ(run({"SETNX", "k", "v"}), integer(1));
    EXPECT_EQ(run({"SETNX", "k", "w"}), integer(0));
    EXPECT_EQ(run({"GET", "k"}), bulk("v"));
    EXPECT_EQ(run({"SETEX", "k", "10", "w"}), ok);
    EXPECT_EQ(run({"TTL", "k"}), integer(10));
    EXPECT_EQ(run({"PSETEX", "k", "2500", "x"}), ok);
    EXPECT_EQ(run({"PTTL", "k"}), integer(2500));
    EXPECT_EQ(run({"GET", "k"}), bulk("x"));
    EXPECT_EQ(run({"SETEX", "k", "0", "v"}), error("ERR invalid expire time in 'setex' command"));
    EXPECT_EQ(run({"PSETEX", "k", "-1", "v"}),
              error("ERR invalid expire time in 'psetex' command"));
    EXPECT_EQ(run({"SETEX", "k", "abc", "v"}), not_integer);
}

TEST_F(CommandTest, Getdel) {
    given({"SET", "k", "v"});
    EXPECT_EQ(run({"GETDEL", "k"}), bulk("v"));
    EXPECT_EQ(run({"GETDEL", "k"}), null);
    EXPECT_EQ(run({"EXISTS", "k"}), integer(0));
}

TEST_F(CommandTest, Getex) {
    EXPECT_EQ(run({"GETEX", "missing", "EX", "abc"}), null);  // looked up before validated
    given({"SET", "k", "v"});
    EXPECT_EQ(run({"GETEX", "k"}), bulk("v"));
    EXPECT_EQ(run({"GETEX", "k", "EX", "100"}), bulk("v"));
    EXPECT_EQ(run({"TTL", "k"}), integer(100));
    EXPECT_EQ(run({"GETEX", "k", "PERSIST"}), bulk("v"));
    EXPECT_EQ(run({"TTL", "k"}), integer(-1));
    EXPECT_EQ(run({"GETEX", "k", "EX", "0"}), error("ERR invalid expire time in 'getex' command"));
    EXPECT_EQ(run({"GETEX", "k", "PERSIST", "EX", "10"}), syntax_error);
    EXPECT_EQ(run({"GETEX", "k", "KEEPTTL"}), syntax_error);
    EXPECT_EQ(run({"GETEX", "k", "NX"}), syntax_error);
    EXPECT_EQ(run({"GETEX", "k", "EXAT", "1"}), bulk("v"));
    EXPECT_EQ(run({"EXISTS", "k"}), integer(0));
}

TEST_F(CommandTest, MgetMsetMsetnx) {
    EXPECT_EQ(run({"MSET", "a", "1", "b", "2"}), ok);
    EXPECT_EQ(run({"MGET", "a", "missing", "b"}), "*3\r\n" + bulk("1") + null + bulk("2"));
    EXPECT_EQ(run({"MSETNX", "c", "3", "a", "9"}), integer(0));
    EXPECT_EQ(run({"EXISTS", "c"}), integer(0));
    EXPECT_EQ(run({"MSETNX", "c", "3", "d", "4"}), integer(1));
    EXPECT_EQ(run({"MGET", "c", "d"}), "*2\r\n" + bulk("3") + bulk("4"));
    EXPECT_EQ(run({"MSETNX", "a", "1", "b"}),
              error("ERR wrong number of arguments for 'msetnx' command"));
    use_resp3();
    EXPECT_EQ(run({"MGET", "missing"}), "*1\r\n_\r\n");
}

TEST_F(CommandTest, AppendAndStrlen) {
    EXPECT_EQ(run({"APPEND", "k", "Hello"}), integer(5));
    EXPECT_EQ(run({"APPEND", "k", " World"}), integer(11));
    EXPECT_EQ(run({"GET", "k"}), bulk("Hello World"));
    EXPECT_EQ(run({"STRLEN", "k"}), integer(11));
    EXPECT_EQ(run({"STRLEN", "missing"}), integer(0));
}

TEST_F(CommandTest, AppendKeepsTheDeadline) {
    given({"SET", "k", "v", "EX", "100"});
    EXPECT_EQ(run({"APPEND", "k", "w"}), integer(2));
    EXPECT_EQ(run({"TTL", "k"}), integer(100));
}

TEST_F(CommandTest, Getrange) {
    given({"SET", "k", "This is a string"});
    EXPECT_EQ(run({"GETRANGE", "k", "0", "3"}), bulk("This"));
    EXPECT_EQ(run({"GETRANGE", "k", "-3", "-1"}), bulk("ing"));
    EXPECT_EQ(run({"GETRANGE", "k", "0", "-1"}), bulk("This is a string"));
    EXPECT_EQ(run({"GETRANGE", "k", "10", "100"}), bulk("string"));
    EXPECT_EQ(run({"GETRANGE", "k", "5", "3"}), bulk(""));
    EXPECT_EQ(run({"GETRANGE", "k", "-1", "-5"}), bulk(""));
    EXPECT_EQ(run({"GETRANGE", "k", "-100", "2"}), bulk("Thi"));
    EXPECT_EQ(run({"GETRANGE", "k", "100", "200"}), bulk(""));
    EXPECT_EQ(run({"GETRANGE", "missing", "0", "-1"}), bulk(""));
    EXPECT_EQ(run({"GETRANGE", "k", "a", "b"}), not_integer);
}

TEST_F(CommandTest, SetrangePadsWithZeroBytes) {
    EXPECT_EQ(run({"SETRANGE", "k", "5", "ab"}), integer(7));
    EXPECT_EQ(run({"GET", "k"}), bulk("\0\0\0\0\0ab"s));
    EXPECT_EQ(run({"SETRANGE", "k", "0", "xyz"}), integer(7));
    EXPECT_EQ(run({"GET", "k"}), bulk("xyz\0\0ab"s));
    EXPECT_EQ(run({"SETRANGE", "k", "1", ""}), integer(7));
    EXPECT_EQ(run({"SETRANGE", "empty", "3", ""}), integer(0));
    EXPECT_EQ(run({"EXISTS", "empty"}), integer(0));
}

TEST_F(CommandTest, SetrangeLimits) {
    EXPECT_EQ(run({"SETRANGE", "k", "-1", "x"}), error("ERR offset is out of range"));
    EXPECT_EQ(run({"SETRANGE", "k", "536870912", "x"}),
              error("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
    EXPECT_EQ(run({"SETRANGE", "k", "536870911", ""}), integer(0));
}

TEST_F(CommandTest, IncrDecr) {
    EXPECT_EQ(run({"INCR", "n"}), integer(1));
    EXPECT_EQ(run({"INCRBY", "n", "10"}), integer(11));
    EXPECT_EQ(run({"DECR", "n"}), integer(10));
    EXPECT_EQ(run({"DECRBY", "n", "20"}), integer(-10));
    EXPECT_EQ(run({"GET", "n"}), bulk("-10"));
    EXPECT_EQ(run({"INCRBY", "n", "abc"}), not_integer);
}

TEST_F(CommandTest, IncrRefusesWhatIsNotAnInteger) {
    for (const char* value : {"abc", " 1", "1 ", "+1", "01", "1.5", "", "99999999999999999999"}) {
        given({"SET", "n", value});
        EXPECT_EQ(run({"INCR", "n"}), not_integer) << value;
    }
}

TEST_F(CommandTest, IncrOverflow) {
    given({"SET", "n", "9223372036854775807"});
    EXPECT_EQ(run({"INCR", "n"}), error("ERR increment or decrement would overflow"));
    given({"SET", "n", "-9223372036854775808"});
    EXPECT_EQ(run({"DECR", "n"}), error("ERR increment or decrement would overflow"));
    EXPECT_EQ(run({"DECRBY", "n", "-9223372036854775808"}), error("ERR decrement would overflow"));
    EXPECT_EQ(run({"GET", "n"}), bulk("-9223372036854775808"));
}

TEST_F(CommandTest, IncrKeepsTheDeadline) {
    given({"SET", "n", "1", "EX", "50"});
    EXPECT_EQ(run({"INCR", "n"}), integer(2));
    EXPECT_EQ(run({"TTL", "n"}), integer(50));
}

TEST_F(CommandTest, IncrbyfloatFormatting) {
    given({"SET", "f", "10.50"});
    EXPECT_EQ(run({"INCRBYFLOAT", "f", "0.1"}), bulk("10.6"));
    EXPECT_EQ(run({"INCRBYFLOAT", "new", "5.0e3"}), bulk("5000"));
    given({"SET", "n", "5"});
    EXPECT_EQ(run({"INCRBYFLOAT", "n", "5.0e3"}), bulk("5005"));
    given({"SET", "m", "3"});
    EXPECT_EQ(run({"INCRBYFLOAT", "m", "-3"}), bulk("0"));
    EXPECT_EQ(run({"INCRBYFLOAT", "h", "0x10"}), bulk("16"));
    // Never an exponent: 1e308 + 1e308 fits a long double and prints every digit, as Redis.
    given({"SET", "big", "1e308"});
    const std::string sum = run({"INCRBYFLOAT", "big", "1e308"});
    EXPECT_EQ(sum.substr(0, 12), "$309\r\n199999");
}

TEST_F(CommandTest, IncrbyfloatErrors) {
    const std::string not_float = error("ERR value is not a valid float");
    EXPECT_EQ(run({"INCRBYFLOAT", "f", "abc"}), not_float);
    EXPECT_EQ(run({"INCRBYFLOAT", "f", " 1"}), not_float);
    EXPECT_EQ(run({"INCRBYFLOAT", "f", "1 "}), not_float);
    EXPECT_EQ(run({"INCRBYFLOAT", "f", "nan"}), not_float);
    EXPECT_EQ(run({"INCRBYFLOAT", "f", "inf"}),
              error("ERR increment would produce NaN or Infinity"));
    given({"SET", "s", "text"});
    EXPECT_EQ(run({"INCRBYFLOAT", "s", "1"}), not_float);
    EXPECT_EQ(run({"EXISTS", "f"}), integer(0));
}

}  // namespace
