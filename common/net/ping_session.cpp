// Lab 1's line protocol: PING, ECHO and QUIT over a blocking socket.
#include "net/ping_session.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "net/line_reader.hpp"
#include "net/signals.hpp"

namespace net {

namespace {

// Splits on white space, as Redis does for an inline command that has no quotes.
std::vector<std::string_view> split_words(std::string_view line) {
    std::vector<std::string_view> words;
    const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    auto position = line.begin();
    while (true) {
        position = std::find_if_not(position, line.end(), is_space);
        if (position == line.end()) break;
        const auto end = std::find_if(position, line.end(), is_space);
        words.emplace_back(position, end);
        position = end;
    }
    return words;
}

std::string to_lower(std::string_view text) {
    std::string lower{text};
    std::ranges::transform(lower, lower.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
}

std::string bulk(std::string_view text) {
    return "$" + std::to_string(text.size()) + "\r\n" + std::string{text} + "\r\n";
}

// An error reply. It needs no escaping: the words it quotes were split at white space, so they
// hold no '\r' or '\n' that could break the reply line.
std::string error(std::string_view text) {
    return "-" + std::string{text} + "\r\n";
}

std::string wrong_arity(std::string_view command) {
    return error("ERR wrong number of arguments for '" + std::string{command} + "' command");
}

// Redis 7's text, from processCommand(): the name cut at 128 bytes, then quoted arguments until
// 128 bytes of them have been written.
std::string unknown_command(const std::vector<std::string_view>& words) {
    std::string arguments;
    for (std::size_t i = 1; i < words.size() && arguments.size() < 128; ++i) {
        arguments += "'" + std::string{words[i].substr(0, 128 - arguments.size())} + "' ";
    }
    return error("ERR unknown command '" + std::string{words[0].substr(0, 128)} +
                 "', with args beginning with: " + arguments);
}

}  // namespace

LineAnswer answer_line(std::string_view line) {
    const auto words = split_words(line);
    if (words.empty()) return {};  // Redis ignores an empty inline command

    const std::string command = to_lower(words[0]);
    if (command == "ping") {
        if (words.size() == 1) return {"+PONG\r\n"};
        if (words.size() == 2) return {bulk(words[1])};
        return {wrong_arity("ping")};
    }
    if (command == "echo") {
        if (words.size() == 2) return {bulk(words[1])};
        return {wrong_arity("echo")};
    }
    if (command == "quit") return {"+OK\r\n", After::close};
    return {unknown_command(words)};
}

SessionEnd serve_ping_client(Socket& client) {
    LineReader reader{client};
    while (true) {
        const LineResult result = reader.read_line();
        switch (result.status) {
            case LineStatus::line: {
                const LineAnswer answer = answer_line(result.line);
                if (!answer.reply.empty() && client.send_all(answer.reply) != IoStatus::ok) {
                    return SessionEnd::closed;
                }
                if (answer.after == After::close) return SessionEnd::quit;
                break;
            }
            case LineStatus::interrupted:
                if (stop_requested()) return SessionEnd::stopped;
                break;
            case LineStatus::too_long:
                // The reply goes out even though the connection is about to close, so the client
                // learns why (Redis does the same).
                (void)client.send_all(error("ERR Protocol error: too big inline request"));
                return SessionEnd::too_long;
            case LineStatus::closed:
                return SessionEnd::closed;
            case LineStatus::closed_mid_line:
                return SessionEnd::closed_mid_line;
        }
    }
}

}  // namespace net
