#include "loa/air_control.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace loa {

struct AirControlQueue::Job {
  std::function<void(AirControl&)> task;
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  std::string error;
};

AirControlQueue::AirControlQueue() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (fd_ < 0) {
    throw std::runtime_error(std::string("cannot create the control queue: ") +
                             std::strerror(errno));
  }
}

AirControlQueue::~AirControlQueue() {
  ::close(fd_);
}

bool AirControlQueue::call(std::function<void(AirControl&)> task, std::chrono::milliseconds timeout,
                           std::string& error) {
  auto job = std::make_shared<Job>();
  job->task = std::move(task);
  {
    const std::lock_guard lock(mutex_);
    jobs_.push_back(job);
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(fd_, &one, sizeof one);
  std::unique_lock lock(job->mutex);
  if (!job->done_cv.wait_for(lock, timeout, [&job] { return job->done; })) {
    error = "the on-air engine did not answer in time; try again";
    return false;
  }
  error = job->error;
  return error.empty();
}

void AirControlQueue::run_pending(AirControl& control) {
  std::uint64_t count = 0;
  [[maybe_unused]] const auto n = ::read(fd_, &count, sizeof count);
  for (;;) {
    std::shared_ptr<Job> job;
    {
      const std::lock_guard lock(mutex_);
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    std::string error;
    try {
      job->task(control);
    } catch (const std::exception& e) {
      error = e.what();
      if (error.empty()) error = "failed";
    }
    const std::lock_guard lock(job->mutex);
    job->error = std::move(error);
    job->done = true;
    job->done_cv.notify_all();
  }
}

}  // namespace loa
