// The error catalog: every error reply a client can see from the command layer, equal to
// Redis 7's byte for byte (checked against redis-server 7.0.15). Introduced in lab 5.
#pragma once

#include <span>
#include <string>
#include <string_view>

/// Error replies without the leading `-` and the CRLF (resp::Writer::error() adds them).
/// The first word is the error code clients switch on (`ERR`, `WRONGTYPE`, `NOAUTH`, ...).
/// Messages with a variable part are functions; everything else is a constant.
namespace cmd::errors {

// --- Generic argument errors (Redis's shared.syntaxerr and friends) ---
inline constexpr std::string_view syntax = "ERR syntax error";
inline constexpr std::string_view not_integer = "ERR value is not an integer or out of range";
inline constexpr std::string_view not_float = "ERR value is not a valid float";
/// Blocking pops (lab 6): Redis's getTimeoutFromObjectOrReply().
inline constexpr std::string_view timeout_not_float = "ERR timeout is not a float or out of range";
inline constexpr std::string_view timeout_negative = "ERR timeout is negative";
inline constexpr std::string_view overflow = "ERR increment or decrement would overflow";
/// DECRBY with LLONG_MIN, whose negation does not exist.
inline constexpr std::string_view decrement_overflow = "ERR decrement would overflow";
inline constexpr std::string_view nan_or_infinity = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view no_such_key = "ERR no such key";
inline constexpr std::string_view string_too_long =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view offset_out_of_range = "ERR offset is out of range";
inline constexpr std::string_view invalid_cursor = "ERR invalid cursor";
inline constexpr std::string_view db_index_out_of_range = "ERR DB index is out of range";
inline constexpr std::string_view invalid_db_index = "ERR value is not an integer or out of range";

// --- Lab 8: replication ---
/// A write sent to a replica by a client (Redis's shared.roslaveerr).
inline constexpr std::string_view read_only_replica =
    "READONLY You can't write against a read only replica.";
inline constexpr std::string_view wait_on_replica =
    "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a "
    "replica is configured to be writable (which is not the default) writes to replicas are "
    "just local and are not propagated.";
/// WAIT's timeout in milliseconds (getTimeoutFromObjectOrReply() with UNIT_MILLISECONDS).
inline constexpr std::string_view timeout_not_integer =
    "ERR timeout is not an integer or out of range";
/// PSYNC to a replica whose own master link is down.
inline constexpr std::string_view no_master_link =
    "NOMASTERLINK Can't SYNC while not connected with my master";
/// REPLCONF with an option Redis does not know.
[[nodiscard]] std::string unrecognized_replconf_option(std::string_view option);
/// To a client blocked in BLPOP & co. when its server becomes a replica (REPLICAOF).
inline constexpr std::string_view unblocked_by_role_change =
    "UNBLOCKED force unblock from blocking operation, instance state changed (master -> "
    "replica?)";
/// REPLICAOF's port outside 0..65535.
inline constexpr std::string_view invalid_master_port = "ERR Invalid master port";

/// Lab 6: an operation against a key holding the wrong kind of value.
inline constexpr std::string_view wrong_type =
    "WRONGTYPE Operation against a key holding the wrong kind of value";

// --- Lab 6: sets ---
/// SPOP's count below zero (or not a number): Redis's getPositiveLongFromObjectOrReply().
inline constexpr std::string_view not_positive = "ERR value is out of range, must be positive";
/// SINTERCARD's numkeys below one (or not a number).
inline constexpr std::string_view numkeys_not_positive = "ERR numkeys should be greater than 0";
/// SINTERCARD's numkeys greater than the arguments that follow it.
inline constexpr std::string_view numkeys_too_many =
    "ERR Number of keys can't be greater than number of args";
/// SINTERCARD's LIMIT below zero (or not a number).
inline constexpr std::string_view limit_negative = "ERR LIMIT can't be negative";
/// `ERR value is out of range, value must between -9223372036854775807 and
/// 9223372036854775807` (Redis's getRangeLongFromObjectOrReply(), its grammar kept).
[[nodiscard]] std::string out_of_range(long long min, long long max);

// --- Expiry options (EXPIRE family, SET, GETEX) ---
inline constexpr std::string_view expire_nx_and_other =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view expire_gt_and_lt =
    "ERR GT and LT options at the same time are not compatible";
/// `ERR Unsupported option foo` (EXPIRE k 10 foo)
[[nodiscard]] std::string unsupported_option(std::string_view option);
/// `ERR invalid expire time in 'set' command`: a zero, negative or overflowing expiry.
[[nodiscard]] std::string invalid_expire_time(std::string_view command);

// --- Authentication and protocol negotiation ---
inline constexpr std::string_view no_auth = "NOAUTH Authentication required.";
inline constexpr std::string_view wrong_pass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view auth_without_password =
    "ERR AUTH <password> called without any password configured for the default user. Are "
    "you sure your configuration is correct?";
/// Protected mode's refusal, sent to a client that is not on loopback when no password is set,
/// before closing it (Redis 7.0.15's text, "Setup a an" included).
inline constexpr std::string_view protected_mode_denied =
    "DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from the "
    "loopback interface. If you want to connect from external computers to Redis you may adopt "
    "one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG "
    "SET protected-mode no' from the loopback interface by connecting to Redis from the same "
    "host the server is running, however MAKE SURE Redis is not publicly accessible from "
    "internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively "
    "you can just disable the protected mode by editing the Redis configuration file, and "
    "setting the protected mode option to 'no', and then restarting the server. 3) If you "
    "started the server manually just for testing, restart it with the '--protected-mode no' "
    "option. 4) Setup a an authentication password for the default user. NOTE: You only need "
    "to do one of the above things in order for the server to start accepting connections from "
    "the outside.";
inline constexpr std::string_view no_proto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view protocol_version_not_integer =
    "ERR Protocol version is not an integer or out of range";
inline constexpr std::string_view hello_not_authenticated =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
    "<proto> AUTH <user> <pass> option can be used to authenticate the client and select the "
    "RESP protocol version at the same time";
/// `ERR Syntax error in HELLO option 'foo'`
[[nodiscard]] std::string hello_syntax(std::string_view option);

// --- CLIENT ---
inline constexpr std::string_view client_name_invalid =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view no_such_client = "ERR No such client";
inline constexpr std::string_view invalid_client_id = "ERR Invalid client ID";
inline constexpr std::string_view client_id_not_positive = "ERR client-id should be greater than 0";
/// `ERR Unknown client type 'foo'` (CLIENT LIST TYPE foo)
[[nodiscard]] std::string unknown_client_type(std::string_view type);
/// CLIENT KILL with an unknown filter: Redis's shared.syntaxerr.
inline constexpr std::string_view client_kill_syntax = syntax;

// --- Persistence (SAVE, BGSAVE, SHUTDOWN) ---
inline constexpr std::string_view background_save_in_progress =
    "ERR Background save already in progress";
inline constexpr std::string_view shutdown_failed = "ERR Errors trying to SHUTDOWN. Check logs.";
/// A failed SAVE: Redis replies with its generic shared.err.
inline constexpr std::string_view generic = "ERR";

// --- CONFIG ---
/// `ERR Unknown option or number of arguments for CONFIG SET - 'foo'`
[[nodiscard]] std::string config_set_unknown(std::string_view option);
/// `ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config`
[[nodiscard]] std::string config_set_failed(std::string_view option, std::string_view reason);
inline constexpr std::string_view config_protected = "can't set protected config";
inline constexpr std::string_view config_immutable = "can't set immutable config";
inline constexpr std::string_view config_duplicate = "duplicate parameter";

// --- Dispatch: the only place that answers these is the Dispatcher ---
/// `ERR unknown command 'foo', with args beginning with: 'a' 'b' `, with Redis's limits: the
/// name is cut at 128 bytes, arguments are added while the list is under 128 bytes, and each
/// argument stops at a NUL byte (Redis formats them with %s).
[[nodiscard]] std::string unknown_command(std::string_view name,
                                          std::span<const std::string_view> args);
/// `ERR wrong number of arguments for 'get' command`; `full_name` is lower case, and
/// `container|sub` for a subcommand (`config|get`).
[[nodiscard]] std::string wrong_arity(std::string_view full_name);
/// `ERR unknown subcommand 'foo'. Try CONFIG HELP.`; `container` is upper-cased here.
[[nodiscard]] std::string unknown_subcommand(std::string_view subcommand,
                                             std::string_view container);

// --- Lists (lab 6) ---
/// LPOP / RPOP with a negative or non-integer count (Redis's getPositiveLongFromObjectOrReply).
inline constexpr std::string_view count_not_positive =
    "ERR value is out of range, must be positive";
inline constexpr std::string_view index_out_of_range = "ERR index out of range";
inline constexpr std::string_view lpos_rank_zero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
/// LPOS RANK -9223372036854775808, which has no positive counterpart: Redis 7.2's reply
/// (7.0.15 negates it and overflows).
inline constexpr std::string_view lpos_rank_out_of_range =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
inline constexpr std::string_view lpos_count_negative = "ERR COUNT can't be negative";
inline constexpr std::string_view lpos_maxlen_negative = "ERR MAXLEN can't be negative";

}  // namespace cmd::errors
