// Splitting an inline command (`SET "my key" 'a value'`) into arguments with Redis's quoting
// rules, those of sdssplitargs() in sds.c. Introduced in lab 3; used by resp::Parser.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace resp {

/// Where one argument's bytes are: a slice of the input itself (no copy), or, for an inline
/// word with quotes or escapes, a string that was decoded into separate storage.
struct ArgumentSlice {
    std::size_t position = 0;  ///< offset in the input, or index into the decoded strings
    std::size_t length = 0;    ///< length of the slice; unused when decoded
    bool decoded = false;
};

/// Splits `line` (without its line ending) into arguments, appending them to `out` and the
/// decoded text of quoted words to `decoded`. Returns false on unbalanced quotes: a quote that
/// is never closed, or a closing quote followed by something other than a space.
///
/// The rules, as Redis applies them:
///   - words are separated by runs of whitespace;
///   - `"..."` understands `\n \r \t \b \a \\ \"` and `\xHH`; any other `\c` is `c`;
///   - `'...'` understands only `\'`;
///   - a quote may start in the middle of a word (`a"b c"` is the one argument `ab c`), but a
///     closing quote must be followed by whitespace or the end of the line;
///   - a `\0` byte ends the line, because Redis splits a C string.
[[nodiscard]] bool split_inline_arguments(std::string_view line, std::vector<ArgumentSlice>& out,
                                          std::vector<std::string>& decoded);

}  // namespace resp
