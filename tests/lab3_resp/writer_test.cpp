// resp::Writer byte for byte, every type in RESP2 and RESP3, and encode_command() read back by
// the parser. Introduced in lab 3.
#include "resp/writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "resp/parser.hpp"

namespace {

using resp::Protocol;
using resp::Writer;
using namespace std::literals;

// What `write` appends for a client speaking `protocol`.
template <typename Write>
std::string written(Protocol protocol, Write write) {
    std::string out;
    Writer writer{out, protocol};
    write(writer);
    return out;
}

struct Expected {
    std::string name;
    std::string resp2;
    std::string resp3;
};

TEST(Writer, EveryTypeInBothProtocols) {
    using Write = void (*)(Writer&);
    const std::vector<std::pair<Expected, Write>> cases = {
        {{"simple", "+OK\r\n", "+OK\r\n"}, [](Writer& w) { w.simple_string("OK"); }},
        {{"error", "-ERR bad\r\n", "-ERR bad\r\n"}, [](Writer& w) { w.error("ERR bad"); }},
        {{"integer", ":42\r\n", ":42\r\n"}, [](Writer& w) { w.integer(42); }},
        {{"negative", ":-7\r\n", ":-7\r\n"}, [](Writer& w) { w.integer(-7); }},
        {{"min", ":-9223372036854775808\r\n", ":-9223372036854775808\r\n"},
         [](Writer& w) { w.integer(std::numeric_limits<long long>::min()); }},
        {{"bulk", "$5\r\nhello\r\n", "$5\r\nhello\r\n"}, [](Writer& w) { w.bulk("hello"); }},
        {{"empty bulk", "$0\r\n\r\n", "$0\r\n\r\n"}, [](Writer& w) { w.bulk(""); }},
        {{"binary bulk", "$4\r\n\0\r\n\xff\r\n"s, "$4\r\n\0\r\n\xff\r\n"s},
         [](Writer& w) { w.bulk("\0\r\n\xff"s); }},
        {{"null bulk", "$-1\r\n", "_\r\n"}, [](Writer& w) { w.null_bulk(); }},
        {{"null", "$-1\r\n", "_\r\n"}, [](Writer& w) { w.null(); }},
        {{"null array", "*-1\r\n", "_\r\n"}, [](Writer& w) { w.null_array(); }},
        {{"array", "*2\r\n:1\r\n$1\r\na\r\n", "*2\r\n:1\r\n$1\r\na\r\n"},
         [](Writer& w) {
             w.array_header(2);
             w.integer(1);
             w.bulk("a");
         }},
        {{"empty array", "*0\r\n", "*0\r\n"}, [](Writer& w) { w.array_header(0); }},
        {{"map", "*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n",
          "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n"},
         [](Writer& w) {
             w.map_header(2);
             w.bulk("a");
             w.integer(1);
             w.bulk("b");
             w.integer(2);
         }},
        {{"set", "*1\r\n$1\r\nx\r\n", "~1\r\n$1\r\nx\r\n"},
         [](Writer& w) {
             w.set_header(1);
             w.bulk("x");
         }},
        {{"push", "*2\r\n$7\r\nmessage\r\n$2\r\nhi\r\n", ">2\r\n$7\r\nmessage\r\n$2\r\nhi\r\n"},
         [](Writer& w) {
             w.push_header(2);
             w.bulk("message");
             w.bulk("hi");
         }},
        {{"true", ":1\r\n", "#t\r\n"}, [](Writer& w) { w.boolean(true); }},
        {{"false", ":0\r\n", "#f\r\n"}, [](Writer& w) { w.boolean(false); }},
        {{"double", "$3\r\n1.5\r\n", ",1.5\r\n"}, [](Writer& w) { w.double_value(1.5); }},
        {{"double 0.1", "$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n"},
         [](Writer& w) { w.double_value(0.1); }},
        {{"double 3", "$1\r\n3\r\n", ",3\r\n"}, [](Writer& w) { w.double_value(3.0); }},
        {{"inf", "$3\r\ninf\r\n", ",inf\r\n"},
         [](Writer& w) { w.double_value(std::numeric_limits<double>::infinity()); }},
        {{"-inf", "$4\r\n-inf\r\n", ",-inf\r\n"},
         [](Writer& w) { w.double_value(-std::numeric_limits<double>::infinity()); }},
        {{"nan", "$3\r\nnan\r\n", ",nan\r\n"},
         [](Writer& w) { w.double_value(std::numeric_limits<double>::quiet_NaN()); }},
        {{"big number", "$40\r\n3492890328409238509324850943850943825024\r\n",
          "(3492890328409238509324850943850943825024\r\n"},
         [](Writer& w) { w.big_number("3492890328409238509324850943850943825024"); }},
        {{"verbatim", "$11\r\nSome string\r\n", "=15\r\ntxt:Some string\r\n"},
         [](Writer& w) { w.verbatim("txt", "Some string"); }},
    };
    for (const auto& [expected, write] : cases) {
        EXPECT_EQ(written(Protocol::resp2, write), expected.resp2) << expected.name;
        EXPECT_EQ(written(Protocol::resp3, write), expected.resp3) << expected.name;
    }
}

TEST(Writer, ErrorsNeverSpanLines) {
    EXPECT_EQ(written(Protocol::resp2, [](Writer& w) { w.error("ERR a\r\nb"); }), "-ERR a  b\r\n");
}

TEST(Writer, AppendsAfterWhatIsAlreadyThere) {
    std::string out = "+PONG\r\n";
    Writer writer{out};
    writer.integer(1);
    EXPECT_EQ(out, "+PONG\r\n:1\r\n");
    EXPECT_EQ(writer.protocol(), Protocol::resp2);
    writer.set_protocol(Protocol::resp3);
    writer.null();
    EXPECT_EQ(out, "+PONG\r\n:1\r\n_\r\n");
}

TEST(EncodeCommand, WritesAnArrayOfBulkStrings) {
    EXPECT_EQ(resp::encode_command({"SET", "k", "v"}), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
    const std::vector<std::string> owned = {"DEL", "a\r\nb"};
    std::string out;
    resp::encode_command(out, owned);
    EXPECT_EQ(out, "*2\r\n$3\r\nDEL\r\n$4\r\na\r\nb\r\n");
}

TEST(EncodeCommand, ParsesBackToTheSameArguments) {
    const std::vector<std::string_view> argv = {"SET", "", "\0\r\n*1\r\n"sv, "\xff"};
    const std::string bytes = resp::encode_command(argv);
    resp::Parser parser;
    const resp::ParseResult result = parser.parse(bytes);
    ASSERT_EQ(result.status, resp::ParseStatus::complete);
    EXPECT_EQ(result.consumed, bytes.size());
    EXPECT_TRUE(std::ranges::equal(result.args, argv));
}

}  // namespace
