// llama-server's HTTP layer as it was before it grew dynamic threads: cpp-httplib with a fixed pool of worker threads
// (`svr->new_task_queue = [n] { return new httplib::ThreadPool(n); }`), in front of an emulator that answers as
// llama-server does. Each request is relayed to the emulator and its answer written back by cpp-httplib itself, so the
// thread pool, keep-alive (a worker serves one connection for its whole life), the `Keep-Alive: timeout=5, max=100`
// header and the headers and body written apart without TCP_NODELAY are the real library's, not an imitation.
// Usage: pool-front PORT THREADS UPSTREAM_PORT
#include <httplib.h>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

// Framing belongs to each hop: cpp-httplib writes its own for the answer, the relay its own for the request.
bool hop_by_hop(const std::string &name) {
  std::string n;
  for (char c : name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return n == "connection" || n == "keep-alive" || n == "content-length" || n == "transfer-encoding" || n == "host";
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 4) {
    std::cerr << "usage: pool-front PORT THREADS UPSTREAM_PORT\n";
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int threads = std::atoi(argv[2]);
  const int upstream = std::atoi(argv[3]);

  httplib::Server svr;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // The count llama-server's newer cpp-httplib advertises (0.11 defaults to 5); the timeout is the default 5 s.
  svr.set_keep_alive_max_count(100);

  auto relay = [upstream](const httplib::Request &req, httplib::Response &res) {
    // One kept-alive connection to the emulator per worker thread.
    thread_local httplib::Client client("127.0.0.1", upstream);
    client.set_keep_alive(true);
    // The relay hop must not add a delayed ACK of its own: only the front's answers keep cpp-httplib's defaults.
    client.set_tcp_nodelay(true);
    httplib::Request out;
    out.method = req.method;
    out.path = req.target;  // as sent: the scanner's path spellings (`/%2e/completion`) reach the emulator unchanged
    for (const auto &[name, value] : req.headers)
      if (!hop_by_hop(name)) out.headers.emplace(name, value);
    out.body = req.body;
    auto answer = client.send(out);
    if (!answer) {
      res.status = 502;
      res.set_content("upstream unreachable", "text/plain");
      return;
    }
    res.status = answer->status;
    std::string type = "application/octet-stream";
    for (const auto &[name, value] : answer->headers) {
      if (hop_by_hop(name)) continue;
      if (name == "Content-Type" || name == "content-type") type = value;
      else res.headers.emplace(name, value);
    }
    res.set_content(answer->body, type);
  };
  for (const char *pattern : {R"(.*)"}) {
    svr.Get(pattern, relay);
    svr.Post(pattern, relay);
    svr.Put(pattern, relay);
    svr.Patch(pattern, relay);
    svr.Delete(pattern, relay);
    svr.Options(pattern, relay);
  }
  if (!svr.listen("127.0.0.1", port)) {
    std::cerr << "pool-front: cannot listen on 127.0.0.1:" << port << "\n";
    return 1;
  }
  return 0;
}
