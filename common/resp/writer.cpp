// The reply writer: every RESP2 and RESP3 reply type, with RESP2 fallbacks chosen as Redis's
// networking.c chooses them (addReplyNull, addReplyDouble, addReplyMapLen, ...). Introduced in
// lab 3.
#include "resp/writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace resp {

namespace {

constexpr std::string_view crlf = "\r\n";

void append_integer(std::string& out, long long value) {
    char digits[24];
    const auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, end);
}

void append_bulk(std::string& out, std::string_view bytes) {
    out.push_back('$');
    append_integer(out, static_cast<long long>(bytes.size()));
    out.append(crlf);
    out.append(bytes);
    out.append(crlf);
}

// Redis 7.0's text for a double: "inf" and "-inf" spelled out, otherwise printf's %.17g,
// which has enough digits for the value to read back unchanged.
std::string format_double(double value) {
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    if (std::isnan(value)) return "nan";
    char text[64];
    const int length = std::snprintf(text, sizeof text, "%.17g", value);
    return std::string(text, static_cast<std::size_t>(length));
}

}  // namespace

void Writer::header(char type, long long count) {
    out_.push_back(type);
    append_integer(out_, count);
    out_.append(crlf);
}

void Writer::simple_string(std::string_view text) {
    out_.push_back('+');
    out_.append(text);
    out_.append(crlf);
}

void Writer::error(std::string_view message) {
    out_.push_back('-');
    // A CR or LF inside would end the reply early and desynchronise the client.
    for (const char c : message)
        out_.push_back(c == '\r' || c == '\n' ? ' ' : c);
    out_.append(crlf);
}

void Writer::integer(long long value) {
    header(':', value);
}

void Writer::bulk(std::string_view bytes) {
    append_bulk(out_, bytes);
}

void Writer::null_bulk() {
    out_.append(protocol_ == Protocol::resp3 ? "_\r\n" : "$-1\r\n");
}

void Writer::null_array() {
    out_.append(protocol_ == Protocol::resp3 ? "_\r\n" : "*-1\r\n");
}

void Writer::array_header(std::size_t count) {
    header('*', static_cast<long long>(count));
}

void Writer::map_header(std::size_t pairs) {
    if (protocol_ == Protocol::resp3) {
        header('%', static_cast<long long>(pairs));
    } else {
        header('*', static_cast<long long>(pairs * 2));
    }
}

void Writer::set_header(std::size_t count) {
    header(protocol_ == Protocol::resp3 ? '~' : '*', static_cast<long long>(count));
}

void Writer::push_header(std::size_t count) {
    header(protocol_ == Protocol::resp3 ? '>' : '*', static_cast<long long>(count));
}

void Writer::boolean(bool value) {
    if (protocol_ == Protocol::resp3) {
        out_.append(value ? "#t\r\n" : "#f\r\n");
    } else {
        integer(value ? 1 : 0);
    }
}

void Writer::double_value(double value) {
    const std::string text = format_double(value);
    if (protocol_ == Protocol::resp3) {
        out_.push_back(',');
        out_.append(text);
        out_.append(crlf);
    } else {
        bulk(text);
    }
}

void Writer::big_number(std::string_view digits) {
    if (protocol_ == Protocol::resp3) {
        out_.push_back('(');
        out_.append(digits);
        out_.append(crlf);
    } else {
        bulk(digits);
    }
}

void Writer::verbatim(std::string_view format, std::string_view text) {
    if (protocol_ == Protocol::resp2) {
        bulk(text);
        return;
    }
    // The length covers the three-letter format and its colon: "txt:" + text.
    header('=', static_cast<long long>(format.size() + 1 + text.size()));
    out_.append(format);
    out_.push_back(':');
    out_.append(text);
    out_.append(crlf);
}

void encode_command(std::string& out, std::span<const std::string_view> argv) {
    out.push_back('*');
    append_integer(out, static_cast<long long>(argv.size()));
    out.append(crlf);
    for (const std::string_view argument : argv)
        append_bulk(out, argument);
}

void encode_command(std::string& out, std::span<const std::string> argv) {
    out.push_back('*');
    append_integer(out, static_cast<long long>(argv.size()));
    out.append(crlf);
    for (const std::string& argument : argv)
        append_bulk(out, argument);
}

std::string encode_command(std::initializer_list<std::string_view> argv) {
    return encode_command(std::span<const std::string_view>{argv.begin(), argv.size()});
}

std::string encode_command(std::span<const std::string_view> argv) {
    std::string out;
    encode_command(out, argv);
    return out;
}

}  // namespace resp
