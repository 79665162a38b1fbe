// Webhook against a tiny HTTP server in the test: the body and headers, retries on 5xx, 408 and
// 429 with backoff, no retry on other 4xx, per-attempt timeouts, refused connections, cancel;
// and the Notifier's webhook counters.
#include "notify/webhook.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "notify/notifier.h"

namespace rampart::notify {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

struct Request {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  //!< Names lower-cased.
  std::string body;
};

//! One-thread HTTP/1.1 server on 127.0.0.1 and an ephemeral port. The n-th request gets the
//! n-th of `statuses` (the last repeats); status 0 means never answer (the connection is held
//! open until the server goes).
class TestHttpServer {
 public:
  explicit TestHttpServer(std::vector<int> statuses) : statuses_(std::move(statuses)) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        listen(listen_fd_, 16) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TestHttpServer() {
    stop_ = true;
    if (thread_.joinable()) {
      thread_.join();
    }
    for (const int fd : held_) {
      close(fd);
    }
    close(listen_fd_);
  }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<Request> requests() const {
    const std::lock_guard lock(mutex_);
    return requests_;
  }
  int connections() const { return connections_.load(); }

 private:
  void Serve() {
    while (!stop_) {
      pollfd listening{listen_fd_, POLLIN, 0};
      if (poll(&listening, 1, 20) <= 0) {
        continue;
      }
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        continue;
      }
      ++connections_;
      Handle(fd);
    }
  }

  //! One request a connection: the webhook's curl handle is told to close by our answer.
  void Handle(int fd) {
    const int status = statuses_[std::min(answered_, statuses_.size() - 1)];
    ++answered_;
    if (status == 0) {
      held_.push_back(fd);
      return;
    }
    Request request;
    if (ReadRequest(fd, &request)) {
      const std::lock_guard lock(mutex_);
      requests_.push_back(std::move(request));
    }
    const std::string body = "status " + std::to_string(status) + "\n";
    const std::string answer =
        "HTTP/1.1 " + std::to_string(status) +
        " Test\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body;
    send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
    close(fd);
  }

  bool ReadRequest(int fd, Request* request) {
    std::string data;
    size_t header_end = std::string::npos;
    size_t content_length = 0;
    const auto give_up = Clock::now() + milliseconds(3000);
    while (Clock::now() < give_up) {
      if (header_end != std::string::npos && data.size() >= header_end + 4 + content_length) {
        request->body = data.substr(header_end + 4, content_length);
        return true;
      }
      pollfd readable{fd, POLLIN, 0};
      if (poll(&readable, 1, 50) <= 0) {
        continue;
      }
      char buffer[4096];
      const ssize_t got = recv(fd, buffer, sizeof(buffer), 0);
      if (got <= 0) {
        return false;
      }
      data.append(buffer, static_cast<size_t>(got));
      if (header_end == std::string::npos && (header_end = data.find("\r\n\r\n")) != data.npos) {
        ParseHead(data.substr(0, header_end), request);
        const auto length = request->headers.find("content-length");
        content_length = length == request->headers.end() ? 0 : std::stoul(length->second);
      }
    }
    return false;
  }

  static void ParseHead(const std::string& head, Request* request) {
    size_t line_end = head.find("\r\n");
    const std::string first = head.substr(0, line_end);
    const size_t space = first.find(' ');
    request->method = first.substr(0, space);
    request->target = first.substr(space + 1, first.find(' ', space + 1) - space - 1);
    while (line_end != std::string::npos) {
      const size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end - start);
      const size_t colon = line.find(':');
      if (colon == std::string::npos) {
        continue;
      }
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      const size_t value = line.find_first_not_of(' ', colon + 1);
      request->headers[name] = value == std::string::npos ? "" : line.substr(value);
    }
  }

  std::vector<int> statuses_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  size_t answered_ = 0;    // Server thread only.
  std::vector<int> held_;  // Server thread only, until it is joined.
  mutable std::mutex mutex_;
  std::vector<Request> requests_;
};

//! A URL nobody listens on: a port bound, then released.
std::string ClosedPortUrl() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/hook";
}

WebhookSettings Fast(const std::string& url) {
  WebhookSettings settings;
  settings.url = url;
  settings.timeout = milliseconds(3000);
  settings.retries = 3;
  settings.backoff = milliseconds(20);
  return settings;
}

const Notification kBan{"10.10.0.5", true, 21298, "ban",
                        R"({"attack":{"type":"udp_flood","peak_pps":21298},"hosts":[1,2]})"};

TEST(WebhookBodyTest, WrapsTheRecord) {
  const auto body = nlohmann::json::parse(WebhookBody(kBan));
  EXPECT_EQ(body["ip"], "10.10.0.5");
  EXPECT_EQ(body["direction"], "incoming");
  EXPECT_EQ(body["pps"], 21298);
  EXPECT_EQ(body["action"], "ban");
  EXPECT_EQ(body["record"], nlohmann::json::parse(kBan.json));
  EXPECT_EQ(WebhookBody(kBan).rfind(R"({"ip":"10.10.0.5","direction":"incoming")", 0), 0u)
      << "fields in their documented order";

  const auto unban = nlohmann::json::parse(WebhookBody({"2001:db8::1", false, 0, "unban", ""}));
  EXPECT_EQ(unban["direction"], "outgoing");
  EXPECT_TRUE(unban["record"].is_null());

  // Not JSON (and not UTF-8): kept as a string rather than lost or thrown on.
  const auto broken = nlohmann::json::parse(WebhookBody({"10.0.0.1", true, 1, "ban", "{\xff"}));
  EXPECT_TRUE(broken["record"].is_string());
}

TEST(WebhookBodyTest, RetryableStatuses) {
  for (const long status : {0L, 408L, 429L, 500L, 502L, 503L, 504L}) {
    EXPECT_TRUE(IsRetryableStatus(status)) << status;
  }
  for (const long status : {200L, 301L, 400L, 401L, 403L, 404L, 410L, 422L}) {
    EXPECT_FALSE(IsRetryableStatus(status)) << status;
  }
}

TEST(WebhookTest, SucceedsOnTheSecondAttemptAfterA500) {
  TestHttpServer server({500, 200});
  Webhook webhook(Fast(server.Url()));
  const WebhookResult result = webhook.Post(kBan);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.attempts, 2);
  EXPECT_EQ(result.http_status, 200);
  EXPECT_EQ(result.error, "");

  const std::vector<Request> requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const Request& request : requests) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/hook");
    EXPECT_EQ(request.headers.at("content-type"), "application/json");
    EXPECT_EQ(request.headers.at("user-agent").rfind("rampart", 0), 0u);
    EXPECT_EQ(request.headers.count("expect"), 0u);
    const auto body = nlohmann::json::parse(request.body);
    EXPECT_EQ(body["ip"], "10.10.0.5");
    EXPECT_EQ(body["direction"], "incoming");
    EXPECT_EQ(body["pps"], 21298);
    EXPECT_EQ(body["action"], "ban");
    EXPECT_EQ(body["record"], nlohmann::json::parse(kBan.json));
  }
}

TEST(WebhookTest, NeverAnsweringServerFailsAfterAllAttemptsInTime) {
  TestHttpServer server({0});
  WebhookSettings settings = Fast(server.Url());
  settings.timeout = milliseconds(300);
  settings.retries = 2;
  settings.backoff = milliseconds(50);
  Webhook webhook(settings);
  const auto start = Clock::now();
  const WebhookResult result = webhook.Post(kBan);
  const auto took = Clock::now() - start;
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.attempts, 3);
  EXPECT_EQ(result.http_status, 0);
  EXPECT_NE(result.error.find("timed out"), std::string::npos) << result.error;
  // 3 attempts of 300 ms and backoffs of 50 and 100 ms.
  EXPECT_GE(took, milliseconds(1000));
  EXPECT_LT(took, milliseconds(3000));
  for (int tries = 0; tries < 100 && server.connections() < 3; ++tries) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(server.connections(), 3);
}

TEST(WebhookTest, NotFoundIsNotRetried) {
  TestHttpServer server({404, 200});
  Webhook webhook(Fast(server.Url()));
  const WebhookResult result = webhook.Post(kBan);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.attempts, 1);
  EXPECT_EQ(result.http_status, 404);
  EXPECT_EQ(result.error, "HTTP 404: status 404 ");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(WebhookTest, TooManyRequestsAndServiceUnavailableAreRetried) {
  TestHttpServer server({429, 408, 503, 204});
  Webhook webhook(Fast(server.Url()));
  const WebhookResult result = webhook.Post(kBan);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.attempts, 4);
  EXPECT_EQ(result.http_status, 204);
}

TEST(WebhookTest, GivesUpAfterRetriesWithDoublingCappedBackoff) {
  TestHttpServer server({500});
  WebhookSettings settings = Fast(server.Url());
  settings.retries = 3;
  settings.backoff = milliseconds(100);
  settings.max_backoff = milliseconds(150);
  Webhook webhook(settings);
  const auto start = Clock::now();
  const WebhookResult result = webhook.Post(kBan);
  const auto took = Clock::now() - start;
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.attempts, 4);
  EXPECT_EQ(result.http_status, 500);
  EXPECT_EQ(server.requests().size(), 4u);
  // Backoffs 100, 150 (200 capped), 150.
  EXPECT_GE(took, milliseconds(400));
  EXPECT_LT(took, milliseconds(1500));
}

TEST(WebhookTest, RefusedConnectionIsRetriedThenFails) {
  WebhookSettings settings = Fast(ClosedPortUrl());
  settings.retries = 2;
  Webhook webhook(settings);
  const WebhookResult result = webhook.Post(kBan);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.attempts, 3);
  EXPECT_EQ(result.http_status, 0);
  EXPECT_FALSE(result.error.empty());
}

TEST(WebhookTest, UnsupportedSchemeIsNotRetried) {
  Webhook webhook(Fast("ftp://127.0.0.1/hook"));
  const WebhookResult result = webhook.Post(kBan);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.attempts, 1);
}

TEST(WebhookTest, CancelAbandonsAWaitingPost) {
  TestHttpServer server({0});
  WebhookSettings settings = Fast(server.Url());
  settings.timeout = milliseconds(10000);
  Webhook webhook(settings);
  const auto cancel_at = Clock::now() + milliseconds(200);
  const WebhookResult result =
      webhook.Post(kBan, [cancel_at] { return Clock::now() >= cancel_at; });
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.attempts, 1);
  // libcurl asks its progress callback about once a second while nothing moves.
  EXPECT_LT(result.elapsed, milliseconds(2500));
}

TEST(WebhookTest, ReusesItsHandleAcrossPosts) {
  TestHttpServer server({200});
  Webhook webhook(Fast(server.Url()));
  for (int index = 0; index < 3; ++index) {
    EXPECT_TRUE(webhook.Post(kBan).ok);
  }
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(NotifierWebhookTest, CountsOkAndRetries) {
  TestHttpServer server({503, 200});
  NotifierSettings settings;
  settings.webhook_url = server.Url();
  settings.webhook_backoff = milliseconds(20);
  Notifier notifier(settings);
  notifier.Start();
  EXPECT_TRUE(notifier.Enqueue(kBan));
  EXPECT_TRUE(notifier.Stop(milliseconds(10000)));
  const NotifierCounters counters = notifier.Counters();
  EXPECT_EQ(counters.queued, 1u);
  EXPECT_EQ(counters.webhook_ok, 1u);
  EXPECT_EQ(counters.webhook_failed, 0u);
  EXPECT_EQ(counters.webhook_retries, 1u);
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(server.requests()[1].body)["action"], "ban");
}

TEST(NotifierWebhookTest, CountsFailuresAndRetries) {
  NotifierSettings settings;
  settings.webhook_url = ClosedPortUrl();
  settings.webhook_retries = 2;
  settings.webhook_backoff = milliseconds(10);
  Notifier notifier(settings);
  notifier.Start();
  EXPECT_TRUE(notifier.Enqueue(kBan));
  EXPECT_TRUE(notifier.Stop(milliseconds(10000)));
  const NotifierCounters counters = notifier.Counters();
  EXPECT_EQ(counters.webhook_ok, 0u);
  EXPECT_EQ(counters.webhook_failed, 1u);
  EXPECT_EQ(counters.webhook_retries, 2u);
}

}  // namespace
}  // namespace rampart::notify
