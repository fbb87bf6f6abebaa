// libFuzzer target for resp::Parser, multibulk and inline requests: random bytes must never
// crash it, hang it, or break its contract (consumed within the input, views inside the buffer,
// no argument past the limits, the same commands however the bytes are split, encode-then-parse
// gives the arguments back). Introduced in lab 3.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "resp/explain.hpp"
#include "resp/parser.hpp"
#include "resp/writer.hpp"

namespace {

// What one pass over an input produced: the commands, then how it stopped.
struct Transcript {
    std::vector<std::vector<std::string>> commands;
    resp::ParseStatus last = resp::ParseStatus::need_more;
    std::string message;
    std::size_t offset = 0;  // bytes the caller had consumed when it stopped
};

// A failed invariant: stop here so libFuzzer saves the input that broke it.
void require(bool condition) {
    if (!condition) std::abort();
}

bool inside(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() &&
                            part.data() + part.size() <= whole.data() + whole.size());
}

// Encoding the arguments and parsing them again must give them back, whole and alone.
void check_round_trip(std::span<const std::string_view> args) {
    const std::string encoded = resp::encode_command(args);
    resp::Parser parser;
    const resp::ParseResult again = parser.parse(encoded);
    require(again.status == resp::ParseStatus::complete);
    require(again.consumed == encoded.size());
    require(again.args.size() == args.size());
    for (std::size_t i = 0; i < args.size(); ++i)
        require(again.args[i] == args[i]);
}

// Parses `buffer` from `transcript.offset` until it needs more or fails, checking every result.
void run(resp::Parser& parser, std::string_view buffer, Transcript& transcript) {
    const resp::Limits& limits = parser.limits();
    for (;;) {
        const resp::ParseResult result = parser.parse(buffer, transcript.offset);
        require(result.consumed <= buffer.size() - transcript.offset);
        transcript.offset += result.consumed;
        transcript.last = result.status;
        if (result.status == resp::ParseStatus::error) {
            require(!result.message.empty());
            transcript.message = std::string{result.message};
            return;
        }
        if (result.status == resp::ParseStatus::need_more) return;
        require(!result.args.empty());
        require(result.consumed > 0);
        std::vector<std::string> command;
        for (const std::string_view argument : result.args) {
            // Array arguments are views of the input; inline ones may be decoded copies, never
            // longer than their line. Neither kind gets past the limits.
            if (result.framing == resp::Framing::multibulk) {
                require(inside(argument, buffer));
                require(std::ssize(argument) <= limits.max_bulk_length);
            } else {
                require(limits.inline_commands == resp::InlineCommands::accept);
                require(argument.size() <= limits.max_inline_size);
            }
            command.emplace_back(argument);
        }
        check_round_trip(result.args);
        transcript.commands.push_back(std::move(command));
    }
}

// Feeds `input` to a new parser in pieces that end at `ends` (ascending, the last one the
// input's size), the caller dropping the consumed prefix after each, as a server does.
Transcript in_pieces(const resp::Limits& limits, std::string_view input,
                     const std::vector<std::size_t>& ends) {
    resp::Parser parser{limits};
    Transcript transcript;
    std::string buffer;
    std::size_t dropped = 0;  // bytes erased from the front of `buffer` so far
    std::size_t delivered = 0;
    for (const std::size_t end : ends) {
        buffer.append(input.substr(delivered, end - delivered));
        delivered = end;
        run(parser, buffer, transcript);
        if (transcript.last == resp::ParseStatus::error) break;
        buffer.erase(0, transcript.offset);
        dropped += transcript.offset;
        transcript.offset = 0;
    }
    transcript.offset += dropped;
    return transcript;
}

void same_ending(const Transcript& whole, const Transcript& pieces) {
    require(pieces.commands == whole.commands);
    require(pieces.last == whole.last);
    require(pieces.message == whole.message);
    require(pieces.offset == whole.offset);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    // The first byte picks the limits (small ones reach the "too big" paths with short inputs)
    // and where to split the rest; the remaining bytes are the stream.
    const std::uint8_t control = data[0];
    resp::Limits limits;
    if (control & 1) {
        limits.max_inline_size = 16;
        limits.max_bulk_length = 32;
    }
    if (control & 2) limits.inline_commands = resp::InlineCommands::reject;
    const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::size_t split = (control >> 2) % (input.size() + 1);

    // In one piece.
    resp::Parser whole_parser{limits};
    Transcript whole;
    run(whole_parser, input, whole);

    // However the bytes arrive, the same commands and the same ending: in two pieces, and in
    // pieces of a few bytes (at most 256 calls, so long inputs stay fast).
    same_ending(whole, in_pieces(limits, input, {split, input.size()}));
    const std::size_t step = std::max<std::size_t>(1 + (control >> 4), input.size() / 256);
    std::vector<std::size_t> ends;
    for (std::size_t end = step; end < input.size() + step; end += step)
        ends.push_back(std::min(end, input.size()));
    same_ending(whole, in_pieces(limits, input, ends));

    (void)resp::describe_reply(input);
    return 0;
}
