// loa-decode-clip CLIP: the decoding helper (loa/decoding_helper.hpp). `loa render` and `loa run`
// start it for each AAC clip; it writes the clip's mono downmix on its standard output and exits.
// A program of its own, linking only clip decoding (libsndfile, and FFmpeg's libraries loaded
// when the clip needs them), so that a helper costs FFmpeg's pages and little else: the whole loa
// executable, with its 57 libraries, is 14.5 MB resident before it does anything.
// Not for operators: installed beside loa in /usr/lib/loa/, not on the PATH.
#include <unistd.h>

#include <cstdio>

#include "loa/decoding_helper.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs(
        "usage: loa-decode-clip CLIP\n"
        "loa render and loa run start this helper for AAC clips; it is not run by hand.\n",
        stderr);
    return 2;
  }
  return loa::serve_clip_decoding(argv[1], STDOUT_FILENO);
}
