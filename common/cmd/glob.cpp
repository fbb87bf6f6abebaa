// A port of Redis's stringmatchlen_impl() (util.c) to std::string_view, including its guard
// against exponential backtracking on patterns like `a*a*a*a*b`. Introduced in lab 5.
#include "cmd/glob.hpp"

#include <cctype>

namespace cmd {

namespace {

// Redis reads one byte past a pattern's end where its C string has a terminator; at() gives
// that terminator instead of reading out of bounds.
char at(std::string_view text, std::size_t index) {
    return index < text.size() ? text[index] : '\0';
}

int fold(int byte, Case letter_case) {
    return letter_case == Case::insensitive ? std::tolower(byte & 0xff) : byte;
}

bool same(char left, char right, Case letter_case) {
    return fold(left, letter_case) == fold(right, letter_case);
}

// Matches the class starting just after `[`; advances `pattern` to its `]` (or to the
// pattern's last byte when the class is not closed). True when `byte` is in the class.
bool match_class(std::string_view& pattern, char byte, Case letter_case) {
    const bool negate = at(pattern, 0) == '^';
    if (negate) pattern.remove_prefix(1);
    bool match = false;
    for (;;) {
        if (at(pattern, 0) == '\\' && pattern.size() >= 2) {
            pattern.remove_prefix(1);
            if (pattern[0] == byte) match = true;
        } else if (at(pattern, 0) == ']') {
            break;
        } else if (pattern.empty()) {
            break;  // unclosed class: Redis steps back onto the last byte, we stop here
        } else if (pattern.size() >= 3 && pattern[1] == '-') {
            // Plain char, as Redis: signed on x86, so bytes >= 0x80 sort below ASCII.
            int start = fold(pattern[0], letter_case);
            int end = fold(pattern[2], letter_case);
            if (start > end) std::swap(start, end);
            const int value = fold(byte, letter_case);
            if (value >= start && value <= end) match = true;
            pattern.remove_prefix(2);
        } else if (same(pattern[0], byte, letter_case)) {
            match = true;
        }
        pattern.remove_prefix(1);
    }
    return negate ? !match : match;
}

bool match_from(std::string_view pattern, std::string_view text, Case letter_case,
                bool& skip_longer) {
    while (!pattern.empty() && !text.empty()) {
        switch (pattern[0]) {
            case '*':
                while (at(pattern, 1) == '*')
                    pattern.remove_prefix(1);
                if (pattern.size() == 1) return true;
                while (!text.empty()) {
                    if (match_from(pattern.substr(1), text, letter_case, skip_longer)) return true;
                    if (skip_longer) return false;
                    text.remove_prefix(1);
                }
                // The rest of the pattern matches nowhere in the rest of the text, so an
                // earlier `*` swallowing more cannot help either: stop every level.
                skip_longer = true;
                return false;
            case '?':
                text.remove_prefix(1);
                break;
            case '[': {
                pattern.remove_prefix(1);
                if (!match_class(pattern, text[0], letter_case)) return false;
                text.remove_prefix(1);
                // An unclosed class used up the pattern: nothing is left to step over.
                if (pattern.empty()) return text.empty();
                break;
            }
            case '\\':
                if (pattern.size() >= 2) pattern.remove_prefix(1);
                [[fallthrough]];
            default:
                if (!same(pattern[0], text[0], letter_case)) return false;
                text.remove_prefix(1);
                break;
        }
        pattern.remove_prefix(1);
        if (text.empty()) {
            while (at(pattern, 0) == '*')
                pattern.remove_prefix(1);
            break;
        }
    }
    return pattern.empty() && text.empty();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text, Case letter_case) {
    bool skip_longer = false;
    return match_from(pattern, text, letter_case, skip_longer);
}

}  // namespace cmd
