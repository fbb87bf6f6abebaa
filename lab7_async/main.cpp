// Lab 7 milestone: lab 6's server (strings, keys, lists, sets, blocking pops) on one thread
// running an event loop, with BGSAVE by fork(). Try it with redis-cli and redis-benchmark
// (docs/lab7_async.md). Introduced in lab 7; the loop is common/async/.
#include "async/event_loop_server.hpp"
#include "cmd/families.hpp"
#include "server/program.hpp"

int main(int argc, char** argv) {
    return server::run_program(
        {.name = "lab7_async",
         .description = "Lab 7: lab 6's server on one thread with an event loop (Asio)",
         .commands = cmd::lab6_commands(),
         .make_server = async::make_event_loop_server},
        argc, argv);
}
