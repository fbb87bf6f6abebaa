// Lab 3's five commands (PING, ECHO, SET, GET, DEL) run against the keyspace, replying through
// a resp::Writer. Introduced in lab 3 for its milestone; lab 5's cmd/ layer replaces it with
// the full command table. The one file of resp/ that knows the store (see README.md).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "resp/writer.hpp"
#include "store/keyspace.hpp"

namespace resp {

/// A tiny command table: name, arity and handler, with the arity and unknown-command checks
/// done once, before any handler runs, so no handler counts its own arguments.
///
/// Arity follows Redis: a positive number is exact (GET is 2: the name and the key), a negative
/// one is a minimum (DEL is -2: the name and at least one key).
class BasicCommands {
public:
    explicit BasicCommands(store::Keyspace& keyspace) : keyspace_{keyspace} {}

    /// Runs `argv` (argv[0] is the command name, in any case) and appends exactly one reply.
    /// User errors (unknown command, wrong arity) become error replies.
    void execute(std::span<const std::string_view> argv, Writer& writer);

private:
    store::Keyspace& keyspace_;
};

/// Redis 7's text for an unknown command: `ERR unknown command 'foo', with args beginning
/// with: 'a' 'b' ` (note the space after each argument), with the same truncation to 128 bytes.
[[nodiscard]] std::string unknown_command_message(std::span<const std::string_view> argv);

/// `ERR wrong number of arguments for 'get' command`; `name` is given in lower case.
[[nodiscard]] std::string wrong_arity_message(std::string_view name);

}  // namespace resp
