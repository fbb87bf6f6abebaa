// Splitting an inline command into arguments with Redis's quoting rules (sdssplitargs).
// Introduced in lab 3.
#include "resp/inline_args.hpp"

#include <utility>

namespace resp {

namespace {

// isspace() in the C locale, without its locale lookup and its undefined behaviour on
// negative chars.
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool is_hex_digit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
}

// The characters that end an unquoted word. Note: not \v or \f, which sdssplitargs keeps
// inside a word although it skips them between words.
bool ends_word(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// Reads the line like a C string: past the end is '\0', which is where sdssplitargs stops.
class Cursor {
public:
    explicit Cursor(std::string_view line) : line_{line} {}
    [[nodiscard]] char at(std::size_t index) const {
        return index < line_.size() ? line_[index] : '\0';
    }

private:
    std::string_view line_;
};

// One word that contains quotes, decoded from `start`; returns the index just past it, or
// std::string_view::npos for unbalanced quotes. Mirrors sdssplitargs's inner loop.
std::size_t decode_word(std::string_view line, std::size_t start, std::string& word) {
    const Cursor cursor{line};
    bool in_double = false;
    bool in_single = false;
    std::size_t i = start;
    for (bool done = false; !done;) {
        const char c = cursor.at(i);
        if (in_double) {
            if (c == '\\' && cursor.at(i + 1) == 'x' && is_hex_digit(cursor.at(i + 2)) &&
                is_hex_digit(cursor.at(i + 3))) {
                word.push_back(static_cast<char>(hex_value(cursor.at(i + 2)) * 16 +
                                                 hex_value(cursor.at(i + 3))));
                i += 3;
            } else if (c == '\\' && cursor.at(i + 1) != '\0') {
                ++i;
                switch (cursor.at(i)) {
                    case 'n':
                        word.push_back('\n');
                        break;
                    case 'r':
                        word.push_back('\r');
                        break;
                    case 't':
                        word.push_back('\t');
                        break;
                    case 'b':
                        word.push_back('\b');
                        break;
                    case 'a':
                        word.push_back('\a');
                        break;
                    default:
                        word.push_back(cursor.at(i));
                        break;
                }
            } else if (c == '"') {
                // A closing quote must be followed by a space or nothing at all.
                if (cursor.at(i + 1) != '\0' && !is_space(cursor.at(i + 1)))
                    return std::string_view::npos;
                done = true;
            } else if (c == '\0') {
                return std::string_view::npos;  // never closed
            } else {
                word.push_back(c);
            }
        } else if (in_single) {
            if (c == '\\' && cursor.at(i + 1) == '\'') {
                ++i;
                word.push_back('\'');
            } else if (c == '\'') {
                if (cursor.at(i + 1) != '\0' && !is_space(cursor.at(i + 1)))
                    return std::string_view::npos;
                done = true;
            } else if (c == '\0') {
                return std::string_view::npos;
            } else {
                word.push_back(c);
            }
        } else if (ends_word(c) || c == '\0') {
            done = true;
        } else if (c == '"') {
            in_double = true;
        } else if (c == '\'') {
            in_single = true;
        } else {
            word.push_back(c);
        }
        if (cursor.at(i) != '\0') ++i;
    }
    return i;
}

}  // namespace

bool split_inline_arguments(std::string_view line, std::vector<ArgumentSlice>& out,
                            std::vector<std::string>& decoded) {
    // sdssplitargs reads a C string: everything from the first \0 on is not there.
    line = line.substr(0, line.find('\0'));
    std::size_t i = 0;
    for (;;) {
        while (i < line.size() && is_space(line[i]))
            ++i;
        if (i == line.size()) return true;

        // Fast path: a plain word is a slice of the line, with no copy.
        std::size_t end = i;
        while (end < line.size() && !ends_word(line[end]) && line[end] != '"' && line[end] != '\'')
            ++end;
        if (end == line.size() || ends_word(line[end])) {
            out.push_back({.position = i, .length = end - i, .decoded = false});
            i = end;
            continue;
        }

        // A quote: decode the word (from its start, since `ab"cd"` is one word) into owned text.
        std::string word;
        const std::size_t next = decode_word(line, i, word);
        if (next == std::string_view::npos) return false;
        out.push_back({.position = decoded.size(), .length = word.size(), .decoded = true});
        decoded.push_back(std::move(word));
        i = next;
    }
}

}  // namespace resp
