// lab5_commands(): the table of lab 5, every family registered explicitly, in one place.
// Introduced in lab 5; lab 6 builds on it and adds its list and set families.
#include "cmd/families.hpp"

namespace cmd {

CommandTable lab5_commands() {
    CommandTable table;
    register_connection_family(table);
    register_client_command(table);
    register_string_family(table);
    register_string_range_family(table);
    register_counter_family(table);
    register_keys_family(table);
    register_expire_family(table);
    register_server_family(table);
    register_info_command(table);
    register_config_command(table);
    register_command_family(table);
    return table;
}

CommandTable lab6_commands() {
    CommandTable table = lab5_commands();
    register_list_family(table);
    register_set_family(table);
    return table;
}

}  // namespace cmd
