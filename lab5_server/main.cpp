// Lab 5 milestone: a Redis-compatible server for many clients at once, a thread each, with
// strings, keys, expiry and persistence. Try it with redis-cli (docs/lab5_server.md).
// Introduced in lab 5; the server is common/server/, the commands common/cmd/.
#include "cmd/families.hpp"
#include "server/program.hpp"

int main(int argc, char** argv) {
    return server::run_program(
        {.name = "lab5_server",
         .description =
             "Lab 5: a multi-client Redis server, a thread per client and one command lock",
         .commands = cmd::lab5_commands()},
        argc, argv);
}
