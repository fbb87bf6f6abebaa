// libFuzzer target for resp::Parser: random bytes must never crash it, hang it, or break its
// contract (consumed within the input, views inside the buffer, the same commands however the
// bytes are split, encode-then-parse gives the arguments back). Introduced in lab 3.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
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
            // Array arguments are views of the input; inline ones may be decoded copies.
            if (result.framing == resp::Framing::multibulk) require(inside(argument, buffer));
            command.emplace_back(argument);
        }
        check_round_trip(result.args);
        transcript.commands.push_back(std::move(command));
    }
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

    // In two pieces, the caller dropping the consumed prefix in between, as a server does.
    resp::Parser split_parser{limits};
    Transcript pieces;
    std::string buffer = input.substr(0, split);
    run(split_parser, buffer, pieces);
    if (pieces.last != resp::ParseStatus::error) {
        const std::size_t dropped = pieces.offset;
        buffer.erase(0, dropped);
        buffer += input.substr(split);
        pieces.offset = 0;
        run(split_parser, buffer, pieces);
        pieces.offset += dropped;
    }

    // However the bytes arrive, the same commands and the same ending.
    require(pieces.commands == whole.commands);
    require(pieces.last == whole.last);
    require(pieces.message == whole.message);
    require(pieces.offset == whole.offset);

    (void)resp::describe_reply(input);
    return 0;
}
