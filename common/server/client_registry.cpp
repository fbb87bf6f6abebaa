// The client registry of the blocking server: admission, threads, reaping, shutdown.
// Introduced in lab 5.
#include "server/client_registry.hpp"

#include <sys/socket.h>

#include <system_error>
#include <utility>

namespace server {

ClientRegistry::~ClientRegistry() {
    close_all();
    join_all();
}

Client* ClientRegistry::admit(net::Socket&& socket, cmd::Session session, std::size_t max_clients) {
    reap();
    const std::scoped_lock lock{mutex_};
    if (clients_.size() >= max_clients) return nullptr;
    session.id = next_id_++;
    session.fd = socket.native_handle();
    auto client = std::make_unique<Client>(std::move(socket), std::move(session));
    Client& added = *client;
    clients_.emplace(added.session.id, std::move(client));
    return &added;
}

bool ClientRegistry::start(Client& client, std::function<void(Client&)> serve) {
    const std::uint64_t id = client.session.id;
    try {
        // client.thread is assigned before this thread can reap the client: reap() runs on
        // this same thread, and joins only ids that finished() listed.
        client.thread = std::jthread{[this, &client, id, serve = std::move(serve)] {
            serve(client);
            finished(id);
        }};
    } catch (const std::system_error&) {  // EAGAIN: the system's thread limit
        finished(id);
        return false;
    }
    return true;
}

void ClientRegistry::finished(std::uint64_t id) {
    const std::scoped_lock lock{mutex_};
    finished_.push_back(id);
}

std::vector<std::unique_ptr<Client>> ClientRegistry::take_finished() {
    std::vector<std::unique_ptr<Client>> done;
    const std::scoped_lock lock{mutex_};
    for (const std::uint64_t id : finished_) {
        const auto position = clients_.find(id);
        if (position == clients_.end()) continue;
        done.push_back(std::move(position->second));
        clients_.erase(position);
    }
    finished_.clear();
    return done;
}

void ClientRegistry::reap() {
    // Joined outside the mutex: a finishing thread takes the mutex in finished().
    for (auto& client : take_finished()) {
        if (client->thread.joinable()) client->thread.join();
    }  // each Client is destroyed here, closing its socket after its thread has ended
}

void ClientRegistry::close_all() {
    const std::scoped_lock lock{mutex_};
    for (const auto& [id, client] : clients_) {
        // The descriptor stays open (and its number reserved) until the Client is destroyed,
        // after its thread has been joined, so this cannot hit a reused descriptor.
        ::shutdown(client->socket.native_handle(), SHUT_RDWR);
    }
}

void ClientRegistry::join_all() {
    std::vector<Client*> running;
    {
        const std::scoped_lock lock{mutex_};
        for (const auto& [id, client] : clients_)
            running.push_back(client.get());
    }
    // Only this thread removes clients (reap), so the pointers stay valid while it joins.
    for (Client* client : running) {
        if (client->thread.joinable()) client->thread.join();
    }
    reap();
    const std::scoped_lock lock{mutex_};
    clients_.clear();
}

bool ClientRegistry::kill(std::uint64_t id) {
    const std::scoped_lock lock{mutex_};
    const auto position = clients_.find(id);
    if (position == clients_.end()) return false;
    position->second->session.close_after_reply = true;
    ::shutdown(position->second->socket.native_handle(), SHUT_RD);
    return true;
}

void ClientRegistry::for_each_session(const std::function<void(const cmd::Session&)>& visit) const {
    const std::scoped_lock lock{mutex_};
    for (const auto& [id, client] : clients_)
        visit(client->session);
}

std::size_t ClientRegistry::size() const {
    const std::scoped_lock lock{mutex_};
    return clients_.size();
}

}  // namespace server
