// What a package's postinst would have done. Nothing runs inside the image
// (there is no daemon), so the common cases are done by hand and the rest
// is reported: update-alternatives --install is emulated, ldconfig is not
// needed (libraries land in the loader's default folders), and any other
// command means the package may need its postinst run later.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace venv2docker::debian {

struct Alternative {
  std::string link;  // "/usr/lib/x86_64-linux-gnu/libblas.so.3"
  std::string name;  // "libblas.so.3-x86_64-linux-gnu"
  std::string path;  // "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"
  long priority = 0;
  std::vector<Alternative> slaves;  // priority unused
};

struct PostinstAnalysis {
  std::vector<Alternative> alternatives;
  /// The first command we could not do for it, when there is one.
  std::optional<std::string> unhandled;
};

/// Reads a postinst shell script (with "\"-continued lines).
PostinstAnalysis analyse_postinst(std::string_view script);

}  // namespace venv2docker::debian
