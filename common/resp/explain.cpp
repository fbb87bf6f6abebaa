// Human-readable renderings of RESP: escaped bytes, commands as quoted words, replies in
// redis-cli's style. Introduced in lab 3.
#include "resp/explain.hpp"

#include <charconv>
#include <cstdio>
#include <optional>

namespace resp {

namespace {

// A double quote is escaped only when the text is shown between double quotes.
void append_escaped(std::string& out, std::string_view bytes, bool in_quotes) {
    for (const char c : bytes) {
        if (c == '"' && in_quotes) {
            out += "\\\"";
            continue;
        }
        switch (c) {
            case '\r':
                out += "\\r";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\\':
                out += "\\\\";
                break;
            default:
                if (c >= 0x20 && c < 0x7f) {
                    out.push_back(c);
                } else {
                    char hex[5];
                    std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
                    out += hex;
                }
        }
    }
}

std::string quoted(std::string_view bytes) {
    std::string out = "\"";
    append_escaped(out, bytes, true);
    out += '"';
    return out;
}

// Reads one reply from `reply` at `position` and renders it; nothing if it is not well formed.
// Only this file's trusted input (what resp::Writer wrote) is expected, so it is kept simple.
class ReplyReader {
public:
    explicit ReplyReader(std::string_view reply) : reply_{reply} {}

    std::optional<std::string> read() {
        const auto line = read_line();
        if (!line || line->empty()) return std::nullopt;
        const char type = line->front();
        const std::string_view rest = line->substr(1);
        switch (type) {
            case '+':
                return std::string{rest};
            case '-':
                return "(error) " + std::string{rest};
            case ':':
                return "(integer) " + std::string{rest};
            case '$':
                return read_bulk(rest);
            case '*':
                return read_array(rest);
            default:
                return std::nullopt;
        }
    }

    [[nodiscard]] bool at_end() const { return position_ == reply_.size(); }

private:
    std::optional<std::string_view> read_line() {
        const std::size_t end = reply_.find("\r\n", position_);
        if (end == std::string_view::npos) return std::nullopt;
        const std::string_view line = reply_.substr(position_, end - position_);
        position_ = end + 2;
        return line;
    }

    static std::optional<long long> number(std::string_view text) {
        long long value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
        return value;
    }

    std::optional<std::string> read_bulk(std::string_view length_text) {
        const auto length = number(length_text);
        if (!length) return std::nullopt;
        if (*length < 0) return "(nil)";
        const auto size = static_cast<std::size_t>(*length);
        if (reply_.size() - position_ < size + 2) return std::nullopt;
        const std::string_view bytes = reply_.substr(position_, size);
        position_ += size + 2;
        return quoted(bytes);
    }

    std::optional<std::string> read_array(std::string_view count_text) {
        const auto count = number(count_text);
        if (!count) return std::nullopt;
        if (*count < 0) return "(nil)";
        if (*count == 0) return "(empty array)";
        std::string out;
        for (long long i = 1; i <= *count; ++i) {
            const auto element = read();
            if (!element) return std::nullopt;
            if (i > 1) out += ' ';
            out += std::to_string(i) + ") " + *element;
        }
        return out;
    }

    std::string_view reply_;
    std::size_t position_ = 0;
};

}  // namespace

std::string escape_bytes(std::string_view bytes) {
    std::string out;
    append_escaped(out, bytes, false);
    return out;
}

std::string describe_command(std::span<const std::string_view> argv) {
    std::string out;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        if (i > 0) out += ' ';
        // The name bare, as it selects a command; arguments quoted, as they are data.
        out += i == 0 ? escape_bytes(argv[i]) : quoted(argv[i]);
    }
    return out;
}

std::string describe_reply(std::string_view reply) {
    ReplyReader reader{reply};
    const auto described = reader.read();
    if (!described || !reader.at_end()) return escape_bytes(reply);
    return *described;
}

}  // namespace resp
