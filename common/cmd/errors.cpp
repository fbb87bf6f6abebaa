// The error messages with a variable part, formatted exactly as Redis 7 formats them.
// Introduced in lab 5.
#include "cmd/errors.hpp"

#include "cmd/command.hpp"

namespace cmd::errors {

namespace {

// Redis formats arguments with %s, so an argument ends at its first NUL byte.
std::string_view c_string(std::string_view text) {
    return text.substr(0, text.find('\0'));
}

// Redis's "%.128s".
std::string_view at_most_128(std::string_view text) {
    return c_string(text).substr(0, 128);
}

}  // namespace

std::string invalid_expire_time(std::string_view command) {
    return "ERR invalid expire time in '" + std::string{command} + "' command";
}

std::string out_of_range(long long min, long long max) {
    return "ERR value is out of range, value must between " + std::to_string(min) + " and " +
           std::to_string(max);
}

std::string unrecognized_replconf_option(std::string_view option) {
    return "ERR Unrecognized REPLCONF option: " + std::string{option};
}

std::string unsupported_option(std::string_view option) {
    return "ERR Unsupported option " + std::string{c_string(option)};
}

std::string hello_syntax(std::string_view option) {
    return "ERR Syntax error in HELLO option '" + std::string{c_string(option)} + "'";
}

std::string unknown_client_type(std::string_view type) {
    return "ERR Unknown client type '" + std::string{c_string(type)} + "'";
}

std::string config_set_unknown(std::string_view option) {
    return "ERR Unknown option or number of arguments for CONFIG SET - '" + std::string{option} +
           "'";
}

std::string config_set_failed(std::string_view option, std::string_view reason) {
    return "ERR CONFIG SET failed (possibly related to argument '" + std::string{option} + "') - " +
           std::string{reason};
}

std::string unknown_command(std::string_view name, std::span<const std::string_view> args) {
    // As processCommand(): append "'arg' " while the list is shorter than 128 bytes, each
    // argument cut so the list stays within 128 bytes of argument text.
    std::string listed;
    for (std::size_t i = 0; i < args.size() && listed.size() < 128; ++i) {
        listed += '\'';
        listed += c_string(args[i]).substr(0, 128 - listed.size() + 1);
        listed += "' ";
    }
    return "ERR unknown command '" + std::string{at_most_128(name)} +
           "', with args beginning with: " + listed;
}

std::string wrong_arity(std::string_view full_name) {
    return "ERR wrong number of arguments for '" + std::string{full_name} + "' command";
}

std::string unknown_subcommand(std::string_view subcommand, std::string_view container) {
    return "ERR unknown subcommand '" + std::string{at_most_128(subcommand)} + "'. Try " +
           to_upper(container) + " HELP.";
}

}  // namespace cmd::errors
