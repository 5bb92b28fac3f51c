// Ctrl-C during a long engine call from Python (bindings.hpp: interruptible).
#include <csignal>

#include "bindings.hpp"
#include "cli/commands.hpp"
#include "core/interrupt.hpp"

namespace td::py {
namespace {

extern "C" void ask_engine_to_stop(int) { request_interrupt(); }

// While alive, SIGINT asks the engine to stop; the previous handler (Python's) is restored after.
class InterruptScope {
 public:
  InterruptScope() {
    clear_interrupt();
    struct sigaction sa {};
    sa.sa_handler = ask_engine_to_stop;
    sigemptyset(&sa.sa_mask);
    installed_ = sigaction(SIGINT, &sa, &old_) == 0;
  }
  ~InterruptScope() {
    if (installed_) sigaction(SIGINT, &old_, nullptr);
    clear_interrupt();
  }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  struct sigaction old_ {};
  bool installed_ = false;
};

[[noreturn]] void raise_keyboard_interrupt(const std::string& message) {
  PyErr_SetString(PyExc_KeyboardInterrupt, message.c_str());
  throw pb::error_already_set();
}

}  // namespace

std::string interruptible(const std::function<std::string()>& fn) {
  std::string message;
  {
    InterruptScope scope;
    try {
      pb::gil_scoped_release free;
      return fn();
    } catch (const RunInterrupted& e) {
      message = e.what();
    } catch (const Interrupted& e) {
      message = e.what();
    }
  }
  raise_keyboard_interrupt(message);
}

void interruptible_void(const std::function<void()>& fn) {
  interruptible([&] {
    fn();
    return std::string();
  });
}

}  // namespace td::py
