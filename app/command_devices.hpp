#pragma once

namespace loa {

// `loa devices`: PortAudio's output and input devices as a table. 0, or 1 if PortAudio cannot
// start.
int run_devices();

}  // namespace loa
