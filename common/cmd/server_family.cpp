// The server commands that reach the server itself: SAVE, BGSAVE, LASTSAVE, SHUTDOWN, all
// through the ServerControl interface. Introduced in lab 5.
#include <chrono>
#include <string>

#include "cmd/context.hpp"
#include "cmd/errors.hpp"
#include "cmd/families.hpp"

namespace cmd {

namespace {

/* SAVE */
void save_command(Context& ctx) {
    if (ctx.server.persistence().background_save_in_progress) {
        return ctx.reply.error(errors::background_save_in_progress);
    }
    ctx.server.save() ? ctx.reply_ok() : ctx.reply.error(errors::generic);
}

/* BGSAVE [SCHEDULE] */
void bgsave_command(Context& ctx) {
    if (ctx.argv.size() == 2 && !equals_ignoring_case(ctx.argv[1], "SCHEDULE")) {
        return ctx.reply.error(errors::syntax);
    }
    switch (ctx.server.background_save()) {
        case BackgroundSaveStart::started:
            return ctx.reply.simple_string("Background saving started");
        case BackgroundSaveStart::in_progress:
            return ctx.reply.error(errors::background_save_in_progress);
        case BackgroundSaveStart::failed:
            return ctx.reply.error(errors::generic);
    }
}

/* LASTSAVE */
void lastsave_command(Context& ctx) {
    const auto time = ctx.server.persistence().last_save_time;
    ctx.reply.integer(
        std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count());
}

/* SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] */
void shutdown_command(Context& ctx) {
    ShutdownMode mode = ShutdownMode::default_mode;
    bool nosave = false;
    bool save = false;
    for (std::size_t i = 1; i < ctx.argv.size(); ++i) {
        const std::string_view word = ctx.argv[i];
        if (equals_ignoring_case(word, "NOSAVE")) {
            nosave = true;
        } else if (equals_ignoring_case(word, "SAVE")) {
            save = true;
        } else if (!equals_ignoring_case(word, "NOW") && !equals_ignoring_case(word, "FORCE")) {
            return ctx.reply.error(errors::syntax);  // NOW and FORCE change nothing here
        }
    }
    if (nosave && save) return ctx.reply.error(errors::syntax);
    if (nosave) mode = ShutdownMode::nosave;
    if (save) mode = ShutdownMode::save;
    if (!ctx.server.request_shutdown(mode)) return ctx.reply.error(errors::shutdown_failed);
    // Success: no reply at all; the server closes every connection and exits.
    ctx.session.close_after_reply = true;
}

Command command(std::string name, int arity, Flags flags, Handler handler, std::string_view syntax,
                std::string_view summary, std::string_view since) {
    return make_command(Group::server, std::move(name), arity, flags, KeySpec{}, handler, syntax,
                        summary, since);
}

}  // namespace

void register_server_family(CommandTable& table) {
    const Flags admin = Flag::admin | Flag::noscript;
    table.add(command("save", 1, admin, save_command, "SAVE",
                      "Synchronously save the dataset to disk", "1.0.0"));
    table.add(command("bgsave", -1, admin, bgsave_command, "BGSAVE [SCHEDULE]",
                      "Asynchronously save the dataset to disk", "1.0.0"));
    table.add(command("lastsave", 1, Flag::fast | Flag::loading | Flag::stale, lastsave_command,
                      "LASTSAVE", "Get the UNIX time stamp of the last successful save to disk",
                      "1.0.0"));
    table.add(command("shutdown", -1, admin | Flag::loading | Flag::stale, shutdown_command,
                      "SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE]",
                      "Synchronously save the dataset to disk and then shut down the server",
                      "1.0.0"));
}

}  // namespace cmd
