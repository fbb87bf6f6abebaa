// The handler's context: construction and the propagation and blocking requests a handler
// records for the Dispatcher. Introduced in lab 5.
#include "cmd/context.hpp"

#include <utility>

#include "cmd/errors.hpp"

namespace cmd {

Context::Context(std::span<const std::string_view> arguments, resp::Writer& writer,
                 ServerState& shared, ServerControl& control, Session& client,
                 const Command& running, const CommandTable& table)
    : argv{arguments},
      reply{writer},
      state{shared},
      db{shared.db},
      config{shared.config},
      server{control},
      session{client},
      command{running},
      commands{table} {}

void Context::replace_propagation(std::vector<std::string> replacement) {
    replacement_ = std::move(replacement);
}

void Context::also_propagate(std::vector<std::string> extra) {
    extra_.push_back(std::move(extra));
}

void Context::reply_wrong_arity() {
    reply.error(errors::wrong_arity(command.full_name()));
}

void Context::block(BlockRequest request) {
    block_request_ = std::move(request);
}

}  // namespace cmd
