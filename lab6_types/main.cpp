// Lab 6 milestone: lab 5's server with lists and sets, every command checking the type of the
// key it touches. Try it with redis-cli (docs/lab6_types.md). Introduced in lab 6; the new
// commands are common/cmd/list_family.cpp and set_family.cpp, the types common/store/.
#include "cmd/families.hpp"
#include "server/program.hpp"

int main(int argc, char** argv) {
    return server::run_program(
        {.name = "lab6_types",
         .description = "Lab 6: lab 5's server plus lists and sets, with type checks",
         .commands = cmd::lab6_commands()},
        argc, argv);
}
