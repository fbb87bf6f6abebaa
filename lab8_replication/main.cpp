// Lab 8 milestone: lab 7's server with master–replica replication that speaks Redis's
// protocol. Start a master and a replica (`--replicaof "127.0.0.1 6379"`), write to the master
// and read from the replica (docs/lab8_replication.md). Introduced in lab 8; the replication
// layer is common/repl/.
#include "cmd/families.hpp"
#include "repl/replication.hpp"
#include "server/program.hpp"

int main(int argc, char** argv) {
    return server::run_program(
        {.name = "lab8_replication",
         .description = "Lab 8: lab 7's server with master-replica replication",
         .commands = cmd::lab8_commands(),
         .make_server = repl::make_replicated_server,
         .replication = true},
        argc, argv);
}
