// The incremental RESP request parser: a small state machine over a caller-owned buffer, with
// Redis 7's limits and error messages (networking.c). Introduced in lab 3.
#include "resp/parser.hpp"

#include <algorithm>
#include <limits>

namespace resp {

namespace {

// Redis's string2ll(): an optional '-', then digits without a leading zero ("0" alone is
// fine), nothing else, and no overflow. Each step checks before it multiplies, so a length of
// a hundred digits is rejected instead of wrapping around to something small.
std::optional<std::int64_t> parse_length(std::string_view text) {
    constexpr std::size_t longest = 20;  // Redis's LONG_STR_SIZE - 1: "-9223372036854775808"
    if (text.empty() || text.size() > longest) return std::nullopt;
    if (text == "0") return 0;
    bool negative = false;
    if (text.front() == '-') {
        negative = true;
        text.remove_prefix(1);
        if (text.empty()) return std::nullopt;
    }
    if (text.front() < '1' || text.front() > '9') return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (negative) {
        if (value > max + 1) return std::nullopt;
        return value == max + 1 ? std::numeric_limits<std::int64_t>::min()
                                : -static_cast<std::int64_t>(value);
    }
    if (value > max) return std::nullopt;
    return static_cast<std::int64_t>(value);
}

ParseResult need_more(std::size_t skipped) {
    return {.status = ParseStatus::need_more, .consumed = skipped};
}

}  // namespace

std::string protocol_error_message(ProtocolError error, char got) {
    const std::string prefix = "ERR Protocol error: ";
    switch (error) {
        case ProtocolError::none:
            return {};
        case ProtocolError::invalid_multibulk_length:
            return prefix + "invalid multibulk length";
        case ProtocolError::invalid_bulk_length:
            return prefix + "invalid bulk length";
        case ProtocolError::unauthenticated_multibulk_length:
            return prefix + "unauthenticated multibulk length";
        case ProtocolError::unauthenticated_bulk_length:
            return prefix + "unauthenticated bulk length";
        case ProtocolError::expected_dollar:
            return prefix + "expected '$', got '" + got + "'";
        case ProtocolError::expected_star:
            return prefix + "expected '*', got '" + got + "'";
        case ProtocolError::too_big_inline_request:
            return prefix + "too big inline request";
        case ProtocolError::too_big_mbulk_count_string:
            return prefix + "too big mbulk count string";
        case ProtocolError::too_big_bulk_count_string:
            return prefix + "too big bulk count string";
        case ProtocolError::unbalanced_quotes:
            return prefix + "unbalanced quotes in request";
    }
    return {};
}

Parser::Parser(Limits limits) : limits_{limits} {}

void Parser::reset() {
    start_command();
    owned_.clear();
    args_.clear();
    failure_ = {};
    message_.clear();
}

bool Parser::idle() const {
    return state_ == State::start && scanned_ == 0;
}

void Parser::start_command() {
    state_ = State::start;
    position_ = 0;
    scanned_ = 0;
    remaining_ = 0;
    bulk_length_ = 0;
    slices_.clear();
}

ParseResult Parser::parse(std::string_view buffer, std::size_t offset) {
    if (state_ == State::failed) {
        ParseResult again = failure_;
        again.consumed = 0;        // the caller already stepped over the bytes before the error
        again.message = message_;  // not failure_'s view: the parser may have been moved
        return again;
    }
    // The previous result's views die here: owned_ only ever backs the last complete command.
    args_.clear();
    owned_.clear();
    offset = std::min(offset, buffer.size());

    std::size_t skipped = 0;
    for (;;) {
        const std::string_view command = buffer.substr(offset + skipped);
        std::optional<ParseResult> result;
        if (state_ == State::start && command.empty()) return need_more(skipped);
        if (state_ == State::start && command.front() == '*') state_ = State::array_count;

        if (state_ != State::start) {
            result = parse_multibulk(command, skipped);
        } else if (limits_.inline_commands == InlineCommands::reject) {
            return fail(ProtocolError::expected_star, skipped, command.front());
        } else {
            result = parse_inline(command, skipped);
        }
        if (result) return *result;
        // A request with no arguments: Redis skips it and reads on.
        skipped += position_;
        start_command();
    }
}

std::size_t Parser::find_line_end(std::string_view command, std::size_t start, char terminator,
                                  bool& too_long) {
    too_long = false;
    // Resume the search where the previous call stopped, so a long line that trickles in is
    // scanned once, not once per arrival.
    const std::size_t end = command.find(terminator, std::max(start, scanned_));
    if (end == std::string_view::npos) {
        scanned_ = command.size();
        too_long = command.size() - start > limits_.max_inline_size;
        return end;
    }
    scanned_ = end;
    // The same verdict whether the terminator came in this read or a later one: a line over the
    // limit is an error even when its end is already here (Redis only looks when it is not).
    too_long = end - start > limits_.max_inline_size;
    return too_long ? std::string_view::npos : end;
}

// *<count>\r\n then <count> times $<length>\r\n<bytes>\r\n
std::optional<ParseResult> Parser::parse_multibulk(std::string_view command, std::size_t skipped) {
    // A caller that broke the contract (fewer bytes than last time) gets "need more", not a
    // read past the end of its buffer.
    if (command.size() < position_) return need_more(skipped);
    bool too_long = false;
    if (state_ == State::array_count) {
        // Like Redis: the line ends at '\r', and the byte after it must have arrived (it is
        // skipped, not checked).
        const std::size_t end = find_line_end(command, 0, '\r', too_long);
        if (too_long) return fail(ProtocolError::too_big_mbulk_count_string, skipped);
        if (end == std::string_view::npos || end + 1 >= command.size()) return need_more(skipped);
        const auto count = parse_length(command.substr(1, end - 1));
        if (!count || *count > max_multibulk_length)
            return fail(ProtocolError::invalid_multibulk_length, skipped);
        // Redis's order: a count that is invalid for anyone first, then the stranger's limit.
        if (*count > unauthenticated_max_multibulk_length &&
            limits_.authentication == Authentication::pending)
            return fail(ProtocolError::unauthenticated_multibulk_length, skipped);
        position_ = scanned_ = end + 2;
        if (*count <= 0) return std::nullopt;  // `*0` and `*-1`: no command
        remaining_ = *count;
        // Trust the count only so far: a client claiming a billion elements gets room for 1024,
        // and the list grows as elements really arrive (Redis does the same with argv).
        slices_.reserve(static_cast<std::size_t>(std::min<std::int64_t>(*count, 1024)));
        state_ = State::bulk_length;
    }
    while (remaining_ > 0) {
        if (state_ == State::bulk_length) {
            const std::size_t end = find_line_end(command, position_, '\r', too_long);
            if (too_long) return fail(ProtocolError::too_big_bulk_count_string, skipped);
            if (end == std::string_view::npos || end + 1 >= command.size())
                return need_more(skipped);
            if (command[position_] != '$')
                return fail(ProtocolError::expected_dollar, skipped, command[position_]);
            const auto length = parse_length(command.substr(position_ + 1, end - position_ - 1));
            // Checked before anything is reserved or awaited for it.
            if (!length || *length < 0 || *length > limits_.max_bulk_length)
                return fail(ProtocolError::invalid_bulk_length, skipped);
            if (*length > unauthenticated_max_bulk_length &&
                limits_.authentication == Authentication::pending)
                return fail(ProtocolError::unauthenticated_bulk_length, skipped);
            bulk_length_ = *length;
            position_ = scanned_ = end + 2;
            state_ = State::bulk_data;
        }
        // The bytes and the two after them, which Redis skips without checking for CRLF.
        // Nothing is copied: the argument will be a view of the buffer.
        const auto length = static_cast<std::size_t>(bulk_length_);
        if (command.size() - position_ < length + 2) return need_more(skipped);
        slices_.push_back({.position = position_, .length = length, .decoded = false});
        position_ = scanned_ = position_ + length + 2;
        --remaining_;
        state_ = State::bulk_length;
    }
    return finish(command, skipped, Framing::multibulk);
}

// Any line that does not start with '*': words separated by spaces, ended by \n or \r\n.
std::optional<ParseResult> Parser::parse_inline(std::string_view command, std::size_t skipped) {
    bool too_long = false;
    const std::size_t end = find_line_end(command, 0, '\n', too_long);
    if (too_long) return fail(ProtocolError::too_big_inline_request, skipped);
    if (end == std::string_view::npos) return need_more(skipped);
    const std::size_t line_length = end > 0 && command[end - 1] == '\r' ? end - 1 : end;
    if (!split_inline_arguments(command.substr(0, line_length), slices_, owned_))
        return fail(ProtocolError::unbalanced_quotes, skipped);
    position_ = end + 1;
    if (slices_.empty()) return std::nullopt;  // an empty line, as telnet sends on Enter
    return finish(command, skipped, Framing::inline_command);
}

ParseResult Parser::fail(ProtocolError error, std::size_t skipped, char got) {
    start_command();
    state_ = State::failed;
    message_ = protocol_error_message(error, got);
    failure_ = {.status = ParseStatus::error, .consumed = skipped, .error = error};
    failure_.message = message_;
    return failure_;
}

ParseResult Parser::finish(std::string_view command, std::size_t skipped, Framing framing) {
    args_.reserve(slices_.size());
    for (const ArgumentSlice& slice : slices_) {
        args_.push_back(slice.decoded ? std::string_view{owned_[slice.position]}
                                      : command.substr(slice.position, slice.length));
    }
    const std::size_t consumed = skipped + position_;
    start_command();
    return {
        .status = ParseStatus::complete, .consumed = consumed, .args = args_, .framing = framing};
}

}  // namespace resp
