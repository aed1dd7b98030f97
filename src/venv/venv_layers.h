// Splits a venv into a few layers by installed distribution, so bumping one
// dependency changes (and re-pushes) one layer instead of the whole venv.
//
// Each file listed in a <dist>.dist-info/RECORD belongs to that distribution,
// as does everything in its .dist-info folder and files no RECORD lists that
// sit in a top-level site-packages folder a distribution owns (bytecode
// compiled after install). Everything else (bin/python links, pyvenv.cfg,
// activate scripts, editable sources) is the venv skeleton. Large
// distributions get a layer each; the others share a bounded number of layers,
// each distribution always in the same one (by a hash of its name), so adding
// or bumping one does not reshuffle the rest.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tar/layer_entry.h"

namespace venv2docker {

/// Distributions with at least this many bytes of files get a layer of their own.
inline constexpr std::uint64_t k_own_layer_bytes = 5 * 1000 * 1000;
/// At most this many layers hold the smaller distributions.
inline constexpr unsigned k_max_shared_layers = 4;
/// Default --max-layers: the venv's layers, skeleton included (Docker allows 127 in all).
inline constexpr unsigned k_default_max_venv_layers = 16;

struct LayerGroup {
  /// For the image history: "venv skeleton", "venv packages numpy",
  /// "venv packages certifi, idna, ..."; "venv" when not split.
  std::string name;
  /// Distributions in this layer, sorted (empty for the skeleton, and for the
  /// one "venv" group when the venv is not split).
  std::vector<std::string> distributions;
  /// Sorted. Besides its own entries, a layer repeats the folders above them
  /// (with the venv's own modes) so no layer writer has to invent them.
  std::vector<LayerEntry> entries;
};

/// Splits the relocated entries of the venv at `venv_destination` (its image
/// path) into at most `max_layers` groups: the skeleton first, then one per
/// large distribution by name, then the shared groups. Every file and link
/// lands in exactly one group; a folder lands in the group owning everything
/// below it (else the skeleton), and is repeated as a parent elsewhere. The
/// same entries always give the same groups. `max_layers` <= 1 keeps one group.
/// Throws Error naming a RECORD that cannot be read.
std::vector<LayerGroup> split_venv_layers(const std::vector<LayerEntry>& relocated_entries,
                                          const std::string& venv_destination, unsigned max_layers);

/// The same groups, made of the entries themselves rather than copies (a
/// folder repeated in several groups is copied): the venv is then held once.
/// `relocated_entries` is left empty.
std::vector<LayerGroup> split_venv_layers(std::vector<LayerEntry>&& relocated_entries,
                                          const std::string& venv_destination, unsigned max_layers);

}  // namespace venv2docker
